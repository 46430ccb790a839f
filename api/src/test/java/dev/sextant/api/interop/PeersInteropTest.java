package dev.sextant.api.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.api.app.ServerOptions;
import dev.sextant.api.app.SextantServer;
import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import dev.sextant.api.remote.prompb.Types;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/** Sextant with other real clients and peers from Debian: promtool, Prometheus remote_read, vmagent, vmalert. */
@Tag("interop")
class PeersInteropTest {
    @TempDir
    Path dir;

    @Test
    void promtoolQueriesPrintTheSameAgainstSextantAndPrometheus() throws Exception {
        long now = System.currentTimeMillis() / 1000 * 1000;
        try (SextantServer sextant = SextantServer.start(ServerOptions.defaults(dir.resolve("s"), "127.0.0.1", 0)
                .withRemoteWriteReceiver(true).withConfigFile(config("global:\n  scrape_interval: 15s\n")))) {
            int promPort = ExternalBinary.freePort();
            try (Peer prom = Peer.start("prometheus", promPort, dir, "--config.file=" + config("global: {}\n"),
                    "--storage.tsdb.path=" + dir.resolve("p"), "--web.listen-address=127.0.0.1:" + promPort,
                    "--web.enable-remote-write-receiver").awaitHttp("/-/ready", Duration.ofSeconds(60))) {
                WriteRequest data = data(now);
                write(sextant.port(), data);
                write(promPort, data);
                String t = Long.toString(now / 1000);
                String start = Long.toString(now / 1000 - 60);
                List<String[]> commands = List.of(
                        new String[] {"query", "instant", "URL", "demo_requests_total", "--time=" + t},
                        new String[] {"query", "instant", "URL", "sum by (job) (rate(demo_requests_total[1m]))", "--time=" + t},
                        new String[] {"query", "range", "URL", "demo_requests_total{code=\"200\"}", "--start=" + start,
                            "--end=" + t, "--step=15s"},
                        new String[] {"query", "series", "URL", "--match=demo_requests_total", "--start=" + start, "--end=" + t},
                        new String[] {"query", "labels", "URL", "code", "--start=" + start, "--end=" + t});
                for (String[] c : commands) {
                    String fromProm = promtool(c, "http://127.0.0.1:" + promPort);
                    String fromSextant = promtool(c, "http://127.0.0.1:" + sextant.port());
                    assertSameOutput(sortedLines(fromSextant), sortedLines(fromProm), "promtool " + String.join(" ", c));
                }
            }
        }
    }

    @Test
    void prometheusRemoteReadAnswersFromSextantsData() throws Exception {
        long now = System.currentTimeMillis() / 1000 * 1000;
        try (SextantServer sextant = SextantServer.start(ServerOptions.defaults(dir.resolve("s"), "127.0.0.1", 0)
                .withRemoteWriteReceiver(true).withConfigFile(config("global:\n  scrape_interval: 15s\n")))) {
            write(sextant.port(), data(now));
            int promPort = ExternalBinary.freePort();
            Path cfg = config("""
                    remote_read:
                      - url: http://127.0.0.1:%d/api/v1/read
                        read_recent: true
                    """.formatted(sextant.port()));
            try (Peer prom = Peer.start("prometheus", promPort, dir, "--config.file=" + cfg,
                    "--storage.tsdb.path=" + dir.resolve("p"), "--web.listen-address=127.0.0.1:" + promPort)
                    .awaitHttp("/-/ready", Duration.ofSeconds(60))) {
                String body = prom.get("/api/v1/query?query=sum%28demo_requests_total%29&time=" + now / 1000);
                assertThat(body).as(prom.log()).contains("\"result\":[{\"metric\":{},\"value\":[" + now / 1000 + ",\"" + (3 * 40) + "\"]}]");
                String range = prom.get("/api/v1/query_range?query=demo_requests_total%7Bcode%3D%22500%22%7D&start="
                        + (now / 1000 - 60) + "&end=" + now / 1000 + "&step=15");
                assertThat(range).contains("\"values\":[[" + (now / 1000 - 60) + ",\"0\"],").contains("\"code\":\"500\"");
            }
        }
    }

