package dev.sextant.tsdb.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.Tsdb;
import dev.sextant.tsdb.TsdbOptions;
import dev.sextant.tsdb.block.BlockMeta;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.model.StaleNaN;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.testutil.Samples;
import dev.sextant.tsdb.testutil.Samples.Sample;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with the real Prometheus tools from Debian's {@code prometheus} package: promtool reads
 * what Sextant writes (blocks and WAL), and Sextant reads what Prometheus writes (blocks made by
 * {@code promtool tsdb create-blocks-from}, and the Snappy-compressed WAL of a briefly running
 * server). Fails, never skips, when the binaries are missing. Run with {@code -Pinterop}.
 */
@Tag("interop")
class PromtoolInteropTest {
    static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    static final long H = 3600_000L;
    static final long H2 = 2 * H;

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

    static TsdbOptions manual() {
        return TsdbOptions.defaults().withBackgroundCompaction(false);
    }

    @Test
    void promtoolAnalyzesAndDumpsBlocksAndWalWrittenBySextant() throws Exception {
        long base = 1_700_000_000_000L / H2 * H2;
        TreeSet<String> expected = new TreeSet<>();
        String blockId;
        try (Tsdb db = Tsdb.open(dir, manual())) {
            long[] refs = new long[20];
            for (long t = base; t < base + 4 * H; t += 14_000) {
                Appender app = db.appender();
                for (int s = 0; s < 20; s++) {
                    Labels l = Labels.of("__name__", s % 2 == 0 ? "up" : "http_requests_total", "instance", "host-" + s,
                            "job", "node", "path", "/ü/" + s);
                    double v = (t - base) % 700_000 == 0 ? StaleNaN.VALUE : s * 1000.5 + (t - base) / 14_000.0;
                    refs[s] = app.append(refs[s], l, t + s, v);
                    expected.add(line(l, v, t + s));
                }
                app.commit();
            }
            db.compact();
            List<BlockMeta> blocks = db.blocks();
            assertThat(blocks).hasSize(1);
            blockId = blocks.get(0).ulid();
        }

        Run analyze = run(PROMTOOL.toString(), "tsdb", "analyze", dir.toString(), blockId);
        assertThat(analyze.exit()).as(analyze.out()).isZero();
        assertThat(analyze.out()).contains("Block ID: " + blockId).contains("Series: 20");

        // dump reads the block and replays the WAL (checkpoint + segments) for the head's 2 hours.
        Run dump = run(PROMTOOL.toString(), "tsdb", "dump", "--match={__name__=~\".+\"}", dir.toString());
        assertThat(dump.exit()).as(dump.out()).isZero();
        // The head's full chunks are in chunks_head/; Prometheus would log and delete corrupt files.
        assertThat(dir.resolve("chunks_head/000001")).exists();
        assertThat(dump.out()).doesNotContainIgnoringCase("corrupt").doesNotContainIgnoringCase("error");
        List<String> lines = new ArrayList<>();
        for (String l : dump.out().split("\n")) {
            if (l.startsWith("{")) {
                lines.add(l);
            }
        }
        assertThat(lines).hasSize(expected.size());
        assertThat(new TreeSet<>(lines)).isEqualTo(expected);
    }

    @Test
    void sextantReadsBlocksWrittenByPrometheus() throws Exception {
        long baseSec = 1_700_000_000L / 7200 * 7200;
        StringBuilder om = new StringBuilder("# TYPE temperature gauge\n");
        List<Sample> a = new ArrayList<>();
        List<Sample> b = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            long t = baseSec + i * 15L;
            double va = 20 + i * 0.25;
            double vb = -i;
            om.append("temperature{room=\"a\"} ").append(va).append(' ').append(t).append('\n');
            om.append("temperature{room=\"b\"} ").append(vb).append(' ').append(t).append('\n');
            a.add(Sample.of(t * 1000, va));
            b.add(Sample.of(t * 1000, vb));
        }
        om.append("# EOF\n");
        Path input = dir.resolve("input.om");
        Files.writeString(input, om.toString());
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Run r = run(PROMTOOL.toString(), "tsdb", "create-blocks-from", "openmetrics", input.toString(), data.toString());
        assertThat(r.exit()).as(r.out()).isZero();

