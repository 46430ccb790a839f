package dev.sextant.api.remote.send;

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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The sender's per-batch hot path: encoding {@code samples} samples of model series (one sample
 * per series, as a shard batch holds them) as a remote-write 1.0 or 2.0 body and snappy-compressing
 * it, with the shard's reused {@link WireEncoder}. Score per batch; divide by {@code samples} for
 * per-sample cost. Lives in the sender's package because the encoder is package-private.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"})
@State(Scope.Thread)
public class RemoteWriteEncodeBench {
    @Param({"2000"})
    public int samples;

    @Param({"1", "2"})
    public int protocol;

    SendSeries[] series;
    long[] ts;
    double[] vs;
    WireEncoder encoder;

    @Setup(Level.Trial)
    public void setUp() {
        SeriesModel model = new SeriesModel(samples, 1);
        series = new SendSeries[samples];
        ts = new long[samples];
        vs = new double[samples];
        for (int i = 0; i < samples; i++) {
            Labels l = Labels.of(model.labels(i));
            series[i] = new SendSeries(i, l, 0, protocol);
            ts[i] = 1_700_000_000_000L + i;
            vs[i] = i * 0.5;
        }
        encoder = new WireEncoder(protocol);
    }

    @Benchmark
    public int encodeAndCompress() throws IOException {
        encoder.encode(series, ts, vs, samples);
        return encoder.compressedLength();
    }
}
