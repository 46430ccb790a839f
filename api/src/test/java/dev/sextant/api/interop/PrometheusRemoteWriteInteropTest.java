package dev.sextant.api.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.sextant.api.app.ServerOptions;
import dev.sextant.api.app.SextantServer;
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

/**
 * A real Prometheus (Debian's package) scrapes itself and remote-writes to Sextant; its samples must
 * become queryable in Sextant.
 */
@Tag("interop")
class PrometheusRemoteWriteInteropTest {
    @TempDir
    Path dir;

    @Test
    void prometheusRemoteWritesIntoSextant() throws Exception {
        Path prometheus = ExternalBinary.require("prometheus");
        try (SextantServer sextant = SextantServer.start(
                ServerOptions.defaults(dir.resolve("sextant-data"), "127.0.0.1", 0).withRemoteWriteReceiver(true))) {
            int promPort = ExternalBinary.freePort();
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: prometheus
                        static_configs:
                          - targets: ["127.0.0.1:%d"]
                    remote_write:
                      - url: http://127.0.0.1:%d/api/v1/write
                        queue_config:
                          batch_send_deadline: 1s
                    """.formatted(promPort, sextant.port()));
            Process p = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("prom-data"), "--web.listen-address=127.0.0.1:" + promPort)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus.log").toFile())
                    .start();
            try {
                HttpClient client = HttpClient.newHttpClient();
                String url = "http://127.0.0.1:" + sextant.port() + "/api/v1/query?query="
                        + URLEncoder.encode("up{job=\"prometheus\"}", StandardCharsets.UTF_8);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                String body = "";
                while (System.nanoTime() < deadline) {
                    body = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    // A successful self-scrape (the first one may fail on a loaded machine: up 0).
                    if (body.contains("\"value\"") && body.contains(",\"1\"]")) {
                        break;
                    }
                    if (!p.isAlive()) {
                        fail("prometheus exited: " + Files.readString(dir.resolve("prometheus.log")));
                    }
                    Thread.sleep(500);
                }
                assertThat(body).as("Sextant's answer after Prometheus remote-wrote to it; prometheus log:\n%s",
                                Files.readString(dir.resolve("prometheus.log")))
                        .contains("\"metric\":{\"__name__\":\"up\",\"instance\":\"127.0.0.1:" + promPort
                                + "\",\"job\":\"prometheus\"}")
                        .contains(",\"1\"]");
            } finally {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }
}
