package dev.sextant.api.e2e;

import static dev.sextant.api.e2e.HttpFixture.series;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.api.app.ServerOptions;
import dev.sextant.api.app.SextantServer;
import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin ({@code --web.enable-admin-api}) and lifecycle ({@code --web.enable-lifecycle})
 * endpoints do nothing unless their flag is on, and do their job when it is.
 */
class EndpointGatesTest {
    @TempDir
    Path dir;

    private ServerOptions options(boolean lifecycle, boolean admin, Path config) {
        return new ServerOptions(config, dir.resolve("data"), "127.0.0.1", 0, true, lifecycle, admin,
                Duration.ofMinutes(2), 50_000_000L, Duration.ofMinutes(5), Duration.ofDays(15), 0, 20);
    }

    @Test
    void everyAdminEndpointIsOffByDefaultAndTouchesNothing() throws Exception {
        try (SextantServer server = SextantServer.start(options(false, false, null))) {
            HttpFixture http = new HttpFixture(server.port());
            WriteRequest req = WriteRequest.newBuilder()
                    .addTimeseries(series(new String[] {"__name__", "keep_me"}, new long[] {1000}, new double[] {1}))
                    .build();
            assertThat(http.write(req).statusCode()).isEqualTo(204);
            for (String op : new String[] {"delete_series?match[]=keep_me", "clean_tombstones", "snapshot"}) {
                HttpResponse<String> r = http.post("/api/v1/admin/tsdb/" + op, "");
                assertThat(r.statusCode()).as(op).isEqualTo(500);
                assertThat(r.body()).as(op).isEqualTo("{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"admin APIs disabled\"}");
            }
            assertThat(http.get("/api/v1/query?query=keep_me&time=1").body()).contains("\"keep_me\"");
            assertThat(Files.exists(dir.resolve("data/snapshots"))).isFalse();
            assertThat(http.get("/api/v1/status/flags").body()).contains("\"web.enable-admin-api\":\"false\"");
        }
    }

    @Test
    void lifecycleEndpointsAreOffByDefault() throws Exception {
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 15s\n");
        try (SextantServer server = SextantServer.start(options(false, false, config))) {
            HttpFixture http = new HttpFixture(server.port());
            Files.writeString(config, "global:\n  scrape_interval: 42s\n");
            for (String op : new String[] {"/-/reload", "/-/quit"}) {
                HttpResponse<String> r = http.post(op, "");
                assertThat(r.statusCode()).as(op).isEqualTo(403);
                assertThat(r.body()).as(op).isEqualTo("Lifecycle API is not enabled.\n");
            }
            assertThat(server.config().text()).as("not reloaded").contains("15s");
            assertThat(http.get("/-/healthy").statusCode()).as("still running").isEqualTo(200);
            assertThat(server.isReady()).isTrue();
        }
    }

    @Test
    void lifecycleEndpointsWorkWhenEnabled() throws Exception {
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 15s\n");
        SextantServer server = SextantServer.start(options(true, false, config));
        try {
            HttpFixture http = new HttpFixture(server.port());
            Files.writeString(config, "global:\n  scrape_interval: 42s\n");
            assertThat(http.post("/-/reload", "").statusCode()).isEqualTo(200);
            assertThat(server.config().text()).contains("42s");
            HttpResponse<String> quit = http.post("/-/quit", "");
            assertThat(quit.statusCode()).isEqualTo(200);
            assertThat(quit.body()).isEqualTo("Requesting termination... Goodbye!");
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
                try {
                    server.awaitStop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            stopped.get(30, TimeUnit.SECONDS);
            assertThat(server.isReady()).isFalse();
        } finally {
            server.close();
        }
    }
}
