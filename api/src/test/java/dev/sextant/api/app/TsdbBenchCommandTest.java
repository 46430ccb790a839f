package dev.sextant.api.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.Tsdb;
import dev.sextant.tsdb.TsdbOptions;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.SampleIterator;
import dev.sextant.tsdb.storage.SeriesSet;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TsdbBenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void readsLabelMapsLikePromtoolAndSkipsDuplicates() throws Exception {
        Path in = dir.resolve("series.json");
        Files.writeString(in, """
                {"__name__":"up","job":"api","instance":"10.0.0.1:9100"}
                {"job":"api","__name__":"up","instance":"10.0.0.1"}
                {"__name__":"up","job":"web","instance":"10.0.0.2"}
                {"__name__":"up","job":"db","instance":"10.0.0.3"}
                """);
        List<Labels> l = TsdbBenchCommand.readPrometheusLabels(in, 2);
        // The second line equals the first once the port is cut at the second ':' (as promtool does).
        assertThat(l).containsExactly(Labels.of("__name__", "up", "job", "api", "instance", "10.0.0.1"),
                Labels.of("__name__", "up", "job", "web", "instance", "10.0.0.2"));
    }

    @Test
    void writesTheSamplesPromtoolWouldAndReportsThem() throws Exception {
        Path in = dir.resolve("series.json");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 1500; i++) {
            sb.append("{\"__name__\":\"m").append(i % 7).append("\",\"pod\":\"p").append(i).append("\"}\n");
        }
        Files.writeString(in, sb.toString());
        Path out = dir.resolve("out");
        StringWriter text = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(text));
        assertThat(cl.execute("tsdb", "bench", "write", "--out=" + out, "--metrics=1200", "--scrapes=150",
                "--threads=2", in.toString())).isZero();
        // 150 scrapes round up to two rounds of 100.
        assertThat(text.toString()).contains(" > total samples: 240000\n").contains(">> completed stage=stopStorage");
        try (Tsdb db = Tsdb.open(out.resolve("storage"), TsdbOptions.defaults().withBackgroundCompaction(false));
                Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet set = q.select(true, null, Matcher.equal("pod", "p1100"));
            assertThat(set.next()).isTrue();
            SampleIterator it = set.at().iterator(null);
            int n = 0;
            while (it.next()) {
                n++;
                // Round r, scrape i (1-based): t = 30 s × (100 r + i), value = 123456789 + 1000 i.
                int i = (n - 1) % 100 + 1;
                assertThat(it.atT()).isEqualTo(30_000L * n);
                assertThat(it.atV()).isEqualTo(123456789d + 1000 * i);
            }
            assertThat(n).isEqualTo(200);
            assertThat(set.next()).isFalse();
        }
    }

    @Test
    void warmUpRunsIntoAThrowawayTsdbAndLeavesTheMeasuredOneAlone() throws Exception {
        Path in = seriesFile(300);
        Path out = dir.resolve("out");
        StringWriter text = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(text));
        assertThat(cl.execute("tsdb", "bench", "write", "--out=" + out, "--metrics=300", "--scrapes=100",
                "--warmup-scrapes=200", "--threads=2", in.toString())).isZero();
        String s = text.toString();
        assertThat(s).contains(" > warm-up samples: 60000\n").contains(" > total samples: 30000\n");
        assertThat(s.indexOf(">> completed stage=warmup")).isPositive().isLessThan(s.indexOf(">> start stage=ingestScrapes"));
        assertThat(out.resolve("warmup")).doesNotExist();
        // The measured TSDB holds exactly one round: 100 samples per series, the warm-up's none.
        try (Tsdb db = Tsdb.open(out.resolve("storage"), TsdbOptions.defaults().withBackgroundCompaction(false));
                Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet set = q.select(true, null, Matcher.equal("pod", "p42"));
            assertThat(set.next()).isTrue();
            SampleIterator it = set.at().iterator(null);
            int n = 0;
            while (it.next()) {
                n++;
            }
            assertThat(n).isEqualTo(100);
        }
    }

    @Test
    void walRecordsAreUncompressedLikePromtoolsUnlessAskedFor() throws Exception {
        Path in = seriesFile(200);
        for (boolean compress : new boolean[] {false, true}) {
            Path out = dir.resolve("out-" + compress);
            CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(new StringWriter()));
            List<String> args = new java.util.ArrayList<>(List.of("tsdb", "bench", "write", "--out=" + out,
                    "--metrics=200", "--scrapes=100", "--threads=1"));
            if (compress) {
                args.add("--wal-compression");
            }
            args.add(in.toString());
            assertThat(cl.execute(args.toArray(new String[0]))).isZero();
            // The segment starts with the first record's first fragment: the series record of 200
            // similar label sets, which Snappy shrinks; bit 3 of its type byte is the Snappy flag.
            byte[] seg = Files.readAllBytes(out.resolve("storage").resolve("wal").resolve("00000000"));
            assertThat((seg[0] & 0x08) != 0).as("compressed with --wal-compression=%s", compress).isEqualTo(compress);
        }
    }

    /** A promtool-style series file of {@code n} series {@code m{pod="p<i>"}}. */
    private Path seriesFile(int n) throws java.io.IOException {
        Path in = dir.resolve("series.json");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("{\"__name__\":\"m\",\"pod\":\"p").append(i).append("\"}\n");
        }
        Files.writeString(in, sb.toString());
        return in;
    }
}
