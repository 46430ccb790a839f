package dev.sextant.api.e2e;

import static dev.sextant.api.e2e.HttpFixture.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.api.app.ServerOptions;
import dev.sextant.api.app.SextantServer;
import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Acknowledged remote-write samples survive a restart on the same data directory. */
class RestartTest {
    @TempDir
    Path dir;

    @Test
    void acknowledgedSamplesSurviveARestart() throws Exception {
        ServerOptions options = ServerOptions.defaults(dir, "127.0.0.1", 0).withRemoteWriteReceiver(true);
        try (SextantServer first = SextantServer.start(options)) {
            HttpFixture http = new HttpFixture(first.port());
            WriteRequest req = WriteRequest.newBuilder()
                    .addTimeseries(series(new String[] {"__name__", "durable", "job", "x"},
                            new long[] {1000, 2000, 3000}, new double[] {1, 2, 3}))
                    .build();
            assertThat(http.write(req).statusCode()).isEqualTo(204);
            assertThatThrownBy(() -> SextantServer.start(ServerOptions.defaults(dir, "127.0.0.1", 0)))
                    .hasMessageContaining("locked");
        }
        try (SextantServer second = SextantServer.start(options)) {
            HttpFixture http = new HttpFixture(second.port());
            assertThat(http.get("/api/v1/query_range?query=durable&start=1&end=3&step=1").body())
                    .isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
                            + "{\"metric\":{\"__name__\":\"durable\",\"job\":\"x\"},"
                            + "\"values\":[[1,\"1\"],[2,\"2\"],[3,\"3\"]]}]}}");
        }
    }
}
