package dev.sextant.api.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.api.app.ServerOptions;
import dev.sextant.api.app.SextantServer;
import dev.sextant.tsdb.Tsdb;
import dev.sextant.tsdb.TsdbOptions;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Appender;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** While the WAL replays, the server listens: API calls get 503, walreplay reports progress. */
class WalReplayReadinessTest {
    @TempDir
    Path dir;

    @Test
    void apiIs503AndWalReplayIsServedUntilReplayIsDone() throws Exception {
        Path data = dir.resolve("data");
        try (Tsdb db = Tsdb.open(data, TsdbOptions.defaults().withBackgroundCompaction(false))) {
            for (int batch = 0; batch < 40; batch++) {
                Appender app = db.appender();
                for (int s = 0; s < 500; s++) {
                    Labels l = Labels.of("__name__", "replayed", "s", Integer.toString(s));
                    for (int i = 0; i < 100; i++) {
                        app.append(0, l, (batch * 100L + i) * 1000, i);
                    }
                }
                app.commit();
            }
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        ServerOptions options = ServerOptions.defaults(data, "127.0.0.1", port);
        CompletableFuture<SextantServer> starting = CompletableFuture.supplyAsync(() -> {
            try {
                return SextantServer.start(options);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        HttpFixture http = new HttpFixture(port);
        boolean sawNotReady = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!starting.isDone() && System.nanoTime() < deadline) {
            try {
                HttpResponse<String> q = http.get("/api/v1/query?query=replayed");
                if (q.statusCode() == 503 && !starting.isDone()) {
                    assertThat(q.body()).isEqualTo("Service Unavailable");
                    assertThat(q.headers().firstValue("X-Prometheus-Stopping")).hasValue("false");
                    HttpResponse<String> w = http.get("/api/v1/status/walreplay");
                    assertThat(w.statusCode()).isEqualTo(200);
                    assertThat(w.body()).startsWith("{\"status\":\"success\",\"data\":{\"min\":");
                    sawNotReady = true;
                }
            } catch (java.io.IOException notListeningYet) {
                // the port opens a moment after start() begins
            }
            Thread.sleep(20);
        }
        try (SextantServer server = starting.get(60, TimeUnit.SECONDS)) {
            assertThat(sawNotReady).as("a request landed while the WAL was replaying").isTrue();
            assertThat(http.get("/api/v1/status/walreplay").body()).contains("\"state\":\"done\"");
            assertThat(http.get("/api/v1/query?query=count(replayed)&time=3999").body()).contains(",\"500\"]");
        }
    }
}