    @Test
    void vmagentRemoteWritesAndVmalertRecordsThroughSextant() throws Exception {
        try (SextantServer sextant = SextantServer.start(ServerOptions.defaults(dir.resolve("s"), "127.0.0.1", 0)
                .withRemoteWriteReceiver(true).withConfigFile(config("global:\n  scrape_interval: 15s\n")))) {
            int nePort = ExternalBinary.freePort();
            try (Peer ne = Peer.start("prometheus-node-exporter", nePort, dir, "--web.listen-address=127.0.0.1:" + nePort)
                    .awaitHttp("/metrics", Duration.ofSeconds(60))) {
                Path scrape = config("""
                        global:
                          scrape_interval: 1s
                        scrape_configs:
                          - job_name: node
                            static_configs:
                              - targets: ["127.0.0.1:%d"]
                        """.formatted(nePort));
                int agentPort = ExternalBinary.freePort();
                try (Peer agent = Peer.start("vmagent", agentPort, dir, "-promscrape.config=" + scrape,
                        "-remoteWrite.url=http://127.0.0.1:" + sextant.port() + "/api/v1/write",
                        "-remoteWrite.tmpDataPath=" + dir.resolve("vmagent"), "-httpListenAddr=127.0.0.1:" + agentPort,
                        "-remoteWrite.flushInterval=500ms")) {
                    // A successful scrape: vmagent's first one may fail on a loaded machine (up 0).
                    String up = await(sextant.port(), "up%7Bjob%3D%22node%22%7D", b -> b.contains(",\"1\"]"), agent);
                    assertThat(up).contains("\"job\":\"node\"", "\"instance\":\"127.0.0.1:" + nePort + "\"", ",\"1\"]");
                    Path rules = dir.resolve("rules.yml");
                    Files.writeString(rules, """
                            groups:
                              - name: node
                                interval: 1s
                                rules:
                                  - record: job:node_load1:max
                                    expr: max by (job) (node_load1)
                                  - record: job:up:count
                                    expr: count by (job) (up)
                            """);
                    int alertPort = ExternalBinary.freePort();
                    String sx = "http://127.0.0.1:" + sextant.port();
                    try (Peer vmalert = Peer.start("vmalert", alertPort, dir, "-rule=" + rules, "-datasource.url=" + sx,
                            "-remoteWrite.url=" + sx, "-remoteWrite.flushInterval=500ms", "-evaluationInterval=1s",
                            "-notifier.url=http://127.0.0.1:1", "-httpListenAddr=127.0.0.1:" + alertPort)) {
                        String recorded = await(sextant.port(), "job%3Aup%3Acount", b -> b.contains("\"value\""), vmalert);
                        assertThat(recorded).contains("\"__name__\":\"job:up:count\"", "\"job\":\"node\"", ",\"1\"]");
                        assertThat(await(sextant.port(), "job%3Anode_load1%3Amax", b -> b.contains("\"value\""), vmalert))
                                .contains("\"__name__\":\"job:node_load1:max\"");
                    }
                }
            }
        }
    }

    @Test
    void promtoolDumpsSextantsBackfilledBlocksLikeSextantDoes() throws Exception {
        Path in = dir.resolve("in.om");
        Files.writeString(in, dev.sextant.api.app.TsdbCommandBridge.OPENMETRICS);
        Path db = dir.resolve("backfill");
        assertThat(dev.sextant.api.app.TsdbCommandBridge.run("tsdb", "create-blocks-from", "openmetrics", in.toString(),
                db.toString())).isZero();
        // promtool 2.42's dump insists on a wal/ directory, which backfill output (promtool's too) lacks.
        Files.createDirectories(db.resolve("wal"));
        String ours = promtool(new String[] {"tsdb", "dump", db.toString()}, "");
        assertThat(sortedLines(ours)).isEqualTo(sortedLines(dev.sextant.api.app.TsdbCommandBridge.DUMP));
    }

