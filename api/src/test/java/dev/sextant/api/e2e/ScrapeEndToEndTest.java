package dev.sextant.api.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.sextant.api.app.ServerOptions;
import dev.sextant.api.app.SextantServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server scrapes a static target from its config; targets, up and the scraped series are served. */
class ScrapeEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void scrapesAStaticTargetAndReportsItInTargets() throws Exception {
        AtomicInteger scrapes = new AtomicInteger();
        HttpServer target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        target.createContext("/metrics", ex -> {
            int n = scrapes.incrementAndGet();
            byte[] body = ("# HELP demo_requests_total Requests.\n# TYPE demo_requests_total counter\n"
                    + "demo_requests_total{path=\"/a\"} " + n + "\n").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        target.start();
        int port = target.getAddress().getPort();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 500ms
                scrape_configs:
                  - job_name: demo
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                        labels:
                          team: core
                """.formatted(port));
        try (SextantServer server = SextantServer.start(
                ServerOptions.defaults(dir.resolve("data"), "127.0.0.1", 0).withConfigFile(config))) {
            HttpFixture http = new HttpFixture(server.port());
            // Wait for a successful scrape (with a 500 ms timeout one may fail on a loaded machine).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String up = "";
            while (System.nanoTime() < deadline) {
                up = http.get("/api/v1/query?query=" + HttpFixture.enc("up{job=\"demo\"}")).body();
                if (up.contains(",\"1\"]") && scrapes.get() >= 2
                        && http.get("/api/v1/targets").body().contains("\"health\":\"up\"")) {
                    break;
                }
                Thread.sleep(200);
            }
            assertThat(up).contains("\"metric\":{\"__name__\":\"up\",\"instance\":\"127.0.0.1:" + port
                    + "\",\"job\":\"demo\",\"team\":\"core\"}").contains(",\"1\"]");
            assertThat(http.get("/api/v1/query?query=demo_requests_total").body())
                    .contains("\"path\":\"/a\"", "\"team\":\"core\"");
            String targets = http.get("/api/v1/targets").body();
            assertThat(targets).contains("\"scrapePool\":\"demo\"", "\"health\":\"up\"",
                    "\"scrapeUrl\":\"http://127.0.0.1:" + port + "/metrics\"", "\"scrapeInterval\":\"1s\"",
                    "\"scrapeTimeout\":\"500ms\"", "\"lastError\":\"\"");
            assertThat(http.get("/api/v1/scrape_pools").body())
                    .isEqualTo("{\"status\":\"success\",\"data\":{\"scrapePools\":[\"demo\"]}}");
            assertThat(http.get("/api/v1/targets/metadata?metric=demo_requests_total").body())
                    .contains("\"type\":\"counter\"", "\"help\":\"Requests.\"");
            assertThat(http.get("/api/v1/metadata").body()).contains("\"demo_requests_total\":[{\"type\":\"counter\"");
        } finally {
            target.stop(0);
        }
    }
}
