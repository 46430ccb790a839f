package dev.sextant.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import dev.sextant.api.remote.prompb.Types;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays every request of ../shared/spec/grafana-contract.md against an in-process Sextant and
 * asserts exactly the fields Grafana's Prometheus data source reads.
 */
class GrafanaContractTest {
    @TempDir
    static Path dir;

    private static GrafanaFixture sextant;
    /** Start of the data: a whole hour, so aligned ranges are easy to reason about. */
    private static final long T0 = (System.currentTimeMillis() / 3_600_000L - 2) * 3_600_000L;

    @BeforeAll
    static void start() throws Exception {
        sextant = new GrafanaFixture(dir);
        WriteRequest.Builder req = WriteRequest.newBuilder();
        for (String instance : new String[] {"10.0.1.1:9100", "10.0.1.2:9100"}) {
            for (String mode : new String[] {"idle", "user"}) {
                Types.TimeSeries.Builder s = GrafanaFixture.series(Map.of("__name__", "node_cpu_seconds_total",
                        "job", "node-exporter", "instance", instance, "cpu", "0", "mode", mode));
                for (int i = 0; i <= 240; i++) {
                    s.addSamples(Types.Sample.newBuilder().setTimestamp(T0 + i * 30_000L)
                            .setValue(i * (mode.equals("idle") ? 27.0 : 3.0)));
                }
                req.addTimeseries(s);
            }
        }
        Types.TimeSeries.Builder load = GrafanaFixture.series(Map.of("__name__", "node_load1", "job", "node-exporter",
                "instance", "10.0.1.1:9100", "http.route", "/x"));
        for (int i = 0; i <= 240; i++) {
            load.addSamples(Types.Sample.newBuilder().setTimestamp(T0 + i * 30_000L).setValue(0.25 * (i % 8)));
        }
        req.addTimeseries(load);
        sextant.write(req.build());
    }

    @AfterAll
    static void stop() {
        sextant.close();
    }

    @Test
    void saveAndTestHealthCheckByPostForm() throws Exception {
        HttpResponse<String> r = sextant.postRaw("/api/v1/query", "query=1%2B1&time=4&timeout=60s");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(r.body()).isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[4,\"2\"]}}");
    }

    @Test
    void saveAndTestHealthCheckByGetIn1970() throws Exception {
        HttpResponse<String> r = sextant.get("/api/v1/query?query=1%2B1&time=4&timeout=2m");
        assertThat(r.body()).isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[4,\"2\"]}}");
    }

    @Test
    void buildInfoWithoutFeatures() throws Exception {
        JsonNode j = GrafanaFixture.json(sextant.get("/api/v1/status/buildinfo"));
        assertThat(j.path("status").asText()).isEqualTo("success");
        for (String f : new String[] {"version", "revision", "branch", "buildUser", "buildDate", "goVersion"}) {
            assertThat(j.path("data").path(f).isTextual()).as(f).isTrue();
        }
        assertThat(j.path("data").has("features")).isFalse();
    }