    private static String await(int port, String encodedQuery, Predicate<String> done, Peer peer) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String body = "";
        while (System.nanoTime() < deadline) {
            body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/api/v1/query?query=" + encodedQuery)).build(), HttpResponse.BodyHandlers.ofString()).body();
            if (done.test(body)) {
                return body;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no answer for " + encodedQuery + ": " + body + "\n" + peer.name + " log:\n" + peer.log());
    }

    /** 5 minutes of three counters at 15s, ending at {@code now}. */
    private static WriteRequest data(long now) {
        WriteRequest.Builder w = WriteRequest.newBuilder();
        String[][] series = {{"200", "api"}, {"500", "api"}, {"200", "web"}};
        for (String[] s : series) {
            Types.TimeSeries.Builder ts = Types.TimeSeries.newBuilder()
                    .addLabels(Types.Label.newBuilder().setName("__name__").setValue("demo_requests_total"))
                    .addLabels(Types.Label.newBuilder().setName("code").setValue(s[0]))
                    .addLabels(Types.Label.newBuilder().setName("job").setValue(s[1]));
            for (int i = 0; i <= 20; i++) {
                ts.addSamples(Types.Sample.newBuilder().setTimestamp(now - (20 - i) * 15_000L)
                        .setValue(s[0].equals("500") ? (i < 16 ? 0 : i - 16) * 10 : i * 2));
            }
            w.addTimeseries(ts);
        }
        return w.build();
    }

    private static void write(int port, WriteRequest req) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + port + "/api/v1/write"))
                .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(req.toByteArray()))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isIn(200, 204);
    }

    private String promtool(String[] args, String url) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ExternalBinary.require("promtool").toString());
        for (String a : args) {
            cmd.add(a.equals("URL") ? url : a);
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s -> %s", cmd, out).isZero();
        return out;
    }

    /**
     * promtool's lines from both servers are equal, except that a value may differ in its last
     * bits: Sextant sums with Prometheus 3.x's compensated summation, Prometheus 2.42 adds plainly
     * (see bench/README.md), so a {@code sum} can round differently. Labels, timestamps and the
     * number of lines must match exactly; values within 1e-12 relative.
     */
    private static void assertSameOutput(List<String> ours, List<String> theirs, String what) {
        assertThat(ours).as(what).isNotEmpty().hasSameSizeAs(theirs);
        java.util.regex.Pattern instant = java.util.regex.Pattern.compile("(.* => )(\\S+)( @\\[.*\\])");
        for (int i = 0; i < ours.size(); i++) {
            java.util.regex.Matcher a = instant.matcher(ours.get(i));
            java.util.regex.Matcher b = instant.matcher(theirs.get(i));
            if (a.matches() && b.matches() && !a.group(2).equals(b.group(2))) {
                assertThat(a.group(1) + a.group(3)).as(what).isEqualTo(b.group(1) + b.group(3));
                double x = Double.parseDouble(a.group(2));
                double y = Double.parseDouble(b.group(2));
                assertThat(Math.abs(x - y)).as("%s: %s vs %s", what, ours.get(i), theirs.get(i))
                        .isLessThanOrEqualTo(1e-12 * Math.max(Math.abs(x), Math.abs(y)));
            } else {
                assertThat(ours.get(i)).as(what).isEqualTo(theirs.get(i));
            }
        }
    }

    private static List<String> sortedLines(String s) {
        List<String> lines = new ArrayList<>(List.of(s.split("\n")));
        lines.removeIf(String::isBlank);
        lines.sort(null);
        return lines;
    }

    private Path config(String yaml) throws IOException {
        Path p = Files.createTempFile(dir, "config", ".yml");
        Files.writeString(p, yaml);
        return p;
    }
}
