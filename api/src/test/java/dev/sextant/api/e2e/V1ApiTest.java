package dev.sextant.api.e2e;

import static dev.sextant.api.e2e.HttpFixture.enc;
import static dev.sextant.api.e2e.HttpFixture.series;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.api.app.ServerOptions;
import dev.sextant.api.app.SextantServer;
import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The HTTP API v1 endpoints over a real socket, with exact bodies where clients care. */
class V1ApiTest {
    @TempDir
    static Path dir;

    private static SextantServer server;
    private static HttpFixture http;
    private static Path configFile;

    @BeforeAll
    static void start() throws Exception {
        configFile = dir.resolve("prometheus.yml");
        Files.writeString(configFile, """
                global:
                  scrape_interval: 30s
                remote_write:
                  - url: http://example.invalid/api/v1/push
                    basic_auth:
                      username: u
                      password: hunter2
                """);
        ServerOptions o = ServerOptions.defaults(dir.resolve("data"), "127.0.0.1", 0);
        o = new ServerOptions(configFile, o.dataDir(), o.listenHost(), 0, true, true, false, Duration.ofMinutes(2),
                50_000_000L, Duration.ofMinutes(5), Duration.ofDays(15), 0, 20);
        server = SextantServer.start(o);
        http = new HttpFixture(server.port());
        WriteRequest req = WriteRequest.newBuilder()
                .addTimeseries(series(new String[] {"__name__", "http_requests_total", "job", "api", "code", "200"},
                        new long[] {0, 15_000, 30_000, 45_000, 60_000}, new double[] {0, 10, 20, 30, 40}))
                .addTimeseries(series(new String[] {"__name__", "http_requests_total", "job", "api", "code", "500"},
                        new long[] {0, 60_000}, new double[] {1, 2}))
                .addTimeseries(series(new String[] {"__name__", "node_load1", "job", "node", "http.status_code", "x"},
                        new long[] {30_000}, new double[] {0.5}))
                .build();
        assertThat(http.write(req).statusCode()).isEqualTo(204);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void rangeQueryReturnsSortedMatrixWithFloatSecondSteps() throws Exception {
        HttpResponse<String> r = http.post("/api/v1/query_range",
                "query=" + enc("http_requests_total{job=\"api\"}") + "&start=0&end=60&step=30&timeout=2m");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
                + "{\"metric\":{\"__name__\":\"http_requests_total\",\"code\":\"200\",\"job\":\"api\"},"
                + "\"values\":[[0,\"0\"],[30,\"20\"],[60,\"40\"]]},"
                + "{\"metric\":{\"__name__\":\"http_requests_total\",\"code\":\"500\",\"job\":\"api\"},"
                + "\"values\":[[0,\"1\"],[30,\"1\"],[60,\"2\"]]}]}}");
        HttpResponse<String> frac = http.get("/api/v1/query_range?query=node_load1&start=30&end=31&step=0.5");
        assertThat(frac.body()).contains("\"values\":[[30,\"0.5\"],[30.500,\"0.5\"],[31,\"0.5\"]]");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "end before start|start=10&end=5&step=1|invalid parameter \\\"end\\\": end timestamp must not be before start time",
        "zero step|start=0&end=5&step=0|invalid parameter \\\"step\\\": zero or negative query resolution step widths are not accepted. Try a positive integer",
        "too many points|start=0&end=11001&step=1|exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)",
        "bad step|start=0&end=5&step=abc|invalid parameter \\\"step\\\": cannot parse \\\"abc\\\" to a valid duration",
        "missing start|end=5&step=1|invalid parameter \\\"start\\\": cannot parse \\\"\\\" to a valid timestamp",
    })
    void rangeQueryValidation(String name, String params, String message) throws Exception {
        HttpResponse<String> r = http.get("/api/v1/query_range?query=up&" + params);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"" + message + "\"}");
    }

    @Test
    void limitTruncatesWithAWarning() throws Exception {
        HttpResponse<String> r = http.get("/api/v1/query?query=http_requests_total&time=60&limit=1");
        assertThat(r.body()).contains("\"warnings\":[\"results truncated due to limit\"]");
        assertThat(r.body().split("\"metric\"")).hasSize(2);
    }

    @Test
    void seriesLabelsAndValues() throws Exception {
        HttpResponse<String> s = http.post("/api/v1/series",
                "match[]=" + enc("http_requests_total") + "&match[]=" + enc("{job=\"node\"}") + "&start=0&end=100");
        assertThat(s.body()).startsWith("{\"status\":\"success\",\"data\":[")
                .contains("{\"__name__\":\"http_requests_total\",\"code\":\"200\",\"job\":\"api\"}")
                .contains("{\"__name__\":\"http_requests_total\",\"code\":\"500\",\"job\":\"api\"}")
                .contains("{\"__name__\":\"node_load1\",\"http.status_code\":\"x\",\"job\":\"node\"}");
        assertThat(http.get("/api/v1/series").body())
                .isEqualTo("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"no match[] parameter provided\"}");
        assertThat(http.get("/api/v1/labels").body())
                .isEqualTo("{\"status\":\"success\",\"data\":[\"__name__\",\"code\",\"http.status_code\",\"job\"]}");
        assertThat(http.post("/api/v1/labels", "match[]=node_load1&start=0&end=100").body())
                .isEqualTo("{\"status\":\"success\",\"data\":[\"__name__\",\"http.status_code\",\"job\"]}");
        assertThat(http.get("/api/v1/label/__name__/values?limit=40000").body())
                .isEqualTo("{\"status\":\"success\",\"data\":[\"http_requests_total\",\"node_load1\"]}");
        assertThat(http.get("/api/v1/label/code/values?match[]=" + enc("http_requests_total{job=\"api\"}")).body())
                .isEqualTo("{\"status\":\"success\",\"data\":[\"200\",\"500\"]}");
        assertThat(http.get("/api/v1/label/U__http_2e_status__code/values").body())
                .isEqualTo("{\"status\":\"success\",\"data\":[\"x\"]}");
        assertThat(http.get("/api/v1/label/job/values?limit=1").body())
                .isEqualTo("{\"status\":\"success\",\"data\":[\"api\"],\"warnings\":[\"results truncated due to limit\"]}");
        assertThat(http.get("/api/v1/label/U__bad_zz/values").statusCode()).isEqualTo(400);
        assertThat(http.get("/api/v1/series?match[]=" + enc("{job=~\".*\"}")).statusCode()).isEqualTo(400);
    }

    @Test
    void exemplarsAreAnEmptyListEvenForMillisecondTimes() throws Exception {
        assertThat(http.get("/api/v1/query_exemplars?query=test&start=1700000000000&end=1700000600000").body())
                .isEqualTo("{\"status\":\"success\",\"data\":[]}");
    }

    @Test
    void emptyTargetsRulesAlertsAndMetadataHavePrometheusShapes() throws Exception {
        assertThat(http.get("/api/v1/targets").body()).isEqualTo("{\"status\":\"success\",\"data\":"
                + "{\"activeTargets\":[],\"droppedTargets\":[],\"droppedTargetCounts\":{}}}");
        assertThat(http.get("/api/v1/rules").body()).isEqualTo("{\"status\":\"success\",\"data\":{\"groups\":[]}}");
        assertThat(http.get("/api/v1/alerts").body()).isEqualTo("{\"status\":\"success\",\"data\":{\"alerts\":[]}}");
        assertThat(http.get("/api/v1/alertmanagers").body()).isEqualTo("{\"status\":\"success\",\"data\":"
                + "{\"activeAlertmanagers\":[],\"droppedAlertmanagers\":[]}}");
        assertThat(http.get("/api/v1/metadata?limit=10").body()).isEqualTo("{\"status\":\"success\",\"data\":{}}");
        assertThat(http.get("/api/v1/targets/metadata").body()).isEqualTo("{\"status\":\"success\",\"data\":[]}");
        assertThat(http.get("/api/v1/scrape_pools").body()).isEqualTo("{\"status\":\"success\",\"data\":{\"scrapePools\":[]}}");
        assertThat(http.get("/api/v1/rules?type=bogus").statusCode()).isEqualTo(400);
    }

    @Test
    void statusEndpoints() throws Exception {
        String config = http.get("/api/v1/status/config").body();
        assertThat(config).startsWith("{\"status\":\"success\",\"data\":{\"yaml\":\"")
                .contains("scrape_interval: \\\"30s\\\"").contains("\\u003csecret\\u003e").doesNotContain("hunter2");
        assertThat(http.get("/api/v1/status/flags").body()).contains("\"query.lookback-delta\":\"5m\"",
                "\"storage.tsdb.retention.time\":\"15d\"", "\"web.enable-remote-write-receiver\":\"true\"");
        assertThat(http.get("/api/v1/status/runtimeinfo").body()).contains("\"startTime\":", "\"CWD\":",
                "\"reloadConfigSuccess\":true", "\"storageRetention\":\"15d\"", "\"GOMAXPROCS\":");
        String tsdb = http.get("/api/v1/status/tsdb").body();
        assertThat(tsdb).contains("\"headStats\":{\"numSeries\":3,", "\"minTime\":0,\"maxTime\":60000}",
                "\"seriesCountByMetricName\":[{\"name\":\"http_requests_total\",\"value\":2},{\"name\":\"node_load1\",\"value\":1}]",
                "{\"name\":\"job=api\",\"value\":2}");
        assertThat(http.get("/api/v1/status/tsdb?limit=0").statusCode()).isEqualTo(400);
        assertThat(http.get("/api/v1/status/walreplay").body())
                .isEqualTo("{\"status\":\"success\",\"data\":{\"min\":0,\"max\":0,\"current\":0,\"state\":\"done\"}}");
    }

    @Test
    void reloadKeepsTheOldConfigWhenTheNewOneIsBad() throws Exception {
        String good = Files.readString(configFile);
        try {
            Files.writeString(configFile, "scrape_configs: [\n");
            HttpResponse<String> bad = http.post("/-/reload", "");
            assertThat(bad.statusCode()).isEqualTo(500);
            assertThat(bad.body()).startsWith("failed to reload config: parsing YAML file");
            assertThat(http.get("/api/v1/status/config").body()).contains("30s");
            assertThat(http.get("/metrics").body()).contains("sextant_config_last_reload_successful 0.0");
            assertThat(http.get("/api/v1/status/runtimeinfo").body()).contains("\"reloadConfigSuccess\":false");
        } finally {
            Files.writeString(configFile, good);
        }
        assertThat(http.post("/-/reload", "").statusCode()).isEqualTo(200);
        assertThat(http.get("/metrics").body()).contains("sextant_config_last_reload_successful 1.0");
        assertThat(http.get("/-/reload").statusCode()).isEqualTo(405);
    }

    @Test
    void selfMetricsCountRequestsByHandlerAndCode() throws Exception {
        http.get("/api/v1/labels");
        String m = http.get("/metrics").body();
        assertThat(m).contains("sextant_http_requests_total{code=\"200\",handler=\"/api/v1/labels\"}")
                .contains("sextant_http_request_duration_seconds_bucket{handler=\"/api/v1/labels\",le=\"0.001\"}")
                .contains("sextant_tsdb_head_series 3.0");
    }

    @Test
    void wrongMethodOnApiIsAJson405() throws Exception {
        HttpResponse<String> r = http.post("/api/v1/status/buildinfo", "");
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.body()).startsWith("{\"status\":\"error\"");
    }

    @Test
    void formatQueryPrintsCanonicalPromQL() throws Exception {
        assertThat(http.get("/api/v1/format_query?query=" + enc("foo/bar")).body())
                .isEqualTo("{\"status\":\"success\",\"data\":\"foo / bar\"}");
        assertThat(http.post("/api/v1/format_query", "query=" + enc("sum(rate(x[5m])) by (job) # why")).body())
                .isEqualTo("{\"status\":\"success\",\"data\":\"sum by (job) (rate(x[5m]))\"}");
        assertThat(http.get("/api/v1/format_query?query=" + enc("sum(")).statusCode()).isEqualTo(400);
    }

    @Test
    void gzipWhenTheClientAcceptsIt() throws Exception {
        java.net.http.HttpResponse<byte[]> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + server.port()
                        + "/api/v1/label/__name__/values")).header("Accept-Encoding", "gzip").build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.headers().firstValue("content-encoding")).hasValue("gzip");
        String body = new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(r.body()))
                .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(body).startsWith("{\"status\":\"success\",\"data\":[").contains("http_requests_total");
    }

    @Test
    void parseQueryAnswersTheTreeAndTheBadDataEnvelope() throws Exception {
        HttpResponse<String> ok = http.post("/api/v1/parse_query", "query=" + enc("1 + 2"));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("{\"status\":\"success\",\"data\":{\"bool\":false,"
                + "\"lhs\":{\"type\":\"numberLiteral\",\"val\":\"1\"},\"matching\":null,\"op\":\"+\","
                + "\"rhs\":{\"type\":\"numberLiteral\",\"val\":\"2\"},\"type\":\"binaryExpr\"}}");
        HttpResponse<String> bad = http.get("/api/v1/parse_query?query=" + enc("rate(x)"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).startsWith("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":"
                + "\"invalid parameter \\\"query\\\": 1:6: parse error: expected type range vector");
    }
}
