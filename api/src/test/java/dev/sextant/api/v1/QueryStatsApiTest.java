package dev.sextant.api.v1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.api.http.ApiRequest;
import dev.sextant.api.http.ApiResponse;
import dev.sextant.promql.engine.EngineOptions;
import dev.sextant.promql.engine.QueryEngine;
import dev.sextant.tsdb.memory.MemoryStorage;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Appender;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code stats} on {@code query} and {@code query_range}: Prometheus's {@code data.stats} object
 * after {@code result}, with the engine's real sample counts; per-step counts only for {@code all}.
 */
class QueryStatsApiTest {
    private static final String TIME = "(0|[1-9][0-9]*(\\.[0-9]+)?|0\\.[0-9]+|[0-9](\\.[0-9]+)?e-[1-9][0-9]?)";
    private static final String TIMINGS = "\"timings\":\\{\"evalTotalTime\":" + TIME + ",\"resultSortTime\":" + TIME
            + ",\"queryPreparationTime\":" + TIME + ",\"innerEvalTime\":" + TIME + ",\"execQueueTime\":" + TIME
            + ",\"execTotalTime\":" + TIME + "\\}";

    private final QueryApi api;

    QueryStatsApiTest() {
        MemoryStorage storage = new MemoryStorage();
        Appender app = storage.appender();
        for (String job : new String[] {"a", "b"}) {
            Labels l = Labels.of("__name__", "up", "job", job);
            for (long t = 0; t <= 60_000; t += 15_000) {
                app.append(0, l, t, 1);
            }
        }
        Labels late = Labels.of("__name__", "up", "job", "late");
        app.append(0, late, 45_000, 1);
        app.commit();
        api = new QueryApi(new QueryEngine(EngineOptions.DEFAULTS), storage, () -> 60_000, (k, n) -> { }, 2);
    }

    @Test
    void noStatsUnlessAsked() throws Exception {
        String body = get(api.instant(), "query", "up", "time", "60").bodyAsString();
        assertThat(body).doesNotContain("stats");
    }

    @Test
    void instantQueryWithStatsTrue() throws Exception {
        ApiResponse r = get(api.instant(), "query", "up", "time", "60", "stats", "true");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyAsString()).matches("\\{\"status\":\"success\",\"data\":\\{\"resultType\":\"vector\","
                + "\"result\":\\[.*\\],\"stats\":\\{" + TIMINGS
                + ",\"samples\":\\{\"totalQueryableSamples\":3,\"peakSamples\":3\\}\\}\\}\\}");
    }

    @Test
    void rangeQueryWithStatsAllHasPerStepCounts() throws Exception {
        ApiResponse r = get(api.range(), "query", "count_over_time(up[30s])", "start", "0", "end", "60", "step", "30",
                "stats", "all");
        // Windows (t-30s, t]: at 0 one point per job, at 30 two, at 60 two, plus the late series' one at 45.
        assertThat(r.bodyAsString()).matches("\\{\"status\":\"success\",\"data\":\\{\"resultType\":\"matrix\","
                + "\"result\":\\[.*\\],\"stats\":\\{" + TIMINGS
                + ",\"samples\":\\{\"totalQueryableSamplesPerStep\":\\[\\[0,2\\],\\[30,4\\],\\[60,5\\]\\],"
                + "\"totalQueryableSamples\":11,\"peakSamples\":5\\}\\}\\}\\}");
    }

    @Test
    void goFloatRendering() {
        assertThat(StatsJson.goFloat(0)).isEqualTo("0");
        assertThat(StatsJson.goFloat(0.000123)).isEqualTo("0.000123");
        assertThat(StatsJson.goFloat(1.5e-7)).isEqualTo("1.5e-7");
        assertThat(StatsJson.goFloat(1536673680.5)).isEqualTo("1536673680.5");
        assertThat(StatsJson.goFloat(2)).isEqualTo("2");
    }

    private static ApiResponse get(dev.sextant.api.http.Handler h, String... kv) throws Exception {
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            params.put(kv[i], List.of(kv[i + 1]));
        }
        return h.handle(ApiRequest.of("GET", "/api/v1/query", params));
    }
}
