package dev.sextant.api.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sextant.tsdb.model.StaleNaN;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link JsonOut#pointArray} writes the same text as one generator call per point, inside any structure. */
class JsonOutPointArrayTest {

    private static String viaPoints(long[][] ts, double[][] vs) throws Exception {
        JsonOut out = new JsonOut(64);
        JsonGenerator g = out.gen();
        g.writeStartArray();
        for (int s = 0; s < ts.length; s++) {
            g.writeStartObject();
            g.writeStringField("k", "v" + s);
            g.writeArrayFieldStart("values");
            for (int i = 0; i < ts[s].length; i++) {
                if (!StaleNaN.isStale(vs[s][i])) {
                    out.point(ts[s][i], vs[s][i]);
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        return new String(out.toBytes(), StandardCharsets.UTF_8);
    }

    private static String viaArray(long[][] ts, double[][] vs, boolean ownBuffer) throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        JsonOut out = ownBuffer ? new JsonOut(64) : new JsonOut(sink);
        JsonGenerator g = out.gen();
        g.writeStartArray();
        for (int s = 0; s < ts.length; s++) {
            g.writeStartObject();
            g.writeStringField("k", "v" + s);
            g.writeFieldName("values");
            out.pointArray(ts[s], vs[s], ts[s].length);
            g.writeEndObject();
        }
        g.writeEndArray();
        if (ownBuffer) {
            return new String(out.toBytes(), StandardCharsets.UTF_8);
        }
        out.close();
        return sink.toString(StandardCharsets.UTF_8);
    }

    @Test
    void sameTextAsOnePointAtATime() throws Exception {
        SplittableRandom r = new SplittableRandom(3);
        // Series of 0 to 3,000 points (several flushes of the byte buffer), some values stale
        // markers, special values and long decimals.
        int series = 12;
        long[][] ts = new long[series][];
        double[][] vs = new double[series][];
        for (int s = 0; s < series; s++) {
            int n = s == 0 ? 0 : s == 1 ? 3000 : r.nextInt(1, 400);
            ts[s] = new long[n];
            vs[s] = new double[n];
            long t = r.nextLong(-1_000_000, 1_800_000_000_000L);
            for (int i = 0; i < n; i++) {
                t += r.nextInt(1, 30_000);
                ts[s][i] = t;
                vs[s][i] = switch (r.nextInt(6)) {
                    case 0 -> StaleNaN.VALUE;
                    case 1 -> Double.NaN;
                    case 2 -> r.nextBoolean() ? Double.POSITIVE_INFINITY : -0.0;
                    case 3 -> r.nextDouble() * 1e7;
                    case 4 -> Double.longBitsToDouble(r.nextLong());
                    default -> r.nextInt(100_000) / 100.0;
                };
            }
        }
        vs[2] = new double[ts[2].length];
        java.util.Arrays.fill(vs[2], StaleNaN.VALUE); // only stale markers: "values":[]
        String expected = viaPoints(ts, vs);
        assertThat(viaArray(ts, vs, true)).isEqualTo(expected);
        assertThat(viaArray(ts, vs, false)).isEqualTo(expected);
        assertThat(expected).contains("\"k\":\"v2\",\"values\":[]");
    }
}
