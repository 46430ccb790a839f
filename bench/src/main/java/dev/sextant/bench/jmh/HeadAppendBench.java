package dev.sextant.bench.jmh;

import dev.sextant.bench.load.SeriesModel;
import dev.sextant.tsdb.Tsdb;
import dev.sextant.tsdb.TsdbOptions;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Appender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
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

/**
 * Appends through the {@link Tsdb} facade (WAL + head) in a temporary directory: one invocation
 * is one scrape-like commit of one sample for each of {@value #SERIES} existing series, 15 s after
 * the previous one. Scores are per sample. {@code refs=true} passes the series reference returned
 * by the previous append (the scrape cache's path); {@code refs=false} looks the labels up every
 * time (a remote-write receiver without a cache). Background compaction is off so that the
 * measurement is the append path alone; a fresh TSDB is opened for every iteration.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {Flags.ADD_OPENS_REFLECT, Flags.ADD_OPENS_NIO, Flags.ADD_EXPORTS_REF,
        Flags.ADD_EXPORTS_MISC, "-Xmx4g"})
@State(Scope.Thread)
public class HeadAppendBench {
    static final int SERIES = 10_000;

    @Param({"true", "false"})
    public boolean refs;

    Labels[] labels;
    double[] values;
    long[] seriesRefs;
    Path dir;
    Tsdb tsdb;
    long t;

    @Setup(Level.Trial)
    public void model() {
        SeriesModel m = new SeriesModel(SERIES, 1);
        labels = BenchData.labels(m);
        values = new double[SERIES];
        for (int s = 0; s < SERIES; s++) {
            values[s] = m.value(s);
        }
    }

    @Setup(Level.Iteration)
    public void open() throws IOException {
        dir = Files.createTempDirectory("sextant-bench-head");
        tsdb = Tsdb.open(dir, TsdbOptions.defaults().withBackgroundCompaction(false).withRetention(0));
        seriesRefs = new long[SERIES];
        t = System.currentTimeMillis() - 3_600_000L;
        append(); // creates the series
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        tsdb.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    @OperationsPerInvocation(SERIES)
    public long append() {
        t += 15_000;
        Appender app = tsdb.appender();
        long last = 0;
        for (int s = 0; s < SERIES; s++) {
            values[s] += 1;
            last = app.append(refs ? seriesRefs[s] : 0, labels[s], t, values[s]);
            seriesRefs[s] = last;
        }
        app.commit();
        return last;
    }
}
