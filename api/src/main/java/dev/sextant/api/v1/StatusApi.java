package dev.sextant.api.v1;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sextant.api.http.ApiResponse;
import dev.sextant.api.http.Handler;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The {@code /api/v1/status/*} endpoints. */
public final class StatusApi {
    private final BuildInfo buildInfo;
    private final Supplier<String> configYaml;
    private final Map<String, String> flags;
    private final Supplier<RuntimeInfo> runtime;
    private final TsdbStatus tsdb;

    public StatusApi(BuildInfo buildInfo, Supplier<String> configYaml, Map<String, String> flags,
            Supplier<RuntimeInfo> runtime, TsdbStatus tsdb) {
        this.buildInfo = buildInfo;
        this.configYaml = configYaml;
        this.flags = flags;
        this.runtime = runtime;
        this.tsdb = tsdb;
    }

    /** {@code GET /api/v1/status/buildinfo}: Prometheus's fields and no {@code features} field. */
    public Handler buildInfo() {
        return request -> Envelope.success(out -> {
            JsonGenerator g = out.gen();
            g.writeStartObject();
            g.writeStringField("version", buildInfo.version());
            g.writeStringField("revision", buildInfo.revision());
            g.writeStringField("branch", buildInfo.branch());
            g.writeStringField("buildUser", buildInfo.buildUser());
            g.writeStringField("buildDate", buildInfo.buildDate());
            g.writeStringField("goVersion", buildInfo.goVersion());
            g.writeEndObject();
        });
    }

    /** {@code GET /api/v1/status/config}: {@code {"yaml": …}}. */
    public Handler config() {
        return request -> {
            String yaml = configYaml.get();
            return Envelope.success(out -> {
                out.gen().writeStartObject();
                out.gen().writeStringField("yaml", yaml);
                out.gen().writeEndObject();
            });
        };
    }

    /** {@code GET /api/v1/status/flags}: flag name without dashes → value. */
    public Handler flags() {
        return request -> Envelope.success(out -> {
            JsonGenerator g = out.gen();
            g.writeStartObject();
            for (Map.Entry<String, String> e : flags.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        });
    }

    /** {@code GET /api/v1/status/runtimeinfo}. */
    public Handler runtimeInfo() {
        return request -> {
            RuntimeInfo r = runtime.get();
            return Envelope.success(out -> {
                JsonGenerator g = out.gen();
                g.writeStartObject();
                g.writeStringField("startTime", r.startTime());
                g.writeStringField("CWD", r.cwd());
                g.writeStringField("hostname", r.hostname());
                g.writeStringField("serverTime", r.serverTime());
                g.writeBooleanField("reloadConfigSuccess", r.reloadConfigSuccess());
                g.writeStringField("lastConfigTime", r.lastConfigTime());
                g.writeNumberField("corruptionCount", r.corruptionCount());
                g.writeNumberField("goroutineCount", r.goroutineCount());
                g.writeNumberField("GOMAXPROCS", r.gomaxprocs());
                g.writeNumberField("GOMEMLIMIT", r.gomemlimit());
                g.writeStringField("GOGC", r.gogc());
                g.writeStringField("GODEBUG", r.godebug());
                g.writeStringField("storageRetention", r.storageRetention());
                g.writeEndObject();
            });
        };
    }

    /** {@code GET /api/v1/status/tsdb?limit=N} (1..10000, default 10). */
    public Handler tsdb() {
        return request -> QueryApi.guarded(() -> {
            int limit = 10;
            String l = request.param("limit");
            if (l != null && !l.isEmpty()) {
                try {
                    limit = Integer.parseInt(l);
                } catch (NumberFormatException e) {
                    limit = -1;
                }
                if (limit < 1 || limit > 10_000) {
                    throw new ApiException(ErrorType.BAD_DATA, "limit must be a positive number less than or equal to 10000");
                }
            }
            TsdbStatus.Stats s = tsdb.stats(limit);
            return Envelope.success(out -> {
                JsonGenerator g = out.gen();
                g.writeStartObject();
                g.writeObjectFieldStart("headStats");
                g.writeNumberField("numSeries", s.numSeries());
                g.writeNumberField("numLabelPairs", s.numLabelPairs());
                g.writeNumberField("chunkCount", s.chunkCount());
                g.writeNumberField("minTime", s.minTime());
                g.writeNumberField("maxTime", s.maxTime());
                g.writeEndObject();
                entries(g, "seriesCountByMetricName", s.seriesCountByMetricName());
                entries(g, "labelValueCountByLabelName", s.labelValueCountByLabelName());
                entries(g, "memoryInBytesByLabelName", s.memoryInBytesByLabelName());
                entries(g, "seriesCountByLabelValuePair", s.seriesCountByLabelValuePair());
                g.writeEndObject();
            });
        });
    }

    /** {@code GET /api/v1/status/walreplay}: served before readiness too. */
    public Handler walReplay() {
        return request -> {
            TsdbStatus.WalReplay w = tsdb.walReplay();
            return Envelope.success(out -> {
                JsonGenerator g = out.gen();
                g.writeStartObject();
                g.writeNumberField("min", w.min());
                g.writeNumberField("max", w.max());
                g.writeNumberField("current", w.current());
                g.writeStringField("state", w.state());
                g.writeEndObject();
            });
        };
    }

    private static void entries(JsonGenerator g, String field, List<TsdbStatus.Entry> list) throws IOException {
        g.writeArrayFieldStart(field);
        for (TsdbStatus.Entry e : list) {
            g.writeStartObject();
            g.writeStringField("name", e.name());
            g.writeNumberField("value", e.value());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** {@code /-/healthy}: 200 while the process serves, with Prometheus's body. */
    public static Handler healthy() {
        return request -> ApiResponse.text(200, "Prometheus Server is Healthy.\n");
    }

    /** {@code /-/ready}: 200 once storage is open and the WAL replayed, 503 before. */
    public static Handler ready(java.util.function.BooleanSupplier isReady) {
        return request -> isReady.getAsBoolean()
                ? ApiResponse.text(200, "Prometheus Server is Ready.\n")
                : ApiResponse.text(503, "Service Unavailable");
    }
}
