package dev.sextant.api.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
        assertThat(out.toString().lines().filter(l -> l.startsWith("BLOCK ")).count()).isEqualTo(2);
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
}
