package dev.sextant.bench.jmh;

import dev.sextant.tsdb.chunk.XorAppender;
import dev.sextant.tsdb.chunk.XorChunk;
import dev.sextant.tsdb.chunk.XorIterator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * XOR (Gorilla) chunk encode and decode of one full head chunk (120 samples, Prometheus's target).
 * Scores are per sample. Shapes: a counter with small integer increments and a gauge with two
 * decimals, both scraped every 15 s with up to ±50 ms jitter (the jitter forces the 14-bit
 * delta-of-delta bucket most of the time, as in real scrapes).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Flags.ADD_OPENS_REFLECT, Flags.ADD_OPENS_NIO, Flags.ADD_EXPORTS_REF, Flags.ADD_EXPORTS_MISC})
@State(Scope.Thread)
public class XorChunkBench {
    static final int SAMPLES = 120;

    @Param({"counter", "gauge"})
    public String shape;

    long[] ts = new long[SAMPLES];
    double[] vs = new double[SAMPLES];
    byte[] encoded;
    XorIterator iterator = new XorIterator();

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom r = new SplittableRandom(42);
        long t = 1_700_000_000_000L;
        double v = shape.equals("counter") ? 12_345 : 512.25;
        for (int i = 0; i < SAMPLES; i++) {
            ts[i] = t + r.nextInt(-50, 51);
            vs[i] = v;
            t += 15_000;
            v = shape.equals("counter") ? v + r.nextInt(0, 20) : Math.round((v + r.nextInt(-500, 501) / 100.0) * 100) / 100.0;
        }
        XorChunk c = new XorChunk();
        XorAppender a = c.appender();
        for (int i = 0; i < SAMPLES; i++) {
            a.append(ts[i], vs[i]);
        }
        encoded = c.bytes();
    }

    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public XorChunk encode() {
        XorChunk c = new XorChunk();
        XorAppender a = c.appender();
        for (int i = 0; i < SAMPLES; i++) {
            a.append(ts[i], vs[i]);
        }
        return c;
    }

    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public double decode() {
        XorIterator it = iterator.reset(encoded, 0, encoded.length);
        double sum = 0;
        while (it.next()) {
            sum += it.atV() + it.atT();
        }
        return sum;
    }
}
