package dev.sextant.bench.jmh;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sextant.api.json.JsonOut;
import dev.sextant.bench.load.SeriesModel;
import dev.sextant.tsdb.model.Labels;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JSON encoding of a large range-query result: {@value #SERIES} series × {@value #POINTS} points
 * (an 11-hour panel at a 15 s step; 2.7M points, more than most dashboards ask for, so the
 * per-point cost dominates). Written the way the API's result encoder
 * writes a matrix: a Jackson generator through {@link JsonOut}, Prometheus's timestamp and value
 * rendering ({@code PromFormat}). Score per whole response; the result's size in bytes is printed
 * once in setup.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {Flags.ADD_OPENS_REFLECT, Flags.ADD_OPENS_NIO, Flags.ADD_EXPORTS_REF,
        Flags.ADD_EXPORTS_MISC, "-Xmx4g"})
@State(Scope.Benchmark)
public class JsonMatrixBench {
    static final int SERIES = 1_000;
    static final int POINTS = 2_700;

    Labels[] labels;
    long[] ts = new long[POINTS];
    double[][] values;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        SeriesModel m = new SeriesModel(SERIES, 1);
        labels = BenchData.labels(m);
        values = new double[SERIES][POINTS];
        for (int p = 0; p < POINTS; p++) {
            if (p > 0) {
                m.advance();
            }
            ts[p] = 1_700_000_000_000L + p * 15_000L;
            for (int s = 0; s < SERIES; s++) {
                values[s][p] = m.value(s);
            }
        }
        System.out.println("matrix JSON bytes: " + encode().length);
    }

    @Benchmark
    public byte[] encode() throws IOException {
        try (JsonOut out = new JsonOut(1 << 20)) {
            JsonGenerator g = out.gen();
            g.writeStartObject();
            g.writeStringField("status", "success");
            g.writeObjectFieldStart("data");
            g.writeStringField("resultType", "matrix");
            g.writeArrayFieldStart("result");
            for (int s = 0; s < SERIES; s++) {
                g.writeStartObject();
                g.writeObjectFieldStart("metric");
                Labels l = labels[s];
                for (int i = 0; i < l.size(); i++) {
                    g.writeStringField(l.name(i), l.value(i));
                }
                g.writeEndObject();
                g.writeArrayFieldStart("values");
                double[] v = values[s];
                for (int p = 0; p < POINTS; p++) {
                    out.point(ts[p], v[p]);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
            return out.toBytes();
        }
    }
}
