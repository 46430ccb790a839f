package dev.sextant.api.e2e;

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
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xerial.snappy.Snappy;

/** Starts the whole server on a free loopback port and talks to it over real HTTP. */
class ServerEndToEndTest {
    @TempDir
    static Path dataDir;

    private static SextantServer server;
    private static HttpClient client;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        server = SextantServer.start(ServerOptions.defaults(dataDir, "127.0.0.1", 0).withRemoteWriteReceiver(true));
        base = "http://127.0.0.1:" + server.port();
        client = HttpClient.newHttpClient();
        WriteRequest req = WriteRequest.newBuilder()
                .addTimeseries(series("up", "api", "a:9090", sample(1000, 1), sample(16_500, 1)))
                .addTimeseries(series("up", "api", "b:9090", sample(1000, 0), sample(16_500, 0.25)))
                .addTimeseries(series("temperature_celsius", "sensors", "c:1", sample(16_050, -12.5)))
                .build();
        HttpResponse<String> resp = write(Snappy.compress(req.toByteArray()));
        assertThat(resp.statusCode()).isEqualTo(204);
        assertThat(resp.body()).isEmpty();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void remoteWrittenSamplesAreQueryableWithExactJson() throws Exception {
        HttpResponse<String> r = get("/api/v1/query?query=" + enc("up{job=\"api\"}") + "&time=20");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        // Vector order is unspecified; both series must be present with exact encoding.
        assertThat(r.body()).startsWith("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[")
                .contains("{\"metric\":{\"__name__\":\"up\",\"instance\":\"a:9090\",\"job\":\"api\"},\"value\":[20,\"1\"]}")
                .contains("{\"metric\":{\"__name__\":\"up\",\"instance\":\"b:9090\",\"job\":\"api\"},\"value\":[20,\"0.25\"]}")
                .hasSize(221);
    }

