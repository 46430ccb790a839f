package dev.sextant.api.v1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sextant.api.json.JsonOut;
import dev.sextant.promql.value.Matrix;
import dev.sextant.promql.value.Sample;
import dev.sextant.promql.value.SeriesPoints;
import dev.sextant.promql.value.Vector;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.StaleNaN;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The raw (past-the-generator) matrix and vector writers give byte for byte the text of the
 * generator path: one generator call per label and per point. Random results with shared step
 * timestamps (the timestamp cache), repeated values (the value cache), timestamps that collide
 * in the cache, stale markers, special values, and labels that need escaping (which take the
 * generator path for the whole result).
 */
class ResultEncoderRawTest {

    /** The reference: the whole result through the generator. */
    private static String reference(Object value) throws Exception {
        JsonOut out = new JsonOut(64);
        JsonGenerator g = out.gen();
        g.writeStartObject();
        g.writeFieldName("result");
        g.writeStartArray();
        if (value instanceof Matrix m) {
            for (SeriesPoints s : m.series()) {
                g.writeStartObject();
                ResultEncoder.writeMetric(g, s.metric());
                g.writeArrayFieldStart("values");
                for (int i = 0; i < s.count(); i++) {
                    if (!StaleNaN.isStale(s.values()[i])) {
                        out.point(s.timestamps()[i], s.values()[i]);
                    }
                }
                g.writeEndArray();
                g.writeEndObject();
            }
        } else {
            for (Sample s : ((Vector) value).samples()) {
                if (StaleNaN.isStale(s.v())) {
                    continue;
                }
                g.writeStartObject();
                ResultEncoder.writeMetric(g, s.metric());
                g.writeFieldName("value");
                out.point(s.t(), s.v());
                g.writeEndObject();
            }
        }
        g.writeEndArray();
        g.writeEndObject();
        return new String(out.toBytes(), StandardCharsets.UTF_8);
    }

    private static String encoded(dev.sextant.promql.value.Value value, boolean ownBuffer) throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        JsonOut out = ownBuffer ? new JsonOut(64) : new JsonOut(sink);
        ResultEncoder.write(out, value);
        if (ownBuffer) {
            return new String(out.toBytes(), StandardCharsets.UTF_8);
        }
        out.close();
        return sink.toString(StandardCharsets.UTF_8);
    }

    private static String withoutResultType(String json) {
        return json.replaceFirst("\"resultType\":\"(matrix|vector)\",", "");
    }

    private static double value(SplittableRandom r, double previous) {
        return switch (r.nextInt(9)) {
            case 0 -> StaleNaN.VALUE;
            case 1 -> Double.NaN;
            case 2 -> r.nextBoolean() ? Double.POSITIVE_INFINITY : -0.0;
            case 3 -> r.nextDouble() * 1e7;
            case 4 -> Double.longBitsToDouble(r.nextLong());
            case 5, 6 -> previous; // repeats: the value cache
            default -> r.nextInt(100_000) / 100.0;
        };
    }

    private static Labels labels(SplittableRandom r, int s, boolean escapes) {
        String v = "v-" + s + "-" + Long.toHexString(r.nextLong());
        if (escapes) {
            String[] odd = {"<script>", "a&b", "q\"uote", "back\\slash", "tab\tnl\n", "ü", "\u2028", "\u0001"};
            v = v + odd[r.nextInt(odd.length)];
        }
        return Labels.of("__name__", "m" + (s % 3), "instance", "host:" + r.nextInt(9000), "job", v);
    }

    private static Matrix matrix(SplittableRandom r, boolean escapes) {
        int series = r.nextInt(0, 60);
        long start = r.nextLong(-5_000_000, 1_800_000_000_000L);
        long step = r.nextBoolean() ? 15_000 : r.nextInt(1, 100_000);
        int steps = r.nextInt(1, 400);
        List<SeriesPoints> out = new ArrayList<>();
        for (int s = 0; s < series; s++) {
            long[] ts = new long[steps];
            double[] vs = new double[steps];
            int n = 0;
            double prev = 1;
            for (int k = 0; k < steps; k++) {
                if (r.nextInt(5) == 0) {
                    continue; // gaps: series do not all hold every step
                }
                // Mostly the shared step grid, sometimes an arbitrary timestamp (cache collisions).
                ts[n] = r.nextInt(10) == 0 ? r.nextLong(-2_000_000_000_000L, 4_000_000_000_000L) : start + k * step;
                vs[n] = prev = value(r, prev);
                n++;
            }
            out.add(new SeriesPoints(labels(r, s, escapes && s == series / 2), ts, vs, n));
        }
        return new Matrix(out);
    }

    @Test
    void matrixAsTheGeneratorWritesIt() throws Exception {
        SplittableRandom r = new SplittableRandom(17);
        int plain = 0;
        for (int i = 0; i < 300; i++) {
            Matrix m = matrix(r, i % 4 == 0);
            String expected = reference(m);
            plain += m.series().stream().allMatch(s -> JsonOut.plainAscii(s.metric())) ? 1 : 0;
            assertThat(withoutResultType(encoded(m, true))).isEqualTo(expected);
            assertThat(withoutResultType(encoded(m, false))).isEqualTo(expected);
        }
        assertThat(plain).isBetween(150, 299);
    }

    @Test
    void seriesLongerThanTheRawBufferAndManyShortOnes() throws Exception {
        // One series of 2,000 points (more than the 16 KiB buffer holds: room is made per point),
        // then 400 of 40 points (room for each series at once, buffers filled and handed on).
        SplittableRandom r = new SplittableRandom(23);
        List<SeriesPoints> out = new ArrayList<>();
        for (int s = 0; s < 401; s++) {
            int n = s == 0 ? 2000 : 40;
            long[] ts = new long[n];
            double[] vs = new double[n];
            double prev = 1;
            for (int k = 0; k < n; k++) {
                ts[k] = 1_700_000_000_000L + k * 15_000L;
                vs[k] = prev = value(r, prev);
            }
            out.add(new SeriesPoints(labels(r, s, false), ts, vs, n));
        }
        Matrix m = new Matrix(out);
        assertThat(withoutResultType(encoded(m, true))).isEqualTo(reference(m));
    }

    @Test
    void vectorAsTheGeneratorWritesIt() throws Exception {
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 300; i++) {
            int n = r.nextInt(0, 3000);
            long t = r.nextLong(-5_000_000, 1_800_000_000_000L);
            List<Sample> samples = new ArrayList<>();
            double prev = 0;
            for (int s = 0; s < n; s++) {
                prev = value(r, prev);
                samples.add(new Sample(labels(r, s, i % 4 == 0 && s == n / 2), t, prev));
            }
            Vector v = new Vector(samples);
            String expected = reference(v);
            assertThat(withoutResultType(encoded(v, true))).isEqualTo(expected);
            assertThat(withoutResultType(encoded(v, false))).isEqualTo(expected);
        }
    }

    @Test
    void plainAsciiRejectsWhatTheGeneratorEscapes() {
        assertThat(JsonOut.plainAscii("abc-DEF_0.9:/ ~")).isTrue();
        for (String s : new String[] {"<", ">", "&", "\"", "\\", "\n", "\u007f", "é", "\u2028"}) {
            assertThat(JsonOut.plainAscii("x" + s)).as(s).isFalse();
        }
    }
}
