package dev.sextant.bench.jmh;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sextant.api.http.ApiResponse;
import dev.sextant.api.json.JsonOut;
import dev.sextant.api.v1.Envelope;
import dev.sextant.api.v1.ResultEncoder;
import dev.sextant.bench.load.SeriesModel;
import dev.sextant.promql.value.Matrix;
import dev.sextant.promql.value.SeriesPoints;
import dev.sextant.tsdb.model.Labels;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
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
 * per-point cost dominates). Score per whole response; the result's size in bytes is printed once
 * in setup.
 *
 * <ul>
 *   <li>{@code encode}: the old response path, a Jackson generator through {@link JsonOut} into a
 *       growable byte array, then {@code toBytes()} (one more copy) for the server to wrap.
 *   <li>{@code encodeStreamed}: today's path, the API's own {@code Envelope.success} +
 *       {@code ResultEncoder} over a {@link Matrix}, streamed into 64 KiB buffers from Netty's
 *       pooled allocator the way the server's {@code StreamedBody} does (each full buffer is
 *       handed on; here it is released at once, as the socket write would).
 * </ul>
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

    Matrix matrix;

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
        List<SeriesPoints> series = new ArrayList<>(SERIES);
        for (int s = 0; s < SERIES; s++) {
            series.add(new SeriesPoints(labels[s], ts.clone(), values[s], POINTS));
        }
        matrix = new Matrix(series);
        System.out.println("matrix JSON bytes: " + encode().length + " (streamed: " + encodeStreamed() + ")");
    }

    @Benchmark
    public long encodeStreamed() throws IOException {
        ApiResponse r = Envelope.success(out -> ResultEncoder.write(out, matrix), List.of(), List.of());
        PooledChunks out = new PooledChunks(PooledByteBufAllocator.DEFAULT);
        try {
            r.stream().writeTo(out);
        } finally {
            out.close();
        }
        return out.total;
    }

    /** Mirrors the server's StreamedBody without a channel: fixed 64 KiB pooled buffers, released when full. */
    static final class PooledChunks extends OutputStream {
        private final ByteBufAllocator alloc;
        private ByteBuf buf;
        long total;

        PooledChunks(ByteBufAllocator alloc) {
            this.alloc = alloc;
        }

        private void next() {
            if (buf != null) {
                total += buf.readableBytes();
                buf.release();
            }
            buf = alloc.buffer(64 * 1024, 64 * 1024);
        }

        @Override
        public void write(int b) {
            if (buf == null || !buf.isWritable()) {
                next();
            }
            buf.writeByte(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            while (len > 0) {
                if (buf == null || !buf.isWritable()) {
                    next();
                }
                int n = Math.min(len, buf.writableBytes());
                buf.writeBytes(b, off, n);
                off += n;
                len -= n;
            }
        }

        @Override
        public void close() {
            if (buf != null) {
                total += buf.readableBytes();
                buf.release();
                buf = null;
            }
        }
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
