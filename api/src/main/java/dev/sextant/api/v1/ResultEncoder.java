package dev.sextant.api.v1;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sextant.api.json.JsonOut;
import dev.sextant.api.json.PromFormat;
import dev.sextant.promql.value.Matrix;
import dev.sextant.promql.value.Sample;
import dev.sextant.promql.value.Scalar;
import dev.sextant.promql.value.SeriesPoints;
import dev.sextant.promql.value.StringValue;
import dev.sextant.promql.value.Value;
import dev.sextant.promql.value.Vector;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.StaleNaN;
import java.io.IOException;
import java.util.List;

/** Writes query results as {@code {"resultType":…,"result":…}}, never emitting stale markers. */
public final class ResultEncoder {
    private ResultEncoder() {}

    /** Writes the fields of {@code data.stats}, which follows {@code result}. */
    @FunctionalInterface
    interface Trailer {
        void write(JsonGenerator g) throws IOException;
    }

    public static void write(JsonOut out, Value value) throws IOException {
        write(out, value, null);
    }

    static void write(JsonOut out, Value value, Trailer trailer) throws IOException {
        JsonGenerator g = out.gen();
        g.writeStartObject();
        g.writeStringField("resultType", value.type().apiName());
        g.writeFieldName("result");
        if (value instanceof Scalar s) {
            // Prometheus writes a scalar result with Go's 'f' format (1e-07 is "0.0000001"), unlike
            // sample values, which switch to the exponent form outside [1e-6, 1e21).
            g.writeStartArray();
            out.timestamp(s.t());
            g.writeString(PromFormat.goF(s.v()));
            g.writeEndArray();
        } else if (value instanceof StringValue s) {
            g.writeStartArray();
            out.timestamp(s.t());
            g.writeString(s.v());
            g.writeEndArray();
        } else if (value instanceof Vector v) {
            writeVector(out, v.samples());
        } else if (value instanceof Matrix m) {
            writeMatrix(out, m.series());
        }
        if (trailer != null) {
            g.writeFieldName("stats");
            g.writeStartObject();
            trailer.write(g);
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void writeVector(JsonOut out, List<Sample> samples) throws IOException {
        if (plainMetrics(samples)) {
            // Every label is plain ASCII: the whole array goes out as raw bytes (see JsonOut.rawBegin).
            out.rawBegin();
            out.rawChar('[');
            boolean first = true;
            for (Sample s : samples) {
                if (!StaleNaN.isStale(s.v())) {
                    out.rawSample(s.metric(), s.t(), s.v(), first);
                    first = false;
                }
            }
            out.rawChar(']');
            out.rawEnd();
            return;
        }
        JsonGenerator g = out.gen();
        g.writeStartArray();
        for (Sample s : samples) {
            if (StaleNaN.isStale(s.v())) {
                continue;
            }
            g.writeStartObject();
            writeMetric(g, s.metric());
            g.writeFieldName("value");
            out.point(s.t(), s.v());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static boolean plainMetrics(List<Sample> samples) {
        for (Sample s : samples) {
            if (!JsonOut.plainAscii(s.metric())) {
                return false;
            }
        }
        return true;
    }

    private static void writeMatrix(JsonOut out, List<SeriesPoints> series) throws IOException {
        boolean plain = true;
        for (SeriesPoints s : series) {
            if (!JsonOut.plainAscii(s.metric())) {
                plain = false;
                break;
            }
        }
        if (plain) {
            // The common case: the whole matrix as raw bytes past the generator, one stream write
            // per filled buffer.
            out.rawBegin();
            out.rawChar('[');
            boolean first = true;
            for (SeriesPoints s : series) {
                out.rawSeries(s.metric(), s.timestamps(), s.values(), s.count(), first);
                first = false;
            }
            out.rawChar(']');
            out.rawEnd();
            return;
        }
        JsonGenerator g = out.gen();
        g.writeStartArray();
        for (SeriesPoints s : series) {
            g.writeStartObject();
            writeMetric(g, s.metric());
            g.writeFieldName("values");
            out.pointArray(s.timestamps(), s.values(), s.count());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    static void writeMetric(JsonGenerator g, Labels labels) throws IOException {
        g.writeObjectFieldStart("metric");
        for (int i = 0; i < labels.size(); i++) {
            g.writeStringField(labels.name(i), labels.value(i));
        }
        g.writeEndObject();
    }
}
