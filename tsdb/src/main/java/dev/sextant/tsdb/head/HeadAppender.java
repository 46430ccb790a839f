package dev.sextant.tsdb.head;

import dev.sextant.tsdb.encoding.Encbuf;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.storage.StorageException;
import java.util.Arrays;

/**
 * Buffers samples and, on commit, logs them to the WAL and then appends them to their series.
 * Ordering is checked on {@link #append} against each series' newest committed sample; a sample
 * that loses a race with a concurrent appender is dropped at commit, as in Prometheus.
 *
 * <p>Thread-safety: not thread-safe; single use.
 */
final class HeadAppender implements Appender {
    private final Head head;
    private MemSeries[] series = new MemSeries[32];
    private long[] refs = new long[32];
    private long[] ts = new long[32];
    private double[] vs = new double[32];
    private int n;
    private boolean done;
    private final long minValid;
    private final Encbuf enc = new Encbuf(1024);

    HeadAppender(Head head) {
        this.head = head;
        this.minValid = head.appendableMinValidTime();
    }

    @Override
    public long append(long ref, Labels labels, long t, double v) {
        if (done) {
            throw new IllegalStateException("appender already committed or rolled back");
        }
        if (t < minValid) {
            head.stats.outOfBounds.increment();
            throw new StorageException.OutOfBounds();
        }
        MemSeries s = ref != 0 ? head.series.getByRefForAppend(ref) : null;
        long bits = Double.doubleToRawLongBits(v);
        while (true) {
            if (s == null || !sameSeries(s.labels, labels)) {
                // Fast path without allocation for known series; create only when missing.
                s = head.series.getByLabels(labels);
                if (s == null) {
                    validate(labels);
                    s = head.getOrCreate(labels).series();
                }
            }
            synchronized (s) {
                if (!s.removed) {
                    int c = s.check(t, bits, head.slab);
                    if (c == -1) {
                        head.stats.outOfOrder.increment();
                        throw new StorageException.OutOfOrder();
                    }
                    if (c == -2) {
                        head.stats.duplicate.increment();
                        throw new StorageException.DuplicateSample();
                    }
                    s.pendingAppends++;
                    break;
                }
            }
            // Truncation collected this series between lookup and lock: look it up (or create it) again.
            s = null;
            Thread.onSpinWait();
        }
        if (n == series.length) {
            int m = n * 2;
            series = Arrays.copyOf(series, m);
            refs = Arrays.copyOf(refs, m);
            ts = Arrays.copyOf(ts, m);
            vs = Arrays.copyOf(vs, m);
        }
        series[n] = s;
        refs[n] = s.ref;
        ts[n] = t;
        vs[n] = v;
        n++;
        return s.ref;
    }

    /**
     * Whether a series found by ref is the caller's: the same instance, or labels with the same
     * cached 32-bit hash. Refs are never reused, so a ref only names another series when a caller
     * mixes up its refs, and the hash catches that; comparing every label pair instead cost about a
     * quarter of the append path's CPU (the caller's labels are rarely the head's own instance).
     * Prometheus checks nothing once the ref resolves.
     */
    static boolean sameSeries(Labels stored, Labels given) {
        return stored == given || stored.hashCode() == given.hashCode();
    }

    @Override
    public Labels storedLabels(long ref) {
        MemSeries s = ref != 0 ? head.series.getByRefForAppend(ref) : null;
        return s != null ? s.labels : null;
    }

    static void validate(Labels labels) {
        if (labels == null || labels.isEmpty()) {
            throw new StorageException.InvalidLabels("empty labelset");
        }
        for (int i = 1; i < labels.size(); i++) {
            if (labels.name(i).equals(labels.name(i - 1))) {
                throw new StorageException.InvalidLabels("label name \"" + labels.name(i) + "\" is not unique");
            }
        }
    }

    @Override
    public void commit() {
        if (done) {
            throw new IllegalStateException("appender already committed or rolled back");
        }
        done = true;
        try {
            head.logSamples(series, refs, ts, vs, n, enc);
        } catch (RuntimeException e) {
            release();
            throw new StorageException("writing to WAL: " + e.getMessage(), e);
        }
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        long range = head.options.chunkRange();
        int spc = head.options.samplesPerChunk();
        long appended = 0;
        long newChunks = 0;
        for (int i = 0; i < n; i++) {
            MemSeries s = series[i];
            long t = ts[i];
            synchronized (s) {
                s.pendingAppends--;
                int before = s.chunkCount();
                if (s.append(t, Double.doubleToRawLongBits(vs[i]), range, spc, head.slab)) {
                    appended++;
                    newChunks += s.chunkCount() - before;
                    if (t < lo) {
                        lo = t;
                    }
                    if (t > hi) {
                        hi = t;
                    }
                }
            }
            series[i] = null;
        }
        if (hi != Long.MIN_VALUE) {
            head.updateTimes(lo, hi);
        }
        head.stats.samplesAppended.add(appended);
        head.stats.chunks.add(newChunks);
        n = 0;
    }

    private void release() {
        for (int i = 0; i < n; i++) {
            synchronized (series[i]) {
                series[i].pendingAppends--;
            }
            series[i] = null;
        }
        n = 0;
    }

    @Override
    public void rollback() {
        if (done) {
            throw new IllegalStateException("appender already committed or rolled back");
        }
        done = true;
        release();
    }
}
