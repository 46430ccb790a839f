package dev.sextant.tsdb.head;

import dev.sextant.tsdb.encoding.Encbuf;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.storage.SeriesHandle;
import dev.sextant.tsdb.storage.StorageException;
import dev.sextant.tsdb.wal.Records;
import dev.sextant.tsdb.wal.Wal;
import java.util.Arrays;

/**
 * Buffers samples and, on commit, logs them to the WAL and then appends them to their series.
 * Ordering is checked on {@link #append} against each series' newest committed sample; a sample
 * that loses a race with a concurrent appender is dropped at commit, as in Prometheus.
 *
 * <p>Cost per sample is what bounds ingestion (scrapes, remote write, {@code tsdb bench write}),
 * so the path is laid out to touch each series once per phase and to take no lock it can avoid:
 * <ul>
 *   <li>{@link #append} reads the series' newest timestamp without its lock: a sample newer than it
 *       is accepted at once (commit re-checks under the lock and drops it if a concurrent appender
 *       got there first, as Prometheus's commit does); only a sample at or before it takes the lock
 *       for the exact verdict (no-op duplicate, duplicate with another value, out of order).
 *       A monitor enter per sample was a quarter of the whole path's CPU (its fence also stalls on
 *       the series' cache misses instead of overlapping them).
 *   <li>Nothing pins a series between append and commit. Truncation may collect a series that
 *       has no samples yet (just created) or only old ones; commit notices ({@code removed} under
 *       the series' lock, where it appends anyway), looks the labels up again (a new series and
 *       ref) and logs those samples once more under the new ref before appending them, so the WAL
 *       still holds every appended sample under a series record that survives checkpoints.
 *   <li>The sample records are encoded and compressed before the WAL's lock is taken; under it
 *       go only the series records of the commit's new series and the copy into pages.
 *   <li>The arrays come from a pool in the head, so a commit of thousands of samples does not
 *       regrow four arrays from 32 entries every time.
 * </ul>
 *
 * <p>Thread-safety: not thread-safe; single use.
 */
final class HeadAppender implements Appender {
    private static final int SAMPLES_PER_RECORD = 10_000;

    private final Head head;
    private Buffers b;
    private int n;
    /** Highest {@link #n} reached: the slots to clear before the buffers go back to the pool. */
    private int used;
    private boolean done;
    private final long minValid;
    /** Last series/labels pair {@link #sameSeriesSlow} confirmed (labels other than the series' own instance). */
    private MemSeries confirmedSeries;
    private Labels confirmedLabels;
    /** Sum of the values {@link #prefetch} read, so the compiler keeps the reads. */
    long prefetched;

    HeadAppender(Head head) {
        this.head = head;
        this.minValid = head.appendableMinValidTime();
    }

    @Override
    public long append(long ref, Labels labels, long t, double v) {
        checkOpen(t);
        return append(ref != 0 ? head.series.getByRefForAppend(ref) : null, labels, t, v);
    }

    /**
     * The plain append without the ref map: a handle is the {@link MemSeries} itself, and it is
     * taken when it still carries {@code ref} (refs are never reused, so that is the right series)
     * and truncation has not collected it ({@code removed}, re-checked under its lock at commit, as
     * for a series found by ref). A series that truncation collected stays reachable through stale
     * handles in callers' caches until they ask for a new one (the appended sample's ref changes).
     */
    @Override
    public long append(SeriesHandle handle, long ref, Labels labels, long t, double v) {
        checkOpen(t);
        MemSeries s;
        if (handle instanceof MemSeries m && m.ref == ref) {
            s = m;
        } else {
            s = ref != 0 ? head.series.getByRefForAppend(ref) : null;
        }
        return append(s, labels, t, v);
    }

    private void checkOpen(long t) {
        if (done) {
            throw new IllegalStateException("appender already committed or rolled back");
        }
        if (t < minValid) {
            head.stats.outOfBounds.increment();
            throw new StorageException.OutOfBounds();
        }
    }

    /** Appends to {@code s}, the series found by ref or handle (null: none), when it is the one for {@code labels}. */
    private long append(MemSeries s, Labels labels, long t, double v) {
        if (s == null || s.removed || (s.labels != labels && !sameSeriesSlow(s, labels))) {
            s = lookup(labels);
        }
        long bits = Double.doubleToRawLongBits(v);
        long last = s.lastTimestamp();
        if (last != Long.MIN_VALUE && t <= last) {
            checkSlow(s, t, bits);
        }
        Buffers buf = b;
        if (buf == null) {
            buf = b = head.appendBuffers.take();
        }
        if (n == buf.series.length) {
            buf.grow();
        }
        buf.series[n] = s;
        buf.refs[n] = s.ref;
        buf.ts[n] = t;
        buf.vs[n] = v;
        if (!s.walLogged) {
            // Racy read: true is final, false is re-checked under the WAL's lock.
            buf.markFresh(n);
        }
        n++;
        if (n > used) {
            used = n;
        }
        return s.ref;
    }

