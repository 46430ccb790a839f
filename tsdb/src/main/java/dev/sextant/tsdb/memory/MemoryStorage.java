package dev.sextant.tsdb.memory;

import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.storage.Appendable;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.Queryable;
import dev.sextant.tsdb.storage.SampleIterator;
import dev.sextant.tsdb.storage.SelectHints;
import dev.sextant.tsdb.storage.Series;
import dev.sextant.tsdb.storage.SeriesSet;
import dev.sextant.tsdb.storage.StorageException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A simple, fully in-memory storage: uncompressed sample arrays per series, no durability. It is
 * the reference implementation of the storage contracts for tests and for embedding where nothing
 * must survive a restart.
 *
 * <p>Thread-safety: appends to one series are serialized on that series; readers see a consistent
 * prefix of each series (the sample count is published after the arrays are written).
 */
public final class MemoryStorage implements Appendable, Queryable {
    private final ConcurrentHashMap<Labels, MemSeries> byLabels = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, MemSeries> byRef = new ConcurrentHashMap<>();
    private final AtomicLong nextRef = new AtomicLong(1);

    /** Number of series ever created. */
    public int seriesCount() {
        return byLabels.size();
    }

    @Override
    public Appender appender() {
        return new MemAppender();
    }

    @Override
    public Querier querier(long mint, long maxt) {
        return new MemQuerier(mint, maxt);
    }

    private MemSeries getOrCreate(Labels labels) {
        MemSeries s = byLabels.get(labels);
        if (s != null) {
            return s;
        }
        return byLabels.computeIfAbsent(labels, l -> {
            MemSeries created = new MemSeries(nextRef.getAndIncrement(), l);
            byRef.put(created.ref, created);
            return created;
        });
    }

    static final class MemSeries {
        final long ref;
        final Labels labels;
        long[] ts = new long[16];
        double[] vs = new double[16];
        volatile int count;

        MemSeries(long ref, Labels labels) {
            this.ref = ref;
            this.labels = labels;
        }

        synchronized void check(long t, double v) {
            int n = count;
            if (n == 0) {
                return;
            }
            long last = ts[n - 1];
            if (t < last) {
                throw new StorageException.OutOfOrder();
            }
            if (t == last && Double.doubleToRawLongBits(v) != Double.doubleToRawLongBits(vs[n - 1])) {
                throw new StorageException.DuplicateSample();
            }
        }

        synchronized void add(long t, double v) {
            int n = count;
            if (n > 0) {
                long last = ts[n - 1];
                if (t < last) {
                    throw new StorageException.OutOfOrder();
                }
                if (t == last) {
                    // Same timestamp and value: a no-op, like Prometheus; other value: duplicate.
                    if (Double.doubleToRawLongBits(v) != Double.doubleToRawLongBits(vs[n - 1])) {
                        throw new StorageException.DuplicateSample();
                    }
                    return;
                }
            }
            if (n == ts.length) {
                ts = Arrays.copyOf(ts, n * 2);
                vs = Arrays.copyOf(vs, n * 2);
            }
            ts[n] = t;
            vs[n] = v;
            count = n + 1;
        }
    }

    private final class MemAppender implements Appender {
        private MemSeries[] series = new MemSeries[64];
        private long[] ts = new long[64];
        private double[] vs = new double[64];
        private int n;
        private boolean done;

        @Override
        public long append(long ref, Labels labels, long t, double v) {
            if (done) {
                throw new IllegalStateException("appender already committed or rolled back");
            }
            MemSeries s = ref != 0 ? byRef.get(ref) : null;
            if (s == null || !s.labels.equals(labels)) {
                validate(labels);
                s = getOrCreate(labels);
            }
            s.check(t, v);
            if (n == series.length) {
                series = Arrays.copyOf(series, n * 2);
                ts = Arrays.copyOf(ts, n * 2);
                vs = Arrays.copyOf(vs, n * 2);
            }
            series[n] = s;
            ts[n] = t;
            vs[n] = v;
            n++;
            return s.ref;
        }

        @Override
        public void commit() {
            done = true;
            for (int i = 0; i < n; i++) {
                try {
                    series[i].add(ts[i], vs[i]);
                } catch (StorageException e) {
                    // A concurrent appender won the race for this timestamp; Prometheus drops such samples too.
                }
            }
            n = 0;
        }