        try (Tsdb db = Tsdb.open(data, manual().withRetention(0))) {
            assertThat(db.blocks()).isNotEmpty();
            Map<Labels, List<Sample>> got = Samples.query(db, 0, Long.MAX_VALUE, Matcher.equal("__name__", "temperature"));
            assertThat(got.get(Labels.of("__name__", "temperature", "room", "a"))).isEqualTo(a);
            assertThat(got.get(Labels.of("__name__", "temperature", "room", "b"))).isEqualTo(b);
            // And Sextant can compact Prometheus's blocks into its own.
            db.compact();
            assertThat(Samples.query(db, 0, Long.MAX_VALUE, Matcher.equal("room", "a")).get(Labels.of("__name__", "temperature", "room", "a")))
                    .isEqualTo(a);
        }
    }

    @Test
    void sextantReplaysTheWalOfARealPrometheusServer() throws Exception {
        assertThat(Files.isExecutable(PROMETHEUS)).as("%s must be installed", PROMETHEUS).isTrue();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path cfg = dir.resolve("prometheus.yml");
        Files.writeString(cfg, "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: self\n"
                + "    static_configs:\n      - targets: ['127.0.0.1:" + port + "']\n");
        Path data = dir.resolve("data");
        Process p = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + cfg, "--storage.tsdb.path=" + data,
                "--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.wal-compression")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            // Until Prometheus has scraped itself a few times (its start-up can take seconds on a
            // loaded machine, so a fixed wait could end before the first scrape).
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            String url = "http://127.0.0.1:" + port + "/api/v1/query?query="
                    + java.net.URLEncoder.encode("count_over_time(up[1m])", StandardCharsets.UTF_8);
            long deadline = System.currentTimeMillis() + 90_000;
            while (true) {
                try {
                    String body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile(",\"(\\d+)\"\\]").matcher(body);
                    if (m.find() && Integer.parseInt(m.group(1)) >= 3) {
                        break;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                assertThat(System.currentTimeMillis()).as("Prometheus scraped itself 3 times").isLessThan(deadline);
                Thread.sleep(200);
            }
        } finally {
            p.destroy(); // SIGTERM: clean shutdown
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        try (Tsdb db = Tsdb.open(data, manual())) {
            Map<Labels, List<Sample>> up = Samples.query(db, 0, Long.MAX_VALUE, Matcher.equal("__name__", "up"));
            assertThat(up).as(Files.readString(dir.resolve("prometheus.log"))).hasSize(1);
            List<Sample> samples = up.values().iterator().next();
            assertThat(samples).isNotEmpty();
            assertThat(samples).allSatisfy(s -> assertThat(Double.longBitsToDouble(s.bits())).isEqualTo(1.0));
            assertThat(Samples.query(db, 0, Long.MAX_VALUE, Matcher.regex("__name__", "prometheus_.*")).size())
                    .isGreaterThan(50);
        }
    }

    @Test
    void sextantTakesTheFullHeadChunksOfAPrometheusTsdbFromChunksHead() throws Exception {
        // promtool tsdb bench write runs Prometheus 2.42's own TSDB: its storage holds a WAL and the
        // m-mapped head chunks Prometheus wrote to chunks_head.
        StringBuilder series = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            series.append("{\"__name__\":\"bench_metric\",\"instance\":\"host-").append(i)
                    .append("\",\"job\":\"bench\"}\n");
        }
        Path seriesFile = dir.resolve("series.json");
        Files.writeString(seriesFile, series.toString());
        Path out = dir.resolve("bench");
        Run r = run(PROMTOOL.toString(), "tsdb", "bench", "write", "--out=" + out, "--metrics=200", "--scrapes=400",
                seriesFile.toString());
        assertThat(r.exit()).as(r.out()).isZero();
        Path data = out.resolve("storage");
        long chunkBytes = 0;
        try (var files = Files.list(data.resolve("chunks_head"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                chunkBytes += Files.size(f);
            }
        }
        assertThat(chunkBytes).as("Prometheus wrote head chunks").isGreaterThan(8);
        // The same directory without chunks_head: Sextant rebuilds everything from the WAL.
        Path walOnly = dir.resolve("wal-only");
        Files.createDirectories(walOnly.resolve("wal"));
        try (var files = Files.list(data.resolve("wal"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, walOnly.resolve("wal").resolve(f.getFileName()));
            }
        }
        Matcher all = Matcher.equal("job", "bench");
        Map<Labels, List<Sample>> want;
        try (Tsdb db = Tsdb.open(walOnly, manual())) {
            assertThat(db.head().mmappedChunksLoaded()).isZero();
            want = Samples.query(db, Long.MIN_VALUE, Long.MAX_VALUE, all);
        }
        assertThat(want).hasSize(200);
        long samples = want.values().stream().mapToLong(List::size).sum();
        assertThat(samples).isGreaterThan(200L * 300);
        try (Tsdb db = Tsdb.open(data, manual())) {
            assertThat(db.head().mmappedChunksLoaded()).as("chunks taken from Prometheus's chunks_head").isGreaterThan(200);
            assertThat(db.head().walSamplesSkipped()).isGreaterThan(samples / 2);
            assertThat(Samples.query(db, Long.MIN_VALUE, Long.MAX_VALUE, all)).isEqualTo(want);
        }
    }

    @Test
    void prometheusServerOpensADataDirectoryWrittenBySextant() throws Exception {
        assertThat(Files.isExecutable(PROMETHEUS)).as("%s must be installed", PROMETHEUS).isTrue();
        long base = 1_700_000_000_000L / H2 * H2;
        long nonStale = 0;
        Path data = dir.resolve("data");
        try (Tsdb db = Tsdb.open(data, manual())) {
            long[] refs = new long[20];
            for (long t = base; t < base + 4 * H; t += 14_000) {
                Appender app = db.appender();
                for (int s = 0; s < 20; s++) {
                    Labels l = Labels.of("__name__", "m", "s", "" + s, "job", "node");
                    boolean stale = (t - base) % 700_000 == 0 && t > base;
                    refs[s] = app.append(refs[s], l, t, stale ? StaleNaN.VALUE : s + (t - base) / 14_000.0);
                    if (!stale) {
                        nonStale++;
                    }
                }
                app.commit();
            }
            db.compact();
            assertThat(db.blocks()).hasSize(1);
        }
        assertThat(data.resolve("chunks_head/000001")).exists();
        // The WAL Prometheus replays below holds Snappy-compressed records (the default, as in Prometheus).
        assertThat(snappyFragments(data.resolve("wal"))).isPositive();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path cfg = dir.resolve("prometheus.yml");
        Files.writeString(cfg, "global:\n  scrape_interval: 1m\n");
        Path log = dir.resolve("prometheus.log");
        Process p = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + cfg, "--storage.tsdb.path=" + data,
                "--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.retention.time=100y")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        try {
            boolean ready = false;
            for (int i = 0; i < 100 && !ready; i++) {
                Thread.sleep(200);
                try {
                    ready = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                } catch (IOException e) {
                    // not listening yet
                }
            }
            assertThat(ready).as(Files.readString(log)).isTrue();
            String q = java.net.URLEncoder.encode("sum(count_over_time(m[5h]))", StandardCharsets.UTF_8);
            double at = (base + 4 * H) / 1000.0;
            String body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    "http://127.0.0.1:" + port + "/api/v1/query?query=" + q + "&time=" + at)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertThat(body).as(body).contains("\"" + nonStale + "\"]");
        } finally {
            p.destroy();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        String out = Files.readString(log);
        // Prometheus loads chunks_head and replays the WAL; it reports unusable files at warn/error level.
        assertThat(out).contains("On-disk memory mappable chunks replay completed")
                .doesNotContain("level=error").doesNotContainIgnoringCase("corrupt");
        for (String l : out.split("\n")) {
            if (l.contains("level=warn")) {
                assertThat(l).contains("SIGTERM");
            }
        }
    }

    /** Fragments with the Snappy flag in the first page of every WAL segment under {@code walDir}. */
    static int snappyFragments(Path walDir) throws IOException {
        int n = 0;
        try (var files = Files.list(walDir)) {
            for (Path seg : files.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                byte[] b = Files.readAllBytes(seg);
                int pos = 0;
                while (pos + 7 <= Math.min(b.length, 32 * 1024) && b[pos] != 0) {
                    if ((b[pos] & 0x08) != 0) {
                        n++;
                    }
                    pos += 7 + (((b[pos + 1] & 0xFF) << 8) | (b[pos + 2] & 0xFF));
                }
            }
        }
        return n;
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
