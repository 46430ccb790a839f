package dev.sextant.promql.promqltest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.promql.engine.EngineOptions;
import dev.sextant.promql.engine.QueryEngine;
import dev.sextant.tsdb.memory.MemoryStorage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every eval of Prometheus's upstream {@code .test} corpus. Evals that are known not to pass are
 * listed in {@code conformance-skips.txt} ({@code file:line reason}); a listed eval that passes fails
 * the build, so the list only shrinks. Set {@code -Dsextant.conformance.writeSkips=<path>} to write
 * a fresh list of the current failures (reasons from {@code eval-index.tsv}).
 */
class UpstreamConformanceTest {
    private static final Path CORPUS_ROOT = Path.of("").toAbsolutePath().resolve("../../shared/promql-conformance")
            .normalize();
    private static final Path UPSTREAM = CORPUS_ROOT.resolve("upstream");

    static List<Path> files() throws IOException {
        if (!Files.isDirectory(UPSTREAM)) {
            throw new IllegalStateException("conformance corpus missing: " + UPSTREAM);
        }
        try (Stream<Path> s = Files.list(UPSTREAM)) {
            return s.filter(p -> p.toString().endsWith(".test")).sorted().toList();
        }
    }

    static Map<String, String> skips() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (var in = UpstreamConformanceTest.class.getResourceAsStream("/conformance-skips.txt")) {
            if (in == null) {
                throw new IllegalStateException("conformance-skips.txt missing from test resources");
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int sp = line.indexOf(' ');
                out.put(sp < 0 ? line : line.substring(0, sp), sp < 0 ? "" : line.substring(sp + 1));
            }
        }
        return out;
    }

    static QueryEngine engine() {
        // The upstream test engine: 5m lookback, 100s timeout, 10000 max samples.
        return new QueryEngine(new EngineOptions(Duration.ofMinutes(5), Duration.ofSeconds(100), 10_000));
    }

    static List<TestRunner.Outcome> runAll() throws IOException {
        List<TestRunner.Outcome> all = new ArrayList<>();
        TestRunner<MemoryStorage> runner = new TestRunner<>(engine(), MemoryStorage::new);
        for (Path f : files()) {
            TestScript script = TestScript.parse(f.getFileName().toString(), Files.readString(f));
            all.addAll(runner.run(script));
        }
        return all;
    }

    @TestFactory
    Stream<DynamicNode> upstreamCorpus() throws IOException {
        Map<String, String> skips = skips();
        List<TestRunner.Outcome> outcomes = runAll();
        maybeWriteSkips(outcomes);
        Map<String, List<DynamicNode>> byFile = new LinkedHashMap<>();
        int passed = 0;
        for (TestRunner.Outcome o : outcomes) {
            String key = o.file() + ":" + o.line();
            String skipReason = skips.get(key);
            if (o.passed()) {
                passed++;
            }
            DynamicTest t = DynamicTest.dynamicTest(o.line() + ": " + o.expr(), () -> {
                if (skipReason != null) {
                    assertThat(o.passed())
                            .as("%s is listed in conformance-skips.txt (%s) but passes now: remove it", key,
                                    skipReason)
                            .isFalse();
                } else {
                    assertThat(o.passed()).as("%s %s: %s", key, o.expr(), o.message()).isTrue();
                }
            });
            byFile.computeIfAbsent(o.file(), k -> new ArrayList<>()).add(t);
        }
        System.out.printf("promql conformance: %d of %d evals pass, %d listed as skipped%n", passed,
                outcomes.size(), skips.size());
        return byFile.entrySet().stream().map(e -> DynamicContainer.dynamicContainer(e.getKey(), e.getValue()));
    }

    @Test
    void everySkipNamesAnExistingEval() throws IOException {
        List<String> keys = new ArrayList<>();
        for (Path f : files()) {
            TestScript script = TestScript.parse(f.getFileName().toString(), Files.readString(f));
            for (TestScript.Command c : script.commands()) {
                if (c instanceof TestScript.Eval e) {
                    keys.add(script.name() + ":" + e.line());
                }
            }
        }
        assertThat(keys).as("every eval of the corpus").hasSizeGreaterThan(2000);
        assertThat(keys).containsAll(skips().keySet());
    }

    private static void maybeWriteSkips(List<TestRunner.Outcome> outcomes) throws IOException {
        String target = System.getProperty("sextant.conformance.writeSkips");
        if (target == null || target.isBlank()) {
            return;
        }
        Map<String, String> reasons = new LinkedHashMap<>();
        for (String line : Files.readAllLines(CORPUS_ROOT.resolve("eval-index.tsv"))) {
            if (line.startsWith("#") || line.startsWith("file\t")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            String reason = null;
            if (f[7].equals("yes")) {
                reason = "native histograms";
            } else if (!f[8].isEmpty()) {
                reason = "feature: " + f[8];
            }
            if (reason != null) {
                reasons.put(f[0] + ":" + f[1], reason);
            }
        }
        StringBuilder details = new StringBuilder();
        for (TestRunner.Outcome o : outcomes) {
            if (!o.passed()) {
                details.append(o.file()).append(':').append(o.line()).append(' ').append(o.expr()).append(" => ")
                        .append(String.valueOf(o.message()).replace('\n', ' ')).append('\n');
            }
        }
        Files.writeString(Path.of(target + ".details"), details.toString());
        StringBuilder sb = new StringBuilder();
        sb.append("# Upstream conformance evals that do not pass yet: file:line reason\n");
        for (TestRunner.Outcome o : outcomes) {
            if (o.passed()) {
                continue;
            }
            String key = o.file() + ":" + o.line();
            String reason = reasons.get(key);
            if (reason == null && o.histogramData()) {
                reason = "native histograms (loaded in this segment; floats-only engine)";
            }
            if (reason == null) {
                String m = String.valueOf(o.message()).replace('\n', ' ');
                reason = "not implemented: " + (m.length() > 100 ? m.substring(0, 100) : m);
            }
            sb.append(key).append(' ').append(reason).append('\n');
        }
        Files.writeString(Path.of(target), sb.toString());
    }
}
