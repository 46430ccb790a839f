package dev.sextant.api.interop;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/** Debian's Prometheus 2.42 federates from Sextant's /federate and sees Sextant's series with external labels. */
@Tag("interop")
class FederationInteropTest {
    @TempDir
    Path dir;

    @Test
    void prometheusFederatesFromSextant() throws Exception {
        Path sxConfig = dir.resolve("sextant.yml");
        Files.writeString(sxConfig, "global:\n  external_labels:\n    region: eu1\n");
        try (SextantServer sextant = SextantServer.start(ServerOptions.defaults(dir.resolve("s"), "127.0.0.1", 0)
                .withRemoteWriteReceiver(true).withConfigFile(sxConfig))) {
            HttpClient client = HttpClient.newHttpClient();
            int promPort = ExternalBinary.freePort();
            Path promConfig = dir.resolve("prometheus.yml");
            Files.writeString(promConfig, """
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: federate
                        honor_labels: true
                        metrics_path: /federate
                        params:
                          'match[]': ['{job="app"}']
                        static_configs:
                          - targets: ["127.0.0.1:%d"]
                    """.formatted(sextant.port()));
            try (Peer prom = Peer.start("prometheus", promPort, dir, "--config.file=" + promConfig,
                    "--storage.tsdb.path=" + dir.resolve("p"), "--web.listen-address=127.0.0.1:" + promPort)
                    .awaitHttp("/-/ready", Duration.ofSeconds(60))) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                String body = "";
                while (System.nanoTime() < deadline) {
                    // Keep the series fresh in Sextant, as a scrape would.
                    long now = System.currentTimeMillis();
                    WriteRequest w = WriteRequest.newBuilder().addTimeseries(Types.TimeSeries.newBuilder()
                            .addLabels(Types.Label.newBuilder().setName("__name__").setValue("app_jobs_running"))
                            .addLabels(Types.Label.newBuilder().setName("instance").setValue("app-1:8080"))
                            .addLabels(Types.Label.newBuilder().setName("job").setValue("app"))
                            .addSamples(Types.Sample.newBuilder().setTimestamp(now).setValue(42))).build();
                    client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sextant.port() + "/api/v1/write"))
                            .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(w.toByteArray()))).build(),
                            HttpResponse.BodyHandlers.ofString());
                    body = prom.get("/api/v1/query?query=" + URLEncoder.encode("app_jobs_running", StandardCharsets.UTF_8));
                    if (body.contains("\"value\"")) {
                        break;
                    }
                    Thread.sleep(500);
                }
                assertThat(body).as(prom.log()).contains("\"job\":\"app\"", "\"instance\":\"app-1:8080\"",
                        "\"region\":\"eu1\"", ",\"42\"]");
                // The federation scrape succeeded (the latest one may have timed out, 1 s, on a loaded machine).
                long upDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                String up = prom.get("/api/v1/query?query=up%7Bjob%3D%22federate%22%7D");
                while (!up.contains(",\"1\"]") && System.nanoTime() < upDeadline) {
                    Thread.sleep(500);
                    up = prom.get("/api/v1/query?query=up%7Bjob%3D%22federate%22%7D");
                }
                assertThat(up).contains(",\"1\"]");
            }
        }
    }
}
