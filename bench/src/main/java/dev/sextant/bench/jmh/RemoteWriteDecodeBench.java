package dev.sextant.bench.jmh;

import dev.sextant.api.remote.WriteV1Decoder;
import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import dev.sextant.api.remote.prompb.Types;
import dev.sextant.bench.load.RemoteWriteLoad;
import dev.sextant.bench.wire.WriteRequestDecoder;
import dev.sextant.bench.wire.WriteRequestEncoder;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.xerial.snappy.Snappy;

/**
 * Decoding one remote-write request of {@code series} model series with one sample each (2000 is
 * Prometheus's {@code max_samples_per_send} in 3.x, 500 in 2.x). Score per request; divide by
 * {@code series} for per-sample cost.
 *
 * <ul>
 *   <li>{@code snappyOnly}: block decompression alone, the floor of every variant.
 *   <li>{@code generatedParse}: snappy, {@code WriteRequest.parseFrom} and a walk over every label
 *       (as Strings) and sample: what the receiver does today.
 *   <li>{@code codedStreamPass}: snappy and {@link WriteRequestDecoder}, which hands label byte
 *       ranges and samples to a sink without building messages; the sink hashes each series'
 *       label bytes (what a receiver-side series cache keyed by raw labels would do).
 *   <li>{@code receiverDecode}: snappy and the server's own decoder ({@link WriteV1Decoder}, what
 *       {@code RemoteWriteHandler} runs since it stopped using generated classes), plus the
 *       series-cache hash of every series' label bytes.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Flags.ADD_OPENS_REFLECT, Flags.ADD_OPENS_NIO, Flags.ADD_EXPORTS_REF, Flags.ADD_EXPORTS_MISC})
@State(Scope.Thread)
public class RemoteWriteDecodeBench {
    @Param({"500", "2000"})
    public int series;

    byte[] compressed;
    byte[] raw;
    final WriteRequestDecoder decoder = new WriteRequestDecoder();
    final HashingSink sink = new HashingSink();
    final WriteV1Decoder receiver = new WriteV1Decoder();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        RemoteWriteLoad.Workload w = RemoteWriteLoad.prepare(new RemoteWriteLoad.Config("", series, 2, 15_000, series, 1,
                1_700_000_000_000L, 1, 0));
        WriteRequestEncoder enc = new WriteRequestEncoder();
        w.encode(1, 0, enc);
        compressed = Snappy.compress(Arrays.copyOf(enc.buffer(), enc.length()));
        raw = new byte[Snappy.uncompressedLength(compressed)];
    }

    @Benchmark
    public int snappyOnly() throws IOException {
        return Snappy.uncompress(compressed, 0, compressed.length, raw, 0);
    }

    @Benchmark
    public void generatedParse(Blackhole bh) throws IOException {
        WriteRequest req = WriteRequest.parseFrom(Snappy.uncompress(compressed));
        for (int i = 0; i < req.getTimeseriesCount(); i++) {
            Types.TimeSeries ts = req.getTimeseries(i);
            for (int l = 0; l < ts.getLabelsCount(); l++) {
                Types.Label label = ts.getLabels(l);
                bh.consume(label.getName());
                bh.consume(label.getValue());
            }
            for (int s = 0; s < ts.getSamplesCount(); s++) {
                Types.Sample sample = ts.getSamples(s);
                bh.consume(sample.getTimestamp());
                bh.consume(sample.getValue());
            }
        }
    }

    @Benchmark
    public long receiverDecode() throws IOException {
        int n = Snappy.uncompress(compressed, 0, compressed.length, raw, 0);
        receiver.decode(raw, 0, n);
        long acc = 0;
        for (int i = 0; i < receiver.seriesCount(); i++) {
            acc += receiver.seriesHash(i);
        }
        return acc + receiver.sampleCount();
    }

    @Benchmark
    public long codedStreamPass() throws IOException {
        int n = Snappy.uncompress(compressed, 0, compressed.length, raw, 0);
        sink.reset();
        decoder.decode(raw, 0, n, sink);
        return sink.acc;
    }

    /** Hashes each series' label bytes and folds samples in, allocating nothing. */
    static final class HashingSink implements WriteRequestDecoder.Sink {
        long acc;

        void reset() {
            acc = 0;
        }

        @Override
        public void series(byte[] buf, int[] labelOffsets, int labelCount) {
            long h = 1125899906842597L;
            for (int l = 0; l < labelCount; l++) {
                for (int part = 0; part < 4; part += 2) {
                    int off = labelOffsets[4 * l + part];
                    int end = off + labelOffsets[4 * l + part + 1];
                    for (int i = off; i < end; i++) {
                        h = 31 * h + buf[i];
                    }
                }
            }
            acc += h;
        }

        @Override
        public void sample(long timestampMs, double value) {
            acc += timestampMs ^ Double.doubleToRawLongBits(value);
        }
    }
}
