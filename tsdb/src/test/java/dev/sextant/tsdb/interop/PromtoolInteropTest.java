package dev.sextant.tsdb.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.block.BlockMeta;
import dev.sextant.tsdb.block.BlockWriter;
import dev.sextant.tsdb.head.Head;
import dev.sextant.tsdb.head.HeadOptions;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.StaleNaN;
import dev.sextant.tsdb.storage.Appender;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes a block with Sextant and reads it with the real {@code promtool} (Debian's prometheus
 * package). Fails, never skips, when promtool is missing: run with {@code -Pinterop}.
 */
@Tag("interop")
class PromtoolInteropTest {
    static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    static final long H2 = 2 * 3600_000L;

    @TempDir
    Path dir;

    record Run(int exit, String out) {}

    static Run run(String... cmd) throws IOException, InterruptedException {
        assertThat(Files.isExecutable(Path.of(cmd[0]))).as("%s must be installed (apt-get install prometheus)", cmd[0]).isTrue();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void promtoolAnalyzesAndDumpsASextantBlock() throws Exception {
        long base = 1_700_000_000_000L / H2 * H2;
        TreeSet<String> expected = new TreeSet<>();
        BlockMeta meta;
        try (Head head = Head.open(null, HeadOptions.defaults(), Long.MIN_VALUE)) {
            Appender app = head.appender();
            for (int s = 0; s < 20; s++) {
                Labels l = Labels.of("__name__", s % 2 == 0 ? "up" : "http_requests_total", "instance", "host-" + s, "job", "node");
                for (int i = 0; i < 500; i++) {
                    long t = base + i * 14_000L + s;
                    if (t >= base + H2) {
                        break;
                    }
                    double v = i == 499 ? StaleNaN.VALUE : s * 1000.5 + i;
                    app.append(0, l, t, v);
                    expected.add(line(l, v, t));
                }
            }
            app.commit();
            meta = BlockWriter.write(dir, base, base + H2, head.chunksForRange(base, base + H2), BlockWriter.Origin.head(),
                    System.currentTimeMillis(), 120);
        }
        assertThat(meta).isNotNull();

        Run analyze = run(PROMTOOL.toString(), "tsdb", "analyze", dir.toString(), meta.ulid());
        assertThat(analyze.exit()).as(analyze.out()).isZero();
        assertThat(analyze.out()).contains("Block ID: " + meta.ulid()).contains("Series: 20");

        Files.createDirectories(dir.resolve("wal")); // promtool opens the directory as a whole TSDB
        Run dump = run(PROMTOOL.toString(), "tsdb", "dump", "--match={__name__=~\".+\"}", dir.toString());
        assertThat(dump.exit()).as(dump.out()).isZero();
        List<String> lines = new ArrayList<>();
        for (String l : dump.out().split("\n")) {
            if (l.startsWith("{")) {
                lines.add(l);
            }
        }
        assertThat(new TreeSet<>(lines)).isEqualTo(expected);
        assertThat(lines).hasSize(expected.size());
    }

    /** promtool's dump line: labels, value (Go %g), timestamp. */
    static String line(Labels l, double v, long t) {
        return l.toString() + " " + goFloat(v) + " " + t;
    }

    static String goFloat(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e21) {
            return Long.toString((long) v);
        }
        return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }
}
