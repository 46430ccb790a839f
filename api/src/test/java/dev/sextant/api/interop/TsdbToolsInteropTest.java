package dev.sextant.api.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.api.app.TsdbCommandBridge;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sextant tsdb analyze} and {@code sextant tsdb list} print what promtool prints, over blocks
 * written by promtool's backfill and by Sextant's. promtool orders entries with equal figures
 * arbitrarily (an unstable sort), so within a list entries are compared as sets per figure, and
 * the lists are long enough ({@code --limit=1000}) that no tie is cut.
 */
@Tag("interop")
class TsdbToolsInteropTest {
    @TempDir
    Path dir;

    /** Series that start and stop at different times (churn), several metrics, a long label value. */
    static String churnyOpenMetrics() {
        long base = 1_700_006_400L; // a 2h boundary
        StringBuilder sb = new StringBuilder();
        String[] metrics = {"http_requests", "node_cpu_seconds", "process_open_fds"};
        for (int m = 0; m < metrics.length; m++) {
            boolean counter = m < 2;
            sb.append("# TYPE ").append(metrics[m]).append(counter ? " counter\n" : " gauge\n");
            for (int s = 0; s < 12; s++) {
                // Series s lives from s*10min to the end, or from the start to 2h - s*7min: churn.
                long from = s % 2 == 0 ? s * 600L : 0;
                long to = s % 2 == 0 ? 3 * 7200L : 7200L - s * 420L;
                for (long t = from; t < to; t += 30) {
                    sb.append(metrics[m]).append(counter ? "_total" : "").append("{job=\"job-").append(s % 3)
                            .append("\",instance=\"10.0.0.").append(s).append(":9100\",pod=\"pod-")
                            .append("x".repeat(s)).append("\"} ").append(counter ? t * (s + 1) : (t % 97) / 4.0)
                            .append(' ').append(base + t).append('\n');
                }
            }
        }
        return sb.append("# EOF\n").toString();
    }

    record Run(int exit, String out) {}

    static Run promtool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ExternalBinary.require("promtool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static Run sextant(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = TsdbCommandBridge.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute(args);
        return new Run(rc, out + err.toString());
    }

    /** Title line → figure → sorted keys; the lines before the first list kept in order. */
    static Map<String, Map<Long, List<String>>> sections(String text) {
        Map<String, Map<Long, List<String>>> out = new LinkedHashMap<>();
        String title = "header";
        long previous = Long.MAX_VALUE;
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int sp = line.indexOf(' ');
            boolean entry = sp > 0 && line.substring(0, sp).chars().allMatch(Character::isDigit) && !title.equals("header")
                    && !title.startsWith("Compaction") && !title.startsWith("Fullness");
            if (entry) {
                long figure = Long.parseLong(line.substring(0, sp));
                assertThat(figure).as("%s is ordered by figure, descending", title).isLessThanOrEqualTo(previous);
                previous = figure;
                out.computeIfAbsent(title, k -> new LinkedHashMap<>()).computeIfAbsent(figure, k -> new ArrayList<>())
                        .add(line.substring(sp + 1));
            } else if (line.endsWith(":") && !line.startsWith(" ")) {
                title = line;
                previous = Long.MAX_VALUE;
                out.computeIfAbsent(title, k -> new LinkedHashMap<>());
            } else {
                out.computeIfAbsent(title, k -> new LinkedHashMap<>()).computeIfAbsent((long) out.get(title).size(),
                        k -> new ArrayList<>()).add(line);
            }
        }
        for (Map<Long, List<String>> m : out.values()) {
            for (List<String> keys : m.values()) {
                if (keys.size() > 1 && !keys.get(0).contains("%")) {
                    keys.sort(null);
                }
            }
        }
        return out;
    }

    @Test
    void analyzeAndListMatchPromtoolOnBlocksWrittenByEitherTool() throws Exception {
        Path input = dir.resolve("in.om");
        Files.writeString(input, churnyOpenMetrics());
        Path byPromtool = dir.resolve("by-promtool");
        Path bySextant = dir.resolve("by-sextant");
        Files.createDirectories(byPromtool);
        Run backfill = promtool("tsdb", "create-blocks-from", "openmetrics", input.toString(), byPromtool.toString());
        assertThat(backfill.exit()).as(backfill.out()).isZero();
        Run ours = sextant("tsdb", "create-blocks-from", "openmetrics", input.toString(), bySextant.toString());
        assertThat(ours.exit()).as(ours.out()).isZero();
        // The same report but for the block ids and sizes: same blocks, same time ranges and counts.
        assertThat(withoutIdsAndSizes(ours.out())).isEqualTo(withoutIdsAndSizes(backfill.out()));

        for (Path db : List.of(byPromtool, bySextant)) {
            for (String[] flags : List.of(new String[] {"--limit=1000"}, new String[] {"--limit=1000", "--extended"})) {
                // The last block (the default) and each block by id.
                List<String> ids = new ArrayList<>();
                ids.add("");
                try (var s = Files.list(db)) {
                    s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> n.length() == 26)
                            .sorted().forEach(ids::add);
                }
                assertThat(ids).hasSizeGreaterThan(2);
                for (String id : ids) {
                    List<String> args = new ArrayList<>(List.of("tsdb", "analyze"));
                    args.addAll(List.of(flags));
                    args.add(db.toString());
                    if (!id.isEmpty()) {
                        args.add(id);
                    }
                    Run theirs = promtool(args.toArray(new String[0]));
                    Run mine = sextant(args.toArray(new String[0]));
                    assertThat(theirs.exit()).as(theirs.out()).isZero();
                    assertThat(mine.exit()).as(mine.out()).isZero();
                    assertThat(sections(mine.out())).as("analyze %s", args).isEqualTo(sections(theirs.out()));
                }
            }
            // The churn figures are not all zero: the data was built to churn.
            assertThat(sextant("tsdb", "analyze", db.toString()).out()).containsPattern("(?m)^[1-9][0-9]* pod=");
            for (String human : new String[] {"", "-r"}) {
                List<String> args = new ArrayList<>(List.of("tsdb", "list"));
                if (!human.isEmpty()) {
                    args.add(human);
                }
                args.add(db.toString());
                Run theirs = promtool(args.toArray(new String[0]));
                Run mine = sextant(args.toArray(new String[0]));
                assertThat(theirs.exit()).as(theirs.out()).isZero();
                assertThat(mine.out()).as("list %s", args).isEqualTo(theirs.out());
            }
        }
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Run theirs = promtool("tsdb", "analyze", empty.toString());
        Run mine = sextant("tsdb", "analyze", empty.toString());
        assertThat(theirs.exit()).isEqualTo(1);
        assertThat(mine.exit()).isEqualTo(1);
        assertThat(theirs.out()).contains("block  not found");
        assertThat(mine.out()).contains("block  not found");
    }

    /** A block table with the ULID and SIZE columns blanked (they differ between any two runs). */
    private static List<String> withoutIdsAndSizes(String table) {
        List<String> out = new ArrayList<>();
        for (String line : table.lines().toList()) {
            if (line.startsWith("ts=")) {
                continue; // Sextant's log lines
            }
            out.add(line.replaceFirst("^[0-9A-Z]{26}", "ULID").replaceFirst("[0-9]+$", "SIZE"));
        }
        return out;
    }
}