    @Test
    void rangeQueryWithFloatStepAndAlignedStartEnd() throws Exception {
        double step = 60;
        long start = (long) (Math.floor((T0 + 3_600_000L) / 1000.0 / step) * step);
        long end = (long) (Math.floor((T0 + 7_200_000L) / 1000.0 / step) * step);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("query", "sum by (instance) (rate(node_cpu_seconds_total{mode!=\"idle\"}[2m]))");
        form.put("start", Long.toString(start));
        form.put("end", Long.toString(end));
        form.put("step", "60");
        form.put("timeout", "60s");
        HttpResponse<String> r = sextant.postForm("/api/v1/query_range", form);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode j = GrafanaFixture.json(r);
        assertThat(j.path("status").asText()).isEqualTo("success");
        assertThat(j.path("data").path("resultType").asText()).isEqualTo("matrix");
        JsonNode result = j.path("data").path("result");
        assertThat(result).hasSize(2);
        for (JsonNode series : result) {
            assertThat(series.path("metric").path("instance").asText()).startsWith("10.0.1.");
            JsonNode values = series.path("values");
            assertThat(values).hasSize(61);
            for (JsonNode p : values) {
                assertThat(p.get(0).isNumber()).isTrue();
                assertThat(p.get(0).asLong() % 60).isZero();
                assertThat(p.get(1).isTextual()).isTrue();
                assertThat(Double.parseDouble(p.get(1).asText())).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-9));
            }
        }
        // Half-second steps are floats on the wire too.
        form.put("query", "node_load1");
        form.put("start", start + ".5");
        form.put("end", (start + 2) + ".5");
        form.put("step", "0.5");
        JsonNode half = GrafanaFixture.json(sextant.postForm("/api/v1/query_range", form));
        assertThat(half.path("data").path("result").get(0).path("values").get(0).get(0).asDouble()).isEqualTo(start + 0.5);
        assertThat(half.path("data").path("result").get(0).path("values")).hasSize(5);
    }

    @Test
    void errorsUseTheEnvelopeGrafanaShowsAsErrorTypeColonError() throws Exception {
        HttpResponse<String> r = sextant.postRaw("/api/v1/query", "query=sum(&time=4");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode j = GrafanaFixture.json(r);
        assertThat(j.path("status").asText()).isEqualTo("error");
        assertThat(j.path("errorType").asText()).isEqualTo("bad_data");
        assertThat(j.path("error").asText()).contains("parse error");
    }

    @Test
    void metricsBrowserLookups() throws Exception {
        long start = T0 / 1000;
        long end = start + 7200;
        JsonNode names = GrafanaFixture.json(sextant.get("/api/v1/label/__name__/values?start=" + start + "&end=" + end
                + "&limit=40000"));
        assertThat(names.path("data").toString()).isEqualTo("[\"node_cpu_seconds_total\",\"node_load1\"]");
        JsonNode keys = GrafanaFixture.json(sextant.postRaw("/api/v1/labels", "start=" + start + "&end=" + end
                + "&limit=40000&match%5B%5D=" + GrafanaFixture.enc("node_cpu_seconds_total")));
        assertThat(keys.path("data").toString()).isEqualTo("[\"__name__\",\"cpu\",\"instance\",\"job\",\"mode\"]");
        JsonNode values = GrafanaFixture.json(sextant.get("/api/v1/label/mode/values?start=" + start + "&end=" + end
                + "&limit=40000&match[]=" + GrafanaFixture.enc("node_cpu_seconds_total{instance=\"10.0.1.1:9100\"}")));
        assertThat(values.path("data").toString()).isEqualTo("[\"idle\",\"user\"]");
        // Label values by POST form too (some Grafana versions), and U__-escaped UTF-8 names.
        JsonNode viaPost = GrafanaFixture.json(sextant.postRaw("/api/v1/label/U__http_2e_route/values", "limit=40000"));
        assertThat(viaPost.path("data").toString()).isEqualTo("[\"/x\"]");
        JsonNode series = GrafanaFixture.json(sextant.postRaw("/api/v1/series", "match%5B%5D="
                + GrafanaFixture.enc("{__name__!=\"\"}") + "&start=" + start + "&end=" + end + "&limit=40000"));
        assertThat(series.path("data")).hasSize(5);
        assertThat(series.path("data").get(0).has("__name__")).isTrue();
        JsonNode metadata = GrafanaFixture.json(sextant.get("/api/v1/metadata?limit=10000"));
        assertThat(metadata.path("status").asText()).isEqualTo("success");
        assertThat(metadata.path("data").isObject()).isTrue();
    }

    @Test
    void exemplarsWithMillisecondTimesSucceedEmpty() throws Exception {
        long ms = System.currentTimeMillis();
        HttpResponse<String> r = sextant.get("/api/v1/query_exemplars?query=test&start=" + (ms - 3_600_000) + "&end=" + ms);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"status\":\"success\",\"data\":[]}");
    }

    @Test
    void rulesForRecordingRuleAutocompleteAndAlertListUi() throws Exception {
        JsonNode j = GrafanaFixture.json(sextant.get("/api/v1/rules"));
        assertThat(j.path("status").asText()).isEqualTo("success");
        assertThat(j.path("data").path("groups").isArray()).isTrue();
    }

    @Test
    void postWhereGetIsRequiredIs405SoGrafanaRetriesAsGet() throws Exception {
        HttpResponse<String> r = sextant.postRaw("/api/v1/rules", "");
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(GrafanaFixture.json(r).path("status").asText()).isEqualTo("error");
        assertThat(sextant.postRaw("/api/v1/status/buildinfo", "").statusCode()).isEqualTo(405);
    }

    @Test
    void instantAlertQueryAtNowReturnsUniquelyLabelledVector() throws Exception {
        String time = Long.toString((T0 + 7_200_000L) / 1000);
        JsonNode j = GrafanaFixture.json(sextant.postRaw("/api/v1/query", "query="
                + GrafanaFixture.enc("node_cpu_seconds_total > 0") + "&time=" + time));
        JsonNode result = j.path("data").path("result");
        assertThat(j.path("data").path("resultType").asText()).isEqualTo("vector");
        assertThat(result).hasSize(4);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (JsonNode s : result) {
            assertThat(seen.add(s.path("metric").toString())).isTrue();
            assertThat(s.path("value").get(0).asText()).isEqualTo(time);
        }
    }
}
