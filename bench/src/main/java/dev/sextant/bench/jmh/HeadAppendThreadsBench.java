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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Head append throughput on 1 and 2 threads into one shared {@link Tsdb} (WAL + head, temp dir,
 * background compaction off), with realistic values: each thread owns {@value #PER_THREAD}
 * {@link SeriesModel} series (8 labels; counters grow by 1–10 per step, gauges move with two
 * decimals, histogram buckets and counts grow) and commits one scrape of them per invocation, 15 s
 * after its previous one, passing the series refs (the scrape cache's path). Scores are per sample
 * in throughput mode, so {@code append2} (2 threads) reports the sum of both threads' samples/s.
 * A fresh TSDB is opened for every iteration.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {Flags.ADD_OPENS_REFLECT, Flags.ADD_OPENS_NIO, Flags.ADD_EXPORTS_REF,
        Flags.ADD_EXPORTS_MISC, "-Xmx4g"})
public class HeadAppendThreadsBench {
    static final int PER_THREAD = 10_000;
    static final int MAX_THREADS = 2;

    @State(Scope.Benchmark)
    public static class Db {
        Labels[] labels;
        double[][] steps;
        Path dir;
        Tsdb tsdb;
        final AtomicInteger nextSlice = new AtomicInteger();
        /**
         * Scrape times, shared by the threads: with a clock per thread the faster thread ran more than
         * an hour of samples ahead of the slower one within an iteration, whose samples then fell
         * below the head's appendable window and append2 died with OutOfBounds (JMH then reported
         * the iterations before it only).
         */
        final AtomicLong clock = new AtomicLong();

        @Setup(Level.Trial)
        public void model() {
            int n = PER_THREAD * MAX_THREADS;
            SeriesModel m = new SeriesModel(n, 1);
            labels = BenchData.labels(m);
            // 64 steps of the model's values; threads walk them and keep going with the last deltas,
            // so counters never reset and gauges keep their two decimals.
            steps = new double[64][n];
            for (int k = 0; k < steps.length; k++) {
                for (int s = 0; s < n; s++) {
                    steps[k][s] = m.value(s);
                }
                m.advance();
            }
        }

        @Setup(Level.Iteration)
        public void open() throws IOException {
            dir = Files.createTempDirectory("sextant-bench-head-threads");
            tsdb = Tsdb.open(dir, TsdbOptions.defaults().withBackgroundCompaction(false).withRetention(0));
            nextSlice.set(0);
            clock.set(System.currentTimeMillis() - 3_600_000L);
        }

        @TearDown(Level.Iteration)
        public void close() throws IOException {
            tsdb.close();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @State(Scope.Thread)
    public static class Slice {
        int from;
        long[] refs = new long[PER_THREAD];
        /** The head's instance of each series' labels once its ref is known (as the scrape cache keeps it), else null. */
        Labels[] labels = new Labels[PER_THREAD];
        double[] values = new double[PER_THREAD];
        double[] deltas = new double[PER_THREAD];
        int step;

        @Setup(Level.Iteration)
        public void take(Db db) {
            from = (db.nextSlice.getAndIncrement() % MAX_THREADS) * PER_THREAD;
            java.util.Arrays.fill(refs, 0);
            java.util.Arrays.fill(labels, null);
            step = 0;
        }

        /** The values of the next scrape: the model's steps, then the last step's deltas again and again. */
        void next(Db db) {
            if (step < db.steps.length) {
                System.arraycopy(db.steps[step], from, values, 0, PER_THREAD);
                if (step > 0) {
                    for (int i = 0; i < PER_THREAD; i++) {
                        deltas[i] = Math.round((db.steps[step][from + i] - db.steps[step - 1][from + i]) * 100) / 100.0;
                    }
                }
            } else {
                for (int i = 0; i < PER_THREAD; i++) {
                    values[i] = Math.round((values[i] + Math.abs(deltas[i])) * 100) / 100.0;
                }
            }
            step++;
        }
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(PER_THREAD)
    public long append1(Db db, Slice sl) {
        return scrape(db, sl);
    }

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(PER_THREAD)
    public long append2(Db db, Slice sl) {
        return scrape(db, sl);
    }

    static long scrape(Db db, Slice sl) {
        sl.next(db);
        long t = db.clock.addAndGet(15_000);
        Appender app = db.tsdb.appender();
        long last = 0;
        for (int i = 0; i < PER_THREAD; i++) {
            Labels l = sl.labels[i];
            if (l == null) {
                l = db.labels[sl.from + i];
            }
            last = app.append(sl.refs[i], l, t, sl.values[i]);
            if (sl.refs[i] != last) {
                // Keep the head's own instance with the ref, as the scrape cache and the
                // remote-write receiver do: a ref with another instance costs a full label compare.
                sl.refs[i] = last;
                sl.labels[i] = app.storedLabels(last);
            }
        }
        app.commit();
        return last;
    }
}