    /** The series for {@code labels}, created (and indexed) when missing; never a collected one. */
    private MemSeries lookup(Labels labels) {
        while (true) {
            MemSeries s = head.series.getByLabels(labels);
            if (s == null) {
                validate(labels);
                s = head.getOrCreate(labels).series();
            }
            if (!s.removed) {
                return s;
            }
            // Truncation collected it and is about to drop it from the maps: look it up again.
            Thread.onSpinWait();
        }
    }

    /** Exact verdict, under the series' lock, for a sample not newer than the series' last one. */
    private void checkSlow(MemSeries s, long t, long bits) {
        int c;
        synchronized (s) {
            c = s.check(t, bits, head.slab);
        }
        if (c == -1) {
            head.stats.outOfOrder.increment();
            throw new StorageException.OutOfOrder();
        }
        if (c == -2) {
            head.stats.duplicate.increment();
            throw new StorageException.DuplicateSample();
        }
    }

    /**
     * Whether a series found by ref is the caller's when the caller passed labels other than the
     * head's own instance (the scrape cache, the remote-write receiver and {@code tsdb bench write}
     * keep that instance, so their appends never get here): the labels must be equal, not only
     * their hash. Refs are never reused, so a ref names another series only when a caller mixes
     * up its refs (a scrape cache entry whose target labels changed, say); with a hash-only check
     * a 32-bit hash collision between the two label sets put the sample into the wrong series.
     * The last confirmed pair is remembered, so a caller appending several samples of one series
     * with its own labels instance (remote write 2.0) compares the label pairs once per appender.
     * Prometheus checks nothing once the ref resolves.
     */
    private boolean sameSeriesSlow(MemSeries s, Labels given) {
        if (s == confirmedSeries && given == confirmedLabels) {
            return true;
        }
        if (!sameSeries(s.labels, given)) {
            return false;
        }
        confirmedSeries = s;
        confirmedLabels = given;
        return true;
    }

    /** Whether {@code given} names the series whose stored labels are {@code stored}: equal label sets. */
    static boolean sameSeries(Labels stored, Labels given) {
        return stored == given || (stored.hashCode() == given.hashCode() && stored.equals(given));
    }

    @Override
    public Labels storedLabels(long ref) {
        MemSeries s = ref != 0 ? head.series.getByRefForAppend(ref) : null;
        return s != null ? s.labels : null;
    }

    @Override
    public SeriesHandle handle(long ref) {
        MemSeries s = ref != 0 ? head.series.getByRefForAppend(ref) : null;
        return s != null && !s.removed ? s : null;
    }

