package dev.sextant.api.v1;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sextant.api.json.PromFormat;
import dev.sextant.promql.engine.QueryStats;
import java.io.IOException;

/**
 * {@code data.stats} of {@code query} and {@code query_range} with {@code stats=<any>}, in
 * Prometheus 3.x's shape and key order:
 * <pre>
 * {"timings":{"evalTotalTime":s,"resultSortTime":s,"queryPreparationTime":s,"innerEvalTime":s,
 *             "execQueueTime":s,"execTotalTime":s},
 *  "samples":{"totalQueryableSamplesPerStep":[[t,n],...],   (only with stats=all)
 *             "totalQueryableSamples":n,"peakSamples":n}}
 * </pre>
 * Times are seconds as Go's JSON encoder writes a float64; per-step timestamps are seconds as
 * float64 too ({@code 1536673680}, {@code 1536673680.5}).
 */
final class StatsJson {
    private StatsJson() {}

    static void write(JsonGenerator g, QueryStats s, long queueNanos, long execTotalNanos) throws IOException {
        g.writeObjectFieldStart("timings");
        seconds(g, "evalTotalTime", s.evalTotalNanos());
        seconds(g, "resultSortTime", s.resultSortNanos());
        seconds(g, "queryPreparationTime", s.queryPreparationNanos());
        seconds(g, "innerEvalTime", s.innerEvalNanos());
        seconds(g, "execQueueTime", queueNanos);
        seconds(g, "execTotalTime", execTotalNanos);
        g.writeEndObject();
        g.writeObjectFieldStart("samples");
        long[] perStep = s.totalQueryableSamplesPerStep();
        if (perStep != null && perStep.length > 0) {
            g.writeArrayFieldStart("totalQueryableSamplesPerStep");
            for (int i = 0; i < perStep.length; i++) {
                g.writeStartArray();
                g.writeNumber(goFloat((s.stepStartMs() + i * s.stepMs()) / 1000.0));
                g.writeNumber(perStep[i]);
                g.writeEndArray();
            }
            g.writeEndArray();
        }
        g.writeNumberField("totalQueryableSamples", s.totalQueryableSamples());
        g.writeNumberField("peakSamples", s.peakSamples());
        g.writeEndObject();
    }

    private static void seconds(JsonGenerator g, String field, long nanos) throws IOException {
        g.writeFieldName(field);
        g.writeNumber(goFloat(nanos / 1e9));
    }

    /**
     * A float64 as Go's encoding/json writes it: plain digits for {@code 1e-6 <= |v| < 1e21},
     * otherwise exponent form without a leading zero in the exponent ({@code 1e-7}).
     */
    static String goFloat(double v) {
        double abs = Math.abs(v);
        if (v == 0 || (abs >= 1e-6 && abs < 1e21)) {
            return PromFormat.goF(v);
        }
        String e = PromFormat.value(v);
        return e.replace("e-0", "e-").replace("e+0", "e+");
    }
}
