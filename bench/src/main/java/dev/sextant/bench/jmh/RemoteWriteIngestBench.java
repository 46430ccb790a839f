package dev.sextant.bench.jmh;

import dev.sextant.api.http.ApiRequest;
import dev.sextant.api.http.ApiResponse;
import dev.sextant.api.remote.RemoteWriteHandler;
import dev.sextant.bench.load.RemoteWriteLoad;
import dev.sextant.bench.wire.WriteRequestEncoder;
import dev.sextant.tsdb.Tsdb;
import dev.sextant.tsdb.TsdbOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.xerial.snappy.Snappy;

/**
 * The remote-write receiver's whole request path for known series, in process (no HTTP):
 * {@link RemoteWriteHandler#handle} on a snappy-compressed 1.0 request of {@value #BATCH} model
 * series with one sample each, appended through a {@link Tsdb} (WAL on, compressed, background
 * compaction off) in a temporary directory. Every iteration opens a fresh TSDB and first sends one
 * round (every series once, creating them), so the timed requests are the steady state of
 * {@code bench/compare.sh remote-write-100k}: decode, series cache, head append, WAL commit.
 * Requests are encoded before the iteration; score per sample.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Flags.ADD_OPENS_REFLECT, Flags.ADD_OPENS_NIO, Flags.ADD_EXPORTS_REF,
        Flags.ADD_EXPORTS_MISC, "-Xmx4g"})
@State(Scope.Thread)
public class RemoteWriteIngestBench {
    static final int BATCH = 2000;
    /** Rounds encoded ahead: far more requests than a 1 s iteration can send. */
    static final int ROUNDS = 30;

    @Param({"100000"})
    public int series;

    byte[][] bodies;
    int next;
    Path dir;
    Tsdb tsdb;
    RemoteWriteHandler handler;
    static final Map<String, String> HEADERS = Map.of("content-encoding", "snappy", "content-type", "application/x-protobuf");

    @Setup(Level.Trial)
    public void encode() throws IOException {
        RemoteWriteLoad.Workload w = RemoteWriteLoad.prepare(new RemoteWriteLoad.Config("", series, ROUNDS, 15_000,
                BATCH, 1, System.currentTimeMillis(), 1, 0));
        int batches = (series + BATCH - 1) / BATCH;
        bodies = new byte[ROUNDS * batches][];
        WriteRequestEncoder enc = new WriteRequestEncoder();
        for (int r = 0; r < ROUNDS; r++) {
            for (int b = 0; b < batches; b++) {
                w.encode(r, b, enc);
                bodies[r * batches + b] = Snappy.compress(Arrays.copyOf(enc.buffer(), enc.length()));
            }
        }
    }

    @Setup(Level.Iteration)
    public void open() throws IOException {
        dir = Files.createTempDirectory("sextant-bench-rw");
        tsdb = Tsdb.open(dir, TsdbOptions.defaults().withBackgroundCompaction(false).withRetention(0));
        handler = new RemoteWriteHandler(tsdb, RemoteWriteHandler.Listener.NONE);
        int batches = (series + BATCH - 1) / BATCH;
        for (next = 0; next < batches; next++) {
            send();
        }
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        tsdb.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private int send() {
        ApiResponse r = handler.handle(new ApiRequest("POST", "/api/v1/write", Map.<String, List<String>>of(), HEADERS,
                bodies[next]));
        if (r.status() != 204) {
            throw new IllegalStateException("status " + r.status() + ": " + r.bodyAsString());
        }
        return r.status();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int request() {
        if (next == bodies.length) {
            throw new IllegalStateException("encoded requests used up; raise ROUNDS");
        }
        int s = send();
        next++;
        return s;
    }
}