    @Test
    void fractionalTimesHaveThreeDigitsAndNegativeValues() throws Exception {
        HttpResponse<String> r = get("/api/v1/query?query=temperature_celsius&time=16.05");
        assertThat(r.body()).isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                + "{\"metric\":{\"__name__\":\"temperature_celsius\",\"instance\":\"c:1\",\"job\":\"sensors\"},"
                + "\"value\":[16.050,\"-12.5\"]}]}}");
    }

    @Test
    void formEncodedPostLikeGrafana() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/query"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("query=temperature_celsius%7Bjob%3D%22sensors%22%7D&time=17")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"value\":[17,\"-12.5\"]");
        HttpResponse<String> lit = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/query"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("query=2&time=4")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(lit.body()).isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[4,\"2\"]}}");
        // Scalars in Go's 'f' form, as Prometheus writes them; the same values as samples in its 'e' form.
        String[][] cases = {{"1e-7", "0.0000001", "1e-07"}, {"1.5e21", "1500000000000000000000", "1.5e+21"},
            {"-Inf", "-Inf", "-Inf"}, {"0.1", "0.1", "0.1"}};
        for (String[] c : cases) {
            HttpResponse<String> sc = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/query?time=4&query="
                    + java.net.URLEncoder.encode(c[0], java.nio.charset.StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(sc.body()).as(c[0]).endsWith("\"result\":[4,\"" + c[1] + "\"]}}");
            HttpResponse<String> vec = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/query?time=4&query="
                    + java.net.URLEncoder.encode("vector(" + c[0] + ")", java.nio.charset.StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(vec.body()).as("vector(%s)", c[0]).contains("\"value\":[4,\"" + c[2] + "\"]");
        }
    }

    @Test
    void lookbackHidesOldSamples() throws Exception {
        HttpResponse<String> r = get("/api/v1/query?query=up&time=" + (16.5 + 300));
        assertThat(r.body()).isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "malformed PromQL|/api/v1/query?query=up%7B|invalid parameter \\\"query\\\": 1:4: parse error: unexpected end of input inside braces",
        "unknown matcher op|/api/v1/query?query=up%7Bjob%3C%3E%22a%22%7D|invalid parameter \\\"query\\\": 1:7: parse error: unexpected character inside braces: '\\u003c'",
        "missing query|/api/v1/query|invalid parameter \\\"query\\\": 1:1: parse error: no expression found in input",
        "bad time|/api/v1/query?query=up&time=abc|invalid parameter \\\"time\\\": cannot parse \\\"abc\\\" to a valid timestamp",
    })
    void badQueriesGetTheErrorEnvelope(String name, String path, String message) throws Exception {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"" + message + "\"}");
        assertThat(get("/-/healthy").statusCode()).isEqualTo(200);
    }

    @Test
    void undecodableWriteBodiesAre400AndNothingIsAppended() throws Exception {
        HttpResponse<String> notSnappy = write("definitely not snappy".getBytes(StandardCharsets.UTF_8));
        assertThat(notSnappy.statusCode()).isEqualTo(400);
        assertThat(notSnappy.body()).isEqualTo("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"snappy: corrupt input\"}");

        HttpResponse<String> notProto = write(Snappy.compress(new byte[] {(byte) 0xff, (byte) 0xff, 0x01, 0x02}));
        assertThat(notProto.statusCode()).isEqualTo(400);
        assertThat(notProto.body()).startsWith("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"proto: cannot decode WriteRequest");

        assertThat(get("/api/v1/query?query=up&time=20").body()).contains("a:9090");
    }

    @Test
    void outOfOrderBatchIsRejectedWholeWith400() throws Exception {
        WriteRequest req = WriteRequest.newBuilder()
                .addTimeseries(series("batch_test", "x", "new:1", sample(20_000, 7)))
                .addTimeseries(series("up", "api", "a:9090", sample(2000, 5)))
                .build();
        HttpResponse<String> r = write(Snappy.compress(req.toByteArray()));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("out of order sample");
        assertThat(get("/api/v1/query?query=batch_test&time=20").body()).contains("\"result\":[]");
    }

    @Test
    void buildInfoHasPrometheusFieldsAndNoFeatures() throws Exception {
        HttpResponse<String> r = get("/api/v1/status/buildinfo");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("{\"status\":\"success\",\"data\":{\"version\":\"")
                .contains("\"revision\":", "\"branch\":", "\"buildUser\":", "\"buildDate\":", "\"goVersion\":")
                .doesNotContain("features");
    }

    @Test
    void healthAndReadiness() throws Exception {
        assertThat(get("/-/healthy").statusCode()).isEqualTo(200);
        assertThat(get("/-/ready").statusCode()).isEqualTo(200);
        assertThat(get("/no/such/path").statusCode()).isEqualTo(404);
        HttpResponse<String> wrongMethod = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/status/buildinfo"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
    }

    @Test
    void remoteWriteRejectsUnknownContentTypesAndSkipsInvalidSeries() throws Exception {
        assertThat(writeWithType(new byte[] {0}, "application/json").statusCode()).isEqualTo(415);
        WriteRequest req = WriteRequest.newBuilder()
                .addTimeseries(HttpFixture.series(new String[] {"job", "no-name"}, new long[] {1000}, new double[] {1}))
                .addTimeseries(HttpFixture.series(new String[] {"__name__", "valid_one"}, new long[] {1000}, new double[] {7}))
                .build();
        assertThat(write(Snappy.compress(req.toByteArray())).statusCode()).isEqualTo(204);
        assertThat(get("/api/v1/query?query=valid_one&time=2").body()).contains("\"value\":[2,\"7\"]");
        assertThat(get("/api/v1/series?match[]=" + enc("{job=\"no-name\"}")).body())
                .isEqualTo("{\"status\":\"success\",\"data\":[]}");
    }
    private static HttpResponse<String> writeWithType(byte[] body, String contentType) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/write"))
                .header("Content-Type", contentType)
                .header("Content-Encoding", "snappy")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> write(byte[] body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/write"))
                .header("Content-Type", "application/x-protobuf")
                .header("Content-Encoding", "snappy")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Types.TimeSeries series(String name, String job, String instance, Types.Sample... samples) {
        Types.TimeSeries.Builder b = Types.TimeSeries.newBuilder()
                .addLabels(Types.Label.newBuilder().setName("__name__").setValue(name))
                .addLabels(Types.Label.newBuilder().setName("job").setValue(job))
                .addLabels(Types.Label.newBuilder().setName("instance").setValue(instance));
        for (Types.Sample s : samples) {
            b.addSamples(s);
        }
        return b.build();
    }

    private static Types.Sample sample(long t, double v) {
        return Types.Sample.newBuilder().setTimestamp(t).setValue(v).build();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