    /**
     * Loads, for each series, the memory its append and commit touch: the object's header (the
     * type check here, the monitor at commit), the newest timestamp and the flags read by {@link
     * #append}, and the open chunk's array where the next sample goes. The loads of different
     * series do not depend on each other, so the processor keeps many of their misses in flight;
     * at commit every series' monitor enter is a fence, behind which a miss would be waited out
     * alone.
     */
    @Override
    public void prefetch(SeriesHandle[] handles, int from, int to) {
        long sum = 0;
        for (int i = from; i < to; i++) {
            if (handles[i] instanceof MemSeries s) {
                sum += s.lastT;
                if (s.removed) {
                    sum++;
                }
                byte[] chunk = s.chunkBuffer();
                if (chunk != null && chunk.length > 0) {
                    sum += chunk[Math.min(s.chunkLength(), chunk.length - 1)];
                }
            }
        }
        prefetched += sum;
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
            while (n > 0) {
                log();
                n = apply();
            }
        } finally {
            release();
        }
    }

    /** Logs the buffered samples (and the series records they need) to the WAL. */
    private void log() {
        if (head.wal == null) {
            return;
        }
        Buffers buf = b;
        try {
            int recs = (n + SAMPLES_PER_RECORD - 1) / SAMPLES_PER_RECORD;
            buf.ensureRecords(recs);
            Encbuf enc = buf.samplesEnc;
            enc.reset();
            int[] ends = buf.recordEnds;
            for (int r = 0; r < recs; r++) {
                int from = r * SAMPLES_PER_RECORD;
                Records.encodeSamples(enc, buf.refs, buf.ts, buf.vs, from, Math.min(n, from + SAMPLES_PER_RECORD));
                ends[r] = enc.len();
            }
            for (int r = 0; r < recs; r++) {
                int start = r == 0 ? 0 : ends[r - 1];
                head.wal.prepare(enc.array(), start, ends[r] - start, buf.records[r]);
            }
            head.logCommit(buf.series, buf.fresh, buf.freshCount, buf.seriesEnc, buf.records, recs);
        } catch (RuntimeException e) {
            throw new StorageException("writing to WAL: " + e.getMessage(), e);
        }
    }

    /**
     * Appends the logged samples to their series. Samples whose series truncation collected in the
     * meantime are moved to the front of the buffers, re-pointed at a live series for the same
     * labels; returns how many (0 almost always), which the caller logs and applies again.
     */
    private int apply() {
        Buffers buf = b;
        MemSeries[] series = buf.series;
        long[] ts = buf.ts;
        double[] vs = buf.vs;
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        long range = head.options.chunkRange();
        int spc = head.options.samplesPerChunk();
        long appended = 0;
        long newChunks = 0;
        int retry = 0;
        for (int i = 0; i < n; i++) {
            MemSeries s = series[i];
            long t = ts[i];
            boolean gone;
            synchronized (s) {
                gone = s.removed;
                if (!gone) {
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
            }
            if (gone) {
                retry = requeue(i, retry);
            }
        }
        if (hi != Long.MIN_VALUE) {
            head.updateTimes(lo, hi);
        }
        head.stats.samplesAppended.add(appended);
        head.stats.chunks.add(newChunks);
        buf.freshCount = 0;
        for (int i = 0; i < retry; i++) {
            if (!series[i].walLogged) {
                buf.markFresh(i);
            }
        }
        return retry;
    }

    /** Moves sample {@code i} (its series collected) to slot {@code to}, under a live series' ref. */
    private int requeue(int i, int to) {
        Buffers buf = b;
        MemSeries s = lookup(buf.series[i].labels);
        buf.series[to] = s;
        buf.refs[to] = s.ref;
        buf.ts[to] = buf.ts[i];
        buf.vs[to] = buf.vs[i];
        return to + 1;
    }

    private void release() {
        n = 0;
        if (b != null) {
            Buffers buf = b;
            b = null;
            buf.clear(used);
            head.appendBuffers.give(buf);
        }
    }

    @Override
    public void rollback() {
        if (done) {
            throw new IllegalStateException("appender already committed or rolled back");
        }
        done = true;
        release();
    }

    /** An appender's arrays and encoding scratch, reused through {@link Pool}. Not thread-safe. */
    static final class Buffers {
        private static final int INITIAL = 1024;
        MemSeries[] series = new MemSeries[INITIAL];
        long[] refs = new long[INITIAL];
        long[] ts = new long[INITIAL];
        double[] vs = new double[INITIAL];
        /** Indices of samples whose series may still need a WAL series record. */
        int[] fresh = new int[64];
        int freshCount;
        final Encbuf samplesEnc = new Encbuf(16 * 1024);
        final Encbuf seriesEnc = new Encbuf(1024);
        int[] recordEnds = new int[1];
        Wal.Prepared[] records = {new Wal.Prepared()};
        /** Id of the thread that gave this buffer back to the pool last (see {@link Pool#take}). */
        long lastUser = -1;

        void grow() {
            int m = series.length * 2;
            series = Arrays.copyOf(series, m);
            refs = Arrays.copyOf(refs, m);
            ts = Arrays.copyOf(ts, m);
            vs = Arrays.copyOf(vs, m);
        }

        void markFresh(int i) {
            if (freshCount == fresh.length) {
                fresh = Arrays.copyOf(fresh, freshCount * 2);
            }
            fresh[freshCount++] = i;
        }

        void ensureRecords(int r) {
            if (records.length < r) {
                int old = records.length;
                records = Arrays.copyOf(records, r);
                for (int i = old; i < r; i++) {
                    records[i] = new Wal.Prepared();
                }
                recordEnds = new int[r];
            }
        }

        /** Clears references (series, record bytes) so a pooled buffer pins no garbage. */
        void clear(int used) {
            Arrays.fill(series, 0, Math.min(used, series.length), null);
            freshCount = 0;
        }

        /** Whether the buffer grew so large (a huge remote-write request) that pooling it would hoard memory. */
        boolean oversized() {
            return series.length > 64 * 1024 || samplesEnc.array().length > 4 << 20 || fresh.length > 64 * 1024;
        }
    }

    /**
     * A small stack of {@link Buffers}; one lock round trip per appender. {@link #take} prefers the
     * buffers the calling thread gave back last: a commit writes tens of KiB into them (four arrays,
     * the record encoder), and with a plain stack two committing threads swapped buffers on every
     * commit (A takes what B just gave back), so every commit first pulled the other core's cache
     * lines over. Thread-safe.
     */
    static final class Pool {
        private final Buffers[] stack;
        private int size;

        Pool(int capacity) {
            stack = new Buffers[capacity];
        }

        Buffers take() {
            long me = Thread.currentThread().getId();
            synchronized (this) {
                if (size == 0) {
                    return new Buffers();
                }
                int i = size - 1;
                while (i > 0 && stack[i].lastUser != me) {
                    i--;
                }
                if (stack[i].lastUser != me) {
                    i = size - 1; // none of ours: the most recently returned
                }
                Buffers b = stack[i];
                System.arraycopy(stack, i + 1, stack, i, size - 1 - i);
                stack[--size] = null;
                return b;
            }
        }

        /** Takes back buffers already {@link Buffers#clear cleared}. */
        void give(Buffers b) {
            if (b.oversized()) {
                return;
            }
            b.lastUser = Thread.currentThread().getId();
            synchronized (this) {
                if (size < stack.length) {
                    stack[size++] = b;
                }
            }
        }

        /** Buffers held (for tests). */
        synchronized int size() {
            return size;
        }
    }
}
