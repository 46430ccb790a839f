package dev.sextant.api.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sextant.api.app.ServerOptions;
import dev.sextant.api.app.SextantServer;
import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import dev.sextant.api.remote.prompb.Types;
import java.net.URI;
import java.net.URLEncoder;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * {@code vmctl} (Debian's victoria-metrics package) migrates Sextant's data into VictoriaMetrics with
 * matching sample counts. Debian ships vmctl 1.79, which has no {@code remote-read} mode (that came
 * in 1.93), so the migration goes through {@code vmctl prometheus}, which reads a snapshot of
 * Prometheus-format blocks: Sextant's {@code /api/v1/admin/tsdb/snapshot} makes one.
 */
@Tag("interop")
class VmctlMigrationInteropTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void vmctlMigratesASextantSnapshotIntoVictoriaMetrics() throws Exception {
        ExternalBinary.require("vmctl");
        ServerOptions d = ServerOptions.defaults(dir.resolve("sextant-data"), "127.0.0.1", 0);
        ServerOptions opts = new ServerOptions(null, d.dataDir(), d.listenHost(), 0, true, false, true, d.queryTimeout(),
                d.queryMaxSamples(), d.lookbackDelta(), d.retentionTime(), d.retentionSize(), d.queryMaxConcurrency());
        int vmPort = ExternalBinary.freePort();
        try (SextantServer sx = SextantServer.start(opts);
                Peer vm = Peer.start("victoria-metrics", vmPort, dir, "-httpListenAddr=127.0.0.1:" + vmPort,
                        "-storageDataPath=" + dir.resolve("vm-data"), "-retentionPeriod=1", "-search.disableCache",
                        "-search.latencyOffset=0s").awaitHttp("/health", Duration.ofSeconds(30))) {
            long end = System.currentTimeMillis() / 1000 * 1000;
            WriteRequest.Builder req = WriteRequest.newBuilder();
            for (int s = 0; s < 25; s++) {
                Types.TimeSeries.Builder ts = Types.TimeSeries.newBuilder()
                        .addLabels(Types.Label.newBuilder().setName("__name__").setValue("migrated"))
                        .addLabels(Types.Label.newBuilder().setName("series").setValue(Integer.toString(s)));
                for (int i = 0; i < 240; i++) {
                    ts.addSamples(Types.Sample.newBuilder().setTimestamp(end - 3_600_000 + i * 15_000L).setValue(s + i));
                }
                req.addTimeseries(ts);
            }
            HttpResponse<String> w = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sx.port() + "/api/v1/write"))
                    .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(req.build().toByteArray()))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(w.statusCode()).isEqualTo(204);
            long sextantCount = count(sx.port(), "");
            assertThat(sextantCount).isEqualTo(25 * 240);

            HttpResponse<String> snap = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sx.port()
                    + "/api/v1/admin/tsdb/snapshot")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(snap.statusCode()).as(snap.body()).isEqualTo(200);
            String name = JSON.readTree(snap.body()).path("data").path("name").asText();
            Path snapshot = dir.resolve("sextant-data").resolve("snapshots").resolve(name);
            assertThat(snapshot).isDirectory();

            String vmctl = ExternalBinary.require("vmctl") + " prometheus --prom-snapshot=" + snapshot
                    + " --vm-addr=http://127.0.0.1:" + vmPort + " -s --vm-disable-progress-bar";
            Path log = dir.resolve("vmctl.log");
            // vmctl 1.79's import progress bar insists on a terminal even when disabled: run it under
            // script(1) (util-linux, always on Debian), which gives it a pseudo-terminal.
            List<String> cmd = new ArrayList<>(List.of(ExternalBinary.require("script").toString(), "-qec", vmctl,
                    log.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("script.out").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("vmctl finishes").isTrue();
            assertThat(p.exitValue()).as("vmctl exit; log:\n%s", Files.readString(log)).isZero();

            long deadline = System.currentTimeMillis() + 30_000;
            long vmCount = -1;
            while (System.currentTimeMillis() < deadline) {
                vmCount = count(vmPort, "");
                if (vmCount == sextantCount) {
                    break;
                }
                Thread.sleep(1000);
            }
            assertThat(vmCount).as("samples in VictoriaMetrics after vmctl; log:\n%s", Files.readString(log))
                    .isEqualTo(sextantCount);
            // Same per-series sums too, not just counts.
            assertThat(sum(vmPort)).isEqualTo(sum(sx.port()));
        }
    }

    private static long count(int port, String unused) throws Exception {
        JsonNode r = query(port, "sum(count_over_time(migrated[2h]))");
        return r.size() == 0 ? 0 : Long.parseLong(r.get(0).path("value").get(1).asText());
    }

    private static String sum(int port) throws Exception {
        JsonNode r = query(port, "sum(sum_over_time(migrated[2h]))");
        return r.size() == 0 ? "none" : r.get(0).path("value").get(1).asText();
    }

    private static JsonNode query(int port, String q) throws Exception {
        String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
                + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&time=" + (System.currentTimeMillis() / 1000 + 1)))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        return JSON.readTree(body).path("data").path("result");
    }
}