        @Override
        public void rollback() {
            done = true;
            n = 0;
        }
    }

    static void validate(Labels labels) {
        if (labels.isEmpty()) {
            throw new StorageException.InvalidLabels("empty labelset");
        }
        for (int i = 1; i < labels.size(); i++) {
            if (labels.name(i).equals(labels.name(i - 1))) {
                throw new StorageException.InvalidLabels("label name \"" + labels.name(i) + "\" is not unique");
            }
        }
    }

    private final class MemQuerier implements Querier {
        private final long mint;
        private final long maxt;

        MemQuerier(long mint, long maxt) {
            this.mint = mint;
            this.maxt = maxt;
        }

        private List<MemSeries> matching(Matcher... matchers) {
            List<MemSeries> out = new ArrayList<>();
            for (MemSeries s : byLabels.values()) {
                if (matchesAll(s.labels, matchers) && hasSamplesInRange(s)) {
                    out.add(s);
                }
            }
            return out;
        }

        private boolean hasSamplesInRange(MemSeries s) {
            int n = s.count;
            return n > 0 && s.ts[0] <= maxt && s.ts[n - 1] >= mint;
        }

        @Override
        public SeriesSet select(boolean sorted, SelectHints hints, Matcher... matchers) {
            List<MemSeries> list = matching(matchers);
            if (sorted) {
                list.sort((a, b) -> a.labels.compareTo(b.labels));
            }
            return new SeriesSet() {
                int i = -1;

                @Override
                public boolean next() {
                    return ++i < list.size();
                }

                @Override
                public Series at() {
                    MemSeries s = list.get(i);
                    int count = s.count;
                    long[] ts;
                    double[] vs;
                    synchronized (s) {
                        ts = s.ts;
                        vs = s.vs;
                    }
                    return new ArraySeries(s.labels, ts, vs, count, mint, maxt);
                }
            };
        }

        @Override
        public List<String> labelNames(Matcher... matchers) {
            TreeSet<String> names = new TreeSet<>();
            for (MemSeries s : matching(matchers)) {
                for (int i = 0; i < s.labels.size(); i++) {
                    names.add(s.labels.name(i));
                }
            }
            return new ArrayList<>(names);
        }

        @Override
        public List<String> labelValues(String name, Matcher... matchers) {
            TreeSet<String> values = new TreeSet<>();
            for (MemSeries s : matching(matchers)) {
                String v = s.labels.get(name);
                if (!v.isEmpty()) {
                    values.add(v);
                }
            }
            return new ArrayList<>(values);
        }

        @Override
        public void close() {}
    }

    static boolean matchesAll(Labels labels, Matcher[] matchers) {
        for (Matcher m : matchers) {
            if (!m.matches(labels.get(m.name()))) {
                return false;
            }
        }
        return true;
    }

    /** A series view over a snapshot of arrays, clipped to [mint, maxt]. */
    private record ArraySeries(Labels labels, long[] ts, double[] vs, int count, long mint, long maxt)
            implements Series {
        @Override
        public SampleIterator iterator(SampleIterator reuse) {
            ArrayIterator it = reuse instanceof ArrayIterator a ? a : new ArrayIterator();
            it.reset(ts, vs, count, mint, maxt);
            return it;
        }
    }

    private static final class ArrayIterator implements SampleIterator {
        private long[] ts;
        private double[] vs;
        private int end;
        private int i;
        private long maxt;

        void reset(long[] ts, double[] vs, int count, long mint, long maxt) {
            this.ts = ts;
            this.vs = vs;
            this.maxt = maxt;
            int lo = Arrays.binarySearch(ts, 0, count, mint);
            this.i = (lo >= 0 ? lo : -lo - 1) - 1;
            this.end = count;
        }

        @Override
        public boolean next() {
            if (i + 1 < end && ts[i + 1] <= maxt) {
                i++;
                return true;
            }
            i = end;
            return false;
        }

        @Override
        public boolean seek(long t) {
            if (i >= end) {
                return false;
            }
            if (i >= 0 && ts[i] >= t) {
                return true;
            }
            while (next()) {
                if (ts[i] >= t) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public long atT() {
            return ts[i];
        }

        @Override
        public double atV() {
            return vs[i];
        }
    }
}
