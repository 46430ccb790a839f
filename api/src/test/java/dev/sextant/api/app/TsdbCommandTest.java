package dev.sextant.api.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TsdbCommandTest {
    static final String OPENMETRICS = """
            # TYPE http_requests counter
            http_requests_total{code="200"} 1 1700000000
            http_requests_total{code="200"} 2 1700000060
            http_requests_total{code="200"} 3 1700007260
            http_requests_total{code="500"} 1.5e+06 1700000000.5
            # EOF
            """;
    static final String DUMP = """
            {__name__="http_requests_total", code="200"} 1 1700000000000
            {__name__="http_requests_total", code="200"} 2 1700000060000
            {__name__="http_requests_total", code="200"} 3 1700007260000
            {__name__="http_requests_total", code="500"} 1.5e+06 1700000000500
            """;

    @TempDir
    Path dir;

    @Test
    void backfillOpenMetricsIntoTwoHourBlocksThenDump() throws Exception {
        Path in = dir.resolve("in.om");
        Files.writeString(in, OPENMETRICS);
        Path db = dir.resolve("db");
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("tsdb", "create-blocks-from", "openmetrics", in.toString(), db.toString())).isZero();
        // promtool's report: one row per block, each block's range that of its samples (last + 1 ms).
        List<String> report = out.toString().lines().toList();
        assertThat(report).hasSize(3);
        assertThat(report.get(0)).startsWith("BLOCK ULID                  MIN TIME       MAX TIME       DURATION");
        assertThat(report.get(1)).matches("[0-9A-Z]{26}  1700000000000  1700000060001  1m0.001s     3            2"
                + "            2            [0-9]+");
        assertThat(report.get(2)).matches("[0-9A-Z]{26}  1700007260000  1700007260001  1ms          1            1"
                + "            1            [0-9]+");
        StringWriter dump = new StringWriter();
        cl.setOut(new PrintWriter(dump));
        assertThat(cl.execute("tsdb", "dump", db.toString())).isZero();
        assertThat(dump.toString()).isEqualTo(DUMP);
        StringWriter one = new StringWriter();
        cl.setOut(new PrintWriter(one));
        assertThat(cl.execute("tsdb", "dump", "--match={code=\"500\"}", db.toString())).isZero();
        assertThat(one.toString()).isEqualTo("{__name__=\"http_requests_total\", code=\"500\"} 1.5e+06 1700000000500\n");
    }

    @Test
    void malformedInputIsAnErrorWithTheLine() throws Exception {
        Path in = dir.resolve("bad.om");
        Files.writeString(in, "http_requests_total{code=\"200\" 1 1700000000\n# EOF\n");
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("tsdb", "create-blocks-from", "openmetrics", in.toString(), dir.resolve("db").toString()))
                .isEqualTo(1);
        assertThat(err.toString()).contains("line 1");
    }

    @Test
    void analyzeAndListTheBackfilledBlocks() throws Exception {
        Path in = dir.resolve("in.om");
        Files.writeString(in, OPENMETRICS);
        Path db = dir.resolve("db");
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter()));
        assertThat(cl.execute("tsdb", "create-blocks-from", "openmetrics", in.toString(), db.toString())).isZero();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("tsdb", "analyze", "--extended", db.toString())).isZero();
        // The last block holds one sample of code="200": one series, one chunk of 1 sample (10 %).
        assertThat(out.toString()).contains("Series: 1\nLabel names: 2\n")
                .contains("\nHighest cardinality metric names:\n1 http_requests_total\n")
                .contains("     10%: ####################################################################################################\n");
        StringWriter list = new StringWriter();
        cl.setOut(new PrintWriter(list));
        assertThat(cl.execute("tsdb", "list", db.toString())).isZero();
        List<String> lines = list.toString().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("BLOCK ULID                  MIN TIME       MAX TIME       DURATION     "
                + "NUM SAMPLES  NUM CHUNKS   NUM SERIES   SIZE");
        assertThat(lines.get(1)).matches("[0-9A-Z]{26}  1700000000000  1700000060001  1m0.001s" + " ".repeat(5) + "3"
                + " ".repeat(12) + "2" + " ".repeat(12) + "2" + " ".repeat(12) + "[0-9]+");
    }

    @Test
    void backfillKeepsOnlySamplesNewerThanTheOneBeforeThemLikePromtool() throws Exception {
        Path in = dir.resolve("dup.om");
        // In file order: a repeat, a second value for t=100 s, an older sample, then a newer one.
        Files.writeString(in, "# TYPE foo gauge\nfoo 1 100\nfoo 1 100\nfoo 2 100\nfoo 9 50\nfoo 3 200\n# EOF\n");
        Path db = dir.resolve("db");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("tsdb", "create-blocks-from", "openmetrics", in.toString(), db.toString())).isZero();
        assertThat(out.toString().lines().toList().get(1))
                .matches("[0-9A-Z]{26}  100000       200001       1m40.001s    2            1            1            [0-9]+");
        assertThat(err.toString()).contains("3 samples dropped");
        StringWriter dump = new StringWriter();
        cl.setOut(new PrintWriter(dump));
        assertThat(cl.execute("tsdb", "dump", db.toString())).isZero();
        assertThat(dump.toString()).isEqualTo("{__name__=\"foo\"} 1 100000\n{__name__=\"foo\"} 3 200000\n");
    }

    @Test
    void tabulateAndSizesFollowPromtool() {
        assertThat(TsdbCommand.humanBytes(0)).isEqualTo("0B");
        assertThat(TsdbCommand.humanBytes(4608)).isEqualTo("4KiB512B");
        assertThat(TsdbCommand.humanBytes(1024 * 1024 + 5)).isEqualTo("1MiB5B");
        assertThat(TsdbCommand.tabulate(List.of(new String[] {"A", "BB", "C"}, new String[] {"long-cell-value-x", "1", "2"})))
                .isEqualTo("A                  BB           C\nlong-cell-value-x  1            2\n");
    }

    @Test
    void anInputTooLargeForTheBackfillIsAnErrorNotACrash() throws Exception {
        Path in = dir.resolve("big.om");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(in.toFile(), "rw")) {
            f.setLength(TsdbCommand.MAX_INPUT_BYTES + 1); // sparse: no disk used
        }
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        assertThat(cl.execute("tsdb", "create-blocks-from", "openmetrics", in.toString(), dir.resolve("db").toString()))
                .isEqualTo(1);
        assertThat(err.toString()).contains("big.om").contains("split it");
        assertThat(cl.execute("tsdb", "create-blocks-from", "openmetrics", dir.resolve("missing.om").toString(),
                dir.resolve("db").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("missing.om: not a readable file");
    }
}
