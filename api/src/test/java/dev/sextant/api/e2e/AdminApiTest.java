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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminApiTest {
    @TempDir
    Path dir;

    @Test
    void adminApisAreDisabledByDefault() throws Exception {
        try (SextantServer server = SextantServer.start(ServerOptions.defaults(dir, "127.0.0.1", 0))) {
            HttpResponse<String> r = new HttpFixture(server.port()).post("/api/v1/admin/tsdb/snapshot", "");
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(r.body()).isEqualTo("{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"admin APIs disabled\"}");
        }
    }

    @Test
    void deleteSeriesSnapshotAndCleanTombstones() throws Exception {
        ServerOptions base = ServerOptions.defaults(dir.resolve("data"), "127.0.0.1", 0);
        ServerOptions o = new ServerOptions(null, base.dataDir(), "127.0.0.1", 0, true, false, true, Duration.ofMinutes(2),
                50_000_000L, Duration.ofMinutes(5), Duration.ofDays(15), 0, 20);
        try (SextantServer server = SextantServer.start(o)) {
            HttpFixture http = new HttpFixture(server.port());
            WriteRequest req = WriteRequest.newBuilder()
                    .addTimeseries(series(new String[] {"__name__", "keep_me"}, new long[] {1000, 2000}, new double[] {1, 2}))
                    .addTimeseries(series(new String[] {"__name__", "drop_me"}, new long[] {1000, 2000}, new double[] {1, 2}))
                    .build();
            assertThat(http.write(req).statusCode()).isEqualTo(204);
            assertThat(http.post("/api/v1/admin/tsdb/delete_series", "").statusCode()).isEqualTo(400);
            HttpResponse<String> del = http.post("/api/v1/admin/tsdb/delete_series", "match[]=drop_me&start=0&end=1.5");
            assertThat(del.statusCode()).isEqualTo(204);
            assertThat(http.get("/api/v1/query_range?query=drop_me&start=1&end=2&step=1").body())
                    .contains("\"values\":[[2,\"2\"]]").doesNotContain("[1,\"1\"]");
            assertThat(http.get("/api/v1/query_range?query=keep_me&start=1&end=2&step=1").body())
                    .contains("\"values\":[[1,\"1\"],[2,\"2\"]]");

            HttpResponse<String> snap = http.post("/api/v1/admin/tsdb/snapshot", "skip_head=false");
            assertThat(snap.statusCode()).isEqualTo(200);
            String name = snap.body().replaceAll(".*\"name\":\"([^\"]+)\".*", "$1");
            assertThat(name).matches("\\d{8}T\\d{6}Z-[0-9a-f]{16}");
            assertThat(Files.isDirectory(dir.resolve("data/snapshots").resolve(name))).isTrue();
            assertThat(http.post("/api/v1/admin/tsdb/snapshot", "skip_head=maybe").statusCode()).isEqualTo(400);

            assertThat(http.post("/api/v1/admin/tsdb/clean_tombstones", "").statusCode()).isEqualTo(204);
            assertThat(http.get("/api/v1/query_range?query=keep_me&start=1&end=2&step=1").body())
                    .contains("\"values\":[[1,\"1\"],[2,\"2\"]]");
            assertThat(http.get("/api/v1/status/walreplay").body()).contains("\"state\":\"done\"");
            assertThat(http.get("/metrics").body()).contains("sextant_tsdb_head_samples_appended_total 4.0",
                    "sextant_tsdb_wal_fsync_duration_seconds_count", "sextant_tsdb_head_chunks ");
        }
    }
}
