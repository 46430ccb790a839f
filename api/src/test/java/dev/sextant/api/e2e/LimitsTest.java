package dev.sextant.api.e2e;

import static dev.sextant.api.e2e.HttpFixture.series;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sextant.api.app.ServerOptions;
import dev.sextant.api.app.SextantServer;
import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import dev.sextant.api.remote.prompb.Types;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query and API limits with Prometheus's flags and defaults, end to end. The request body size
 * (413) and the 11,000 points of a range query are in {@link HostileInputTest}, concurrent queries
 * in {@code QueryConcurrencyTest}, the scrape label limits in {@code ScrapeManagerTest}.
 */
class LimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static ServerOptions options(Path data, Duration timeout, long maxSamples) {
        return new ServerOptions(null, data, "127.0.0.1", 0, true, false, false, timeout, maxSamples,
                Duration.ofMinutes(5), Duration.ofDays(15), 0, 20);
    }

    private static WriteRequest oneSeries(String name, int samples) {
        long[] ts = new long[samples];
        double[] vs = new double[samples];
        for (int i = 0; i < samples; i++) {
            ts[i] = 1_000L * i;
            vs[i] = i;
        }
        return WriteRequest.newBuilder().addTimeseries(series(new String[] {"__name__", name}, ts, vs)).build();
    }

    @Test
    void queryMaxSamplesFlag() throws Exception {
        try (SextantServer s = SextantServer.start(options(dir, Duration.ofMinutes(2), 100))) {
            HttpFixture http = new HttpFixture(s.port());
            assertThat(http.write(oneSeries("many", 1000)).statusCode()).isEqualTo(204);
            assertThat(http.get("/api/v1/query?query=count_over_time(many%5B50s%5D)&time=999").body())
                    .contains("\"value\":[999,\"50\"]");
            HttpResponse<String> r = http.get("/api/v1/query?query=count_over_time(many%5B500s%5D)&time=999");
            assertThat(r.statusCode()).isEqualTo(422);
            assertThat(r.body()).isEqualTo("{\"status\":\"error\",\"errorType\":\"execution\",\"error\":"
                    + "\"query processing would load too many samples into memory in query execution\"}");
        }
    }

    @Test
    void queryTimeoutFlag() throws Exception {
        try (SextantServer s = SextantServer.start(options(dir, Duration.ofNanos(1), 50_000_000L))) {
            HttpFixture http = new HttpFixture(s.port());
            assertThat(http.write(oneSeries("slow", 100)).statusCode()).isEqualTo(204);
            HttpResponse<String> r = http.get("/api/v1/query_range?query=rate(slow%5B10s%5D)&start=0&end=99&step=1");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).isEqualTo("{\"status\":\"error\",\"errorType\":\"timeout\","
                    + "\"error\":\"query timed out in expression evaluation\"}");
        }
    }

    @Test
    void seriesEndpointLimitParameter() throws Exception {
        try (SextantServer s = SextantServer.start(ServerOptions.defaults(dir, "127.0.0.1", 0).withRemoteWriteReceiver(true))) {
            HttpFixture http = new HttpFixture(s.port());
            WriteRequest.Builder req = WriteRequest.newBuilder();
            for (int i = 0; i < 5; i++) {
                req.addTimeseries(series(new String[] {"__name__", "lim", "i", Integer.toString(i)}, new long[] {1000},
                        new double[] {i}));
            }
            assertThat(http.write(req.build()).statusCode()).isEqualTo(204);
            JsonNode all = JSON.readTree(http.get("/api/v1/series?match[]=lim").body());
            assertThat(all.path("data")).hasSize(5);
            assertThat(all.has("warnings")).isFalse();
            JsonNode two = JSON.readTree(http.get("/api/v1/series?match[]=lim&limit=2").body());
            assertThat(two.path("data")).hasSize(2);
            assertThat(two.path("warnings").toString()).isEqualTo("[\"results truncated due to limit\"]");
            assertThat(JSON.readTree(http.get("/api/v1/series?match[]=lim&limit=0").body()).path("data")).hasSize(5);
        }
    }

    /**
     * Prometheus's receiver limits neither series per request nor labels per series nor label
     * lengths (only the body size): a large request is taken whole.
     */
    @Test
    void remoteWriteHasNoSeriesOrLabelLimitsByDefault() throws Exception {
        try (SextantServer s = SextantServer.start(ServerOptions.defaults(dir, "127.0.0.1", 0).withRemoteWriteReceiver(true))) {
            HttpFixture http = new HttpFixture(s.port());
            WriteRequest.Builder req = WriteRequest.newBuilder();
            for (int i = 0; i < 20_000; i++) {
                req.addTimeseries(series(new String[] {"__name__", "wide_req", "i", Integer.toString(i)},
                        new long[] {1000}, new double[] {i}));
            }
            Types.TimeSeries.Builder big = Types.TimeSeries.newBuilder()
                    .addLabels(Types.Label.newBuilder().setName("__name__").setValue("many_labels"));
            for (int i = 0; i < 500; i++) {
                big.addLabels(Types.Label.newBuilder().setName(String.format("l%04d", i)).setValue("v"));
            }
            big.addLabels(Types.Label.newBuilder().setName("long_value").setValue("x".repeat(65_536)));
            big.addSamples(Types.Sample.newBuilder().setTimestamp(1000).setValue(1));
            req.addTimeseries(big);
            assertThat(http.write(req.build()).statusCode()).isEqualTo(204);
            assertThat(http.get("/api/v1/query?query=count(wide_req)&time=1").body()).contains("\"value\":[1,\"20000\"]");
            JsonNode labels = JSON.readTree(http.get("/api/v1/series?match[]=many_labels").body()).path("data").get(0);
            assertThat(labels.size()).isEqualTo(502);
            assertThat(labels.path("long_value").asText()).hasSize(65_536);
        }
    }
}
