package dev.sextant.tsdb.head;

import dev.sextant.tsdb.block.ChunkDeletion;
import dev.sextant.tsdb.block.Tombstones;
import dev.sextant.tsdb.chunk.ChunkMeta;
import dev.sextant.tsdb.chunk.SeriesChunks;
import dev.sextant.tsdb.encoding.Encbuf;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.query.IndexReader;
import dev.sextant.tsdb.query.PostingsForMatchers;
import dev.sextant.tsdb.storage.Appendable;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.Queryable;
import dev.sextant.tsdb.wal.Checkpoint;
import dev.sextant.tsdb.wal.Records;
import dev.sextant.tsdb.wal.Wal;
import dev.sextant.tsdb.wal.WalCorruptionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory head of the TSDB: recent samples of every series, backed by the WAL.
 *
 * <p>Writes go through {@link #appender()}: a commit logs the samples to the WAL (series records
 * are logged when a series is created, so they always precede its samples) and then appends them
 * to the series' chunks. Full chunks live off-heap in a {@code ChunkSlab} or in memory-mapped
 * {@code chunks_head} files; the open chunk is on the heap. On open, the chunks found in {@code
 * chunks_head} are loaded (up to the first bad one), then the WAL (checkpoint first, then segments)
 * is replayed: series records pick up their loaded chunks, and only samples after a series' last
 * loaded chunk are re-encoded. A corrupt or torn WAL tail is logged and cut off, never fatal.
 *
 * <p>Thread-safety: thread-safe. Appenders and queriers are single-threaded objects. Chunk memory
 * freed by {@link #truncate(long)} is released only when no querier is open, so open queriers
 * never read freed memory. Lifetime: {@link #close()} releases the WAL and all off-heap memory;
 * queriers must be closed first.
 */
public final class Head implements Appendable, Queryable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Head.class);

    final HeadOptions options;
    final SeriesStripes series;
    final MemPostings postings = new MemPostings();
    final HeadStats stats = new HeadStats();
    /** Appenders' arrays and encoding scratch, reused across commits. */
    final HeadAppender.Pool appendBuffers = new HeadAppender.Pool(4 * Runtime.getRuntime().availableProcessors());
    final ChunkStore slab;
    final AtomicLong lastRef = new AtomicLong();
    private final AtomicLong minTime = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong maxTime = new AtomicLong(Long.MIN_VALUE);
    volatile long minValidTime;
    final Path walDir;
    final Wal wal;
    /** True while the WAL replays (series created then are in the WAL already). */
    boolean replaying;
    private final AtomicInteger readers = new AtomicInteger();
    private final List<long[]> pendingFree = new ArrayList<>();
    private final Object truncateLock = new Object();
    private final AtomicLong truncationEpoch = new AtomicLong();
    /** Postings lookups for {@link #delete}, outside any querier. */
    private final IndexReader index = new IndexReader() {
        @Override
        public long[] allPostings() {
            return postings.get("", "");
        }

        @Override
        public long[] postings(String name, String value) {
            return postings.get(name, value);
        }

        @Override
        public List<String> labelValues(String name) {
            return postings.values(name);
        }

        @Override
        public List<String> labelNames() {
            return postings.names();
        }
    };
    private volatile boolean closed;

    final WalReplayProgress progress;
    /** Set by the WAL replay on open: head chunks taken from chunks_head, WAL samples they already held. */
    long mmappedChunksLoaded;
    long walSamplesSkipped;

    private Head(Path walDir, Path chunksDir, HeadOptions options, long minValidTime, WalReplayProgress progress) {
        this.options = options;
        this.progress = progress != null ? progress : new WalReplayProgress();
        this.slab = chunksDir != null ? new HeadChunkFiles(chunksDir) : new SlabChunkStore();
        this.series = new SeriesStripes(options.stripes());
        this.walDir = walDir;
        this.minValidTime = minValidTime;
        if (walDir != null) {
            try {
                new HeadReplay(this).run();
            } catch (IOException e) {
                slab.close();
                throw new UncheckedIOException(e);
            } catch (RuntimeException e) {
                slab.close();
                throw e;
            }
            this.wal = new Wal(walDir, options.walSegmentSize(), options.walCompression());
        } else {
            this.wal = null;
        }
        this.progress.done();
    }

    /**
     * Opens a head, replaying the WAL in {@code walDir} (null: no WAL, nothing is durable).
     *
     * @param minValidTime samples older than this (the newest block's maxTime) are dropped on replay
     *     and rejected as out of bounds on append
     */
    public static Head open(Path walDir, HeadOptions options, long minValidTime) {
        return new Head(walDir, null, options, minValidTime, null);
    }

    /**
     * Like {@link #open(Path, HeadOptions, long)}, but full chunks are memory-mapped into head chunk
     * files in {@code chunksDir} ({@code chunks_head/}) instead of off-heap memory.
     */
    public static Head open(Path walDir, Path chunksDir, HeadOptions options, long minValidTime) {
        return new Head(walDir, chunksDir, options, minValidTime, null);
    }

    /**
     * Like {@link #open(Path, Path, HeadOptions, long)}, reporting WAL replay progress to {@code
     * progress} (which another thread may poll meanwhile).
     */
    public static Head open(Path walDir, Path chunksDir, HeadOptions options, long minValidTime,
            WalReplayProgress progress) {
        return new Head(walDir, chunksDir, options, minValidTime, progress);
    }

    /** Full chunks the open took from {@code chunks_head} files instead of re-encoding them from the WAL. */
    public long mmappedChunksLoaded() {
        return mmappedChunksLoaded;
    }

    /** WAL samples the open skipped because a chunk loaded from {@code chunks_head} held them. */
    public long walSamplesSkipped() {
        return walSamplesSkipped;
    }

    /** Progress of the WAL replay done by open ({@code "done"} once open returned). */
    public WalReplayProgress.Status walReplayStatus() {
        return progress.get();
    }

    public HeadOptions options() {
        return options;
    }

    /** Smallest sample timestamp in the head, or {@code Long.MAX_VALUE} when empty. */
    public long minTime() {
        return minTime.get();
    }

    /** Largest sample timestamp in the head, or {@code Long.MIN_VALUE} when empty. */
    public long maxTime() {
        return maxTime.get();
    }

    public boolean isEmpty() {
        return maxTime.get() == Long.MIN_VALUE;
    }

    public int numSeries() {
        return series.size();
    }

    public long minValidTime() {
        return minValidTime;
    }

    /** Samples older than this are out of bounds (Prometheus: half a chunk range behind the newest). */
    long appendableMinValidTime() {
        long mv = minValidTime;
        long mx = maxTime.get();
        if (mx == Long.MIN_VALUE) {
            return mv;
        }
        return Math.max(mv, mx - options.chunkRange() / 2);
    }

    @Override
    public Appender appender() {
        if (closed) {
            throw new IllegalStateException("head closed");
        }
        return new HeadAppender(this);
    }

    @Override
    public Querier querier(long mint, long maxt) {
        if (closed) {
            throw new IllegalStateException("head closed");
        }
        readers.incrementAndGet();
        return new HeadQuerier(this, mint, maxt);
    }

    void querierClosed() {
        readers.decrementAndGet();
        releasePending();
    }

    private void releasePending() {
        synchronized (pendingFree) {
            if (readers.get() != 0 || pendingFree.isEmpty()) {
                return;
            }
            for (long[] handles : pendingFree) {
                for (long h : handles) {
                    slab.free(h);
                }
            }
            pendingFree.clear();
        }
    }

    SeriesStripes.Lookup getOrCreate(Labels labels) {
        return series.getOrCreate(labels, this::newSeries, this::onCreate, lastRef::incrementAndGet);
    }

    /** Runs under the series' stripe lock: indexes the series, which keeps the index's interned label strings. */
    MemSeries newSeries(long ref, Labels labels) {
        MemSeries s = new MemSeries(ref, postings.add(ref, labels));
        // A series replayed from the WAL is in it already; a new one is logged by its first commit.
        s.walLogged = replaying;
        return s;
    }

    /** Runs under the series' stripe lock, before anyone else can see the new series. */
    void onCreate(MemSeries s) {
        stats.seriesCreated.increment();
    }

    /** Publishes new min and max sample times after a commit. */
    void updateTimes(long lo, long hi) {
        long cur;
        while (lo < (cur = minTime.get()) && !minTime.compareAndSet(cur, lo)) {
            // retry
        }
        while (hi > (cur = maxTime.get()) && !maxTime.compareAndSet(cur, hi)) {
            // retry
        }
    }

    /**
     * Logs a commit: first one series record for every series among {@code series[fresh[..]]}
     * that is not in the WAL yet (as Prometheus logs a commit's new series together, so their
     * labels compress together), then the commit's sample records, prepared by the appender outside
     * this lock, then a flush to the OS. Runs under the WAL's lock, so a series record always
     * precedes the first samples of its series, whichever appender commits them first; a series
     * whose appender rolled back is never logged.
     */
    void logCommit(MemSeries[] series, int[] fresh, int nFresh, Encbuf enc, Wal.Prepared[] records, int nRecords) {
        synchronized (wal) {
            enc.reset();
            int count = 0;
            for (int k = 0; k < nFresh; k++) {
                MemSeries s = series[fresh[k]];
                if (!s.walLogged && !s.walPending) {
                    if (count++ == 0) {
                        enc.putByte(Records.SERIES);
                    }
                    s.walPending = true; // a series can occur more than once in a commit
                    Records.putSeries(enc, s.ref, s.labels);
                }
            }
            if (count > 0) {
                boolean logged = false;
                try {
                    wal.log(enc.array(), 0, enc.len());
                    logged = true;
                } finally {
                    // Marked logged only once the record is in the log buffer; else a retry logs it.
                    for (int k = 0; k < nFresh; k++) {
                        MemSeries s = series[fresh[k]];
                        if (s.walPending) {
                            s.walPending = false;
                            s.walLogged = logged;
                        }
                    }
                }
            }
            for (int r = 0; r < nRecords; r++) {
                wal.logPrepared(records[r]);
            }
            wal.flush();
        }
    }

    /**
     * Deletes the samples in {@code [mint, maxt]} (closed) of every series matching all matchers:
     * each interval, clipped to the series' current time span, is logged to the WAL as a tombstone
     * record (and synced) before it is applied, so it survives restarts and checkpoints. Queries
     * and blocks cut from the head afterwards no longer see those samples. Thread-safe.
     *
     * @return the number of series that received a tombstone
     */
    public int delete(long mint, long maxt, Matcher... matchers) {
        if (closed) {
            throw new IllegalStateException("head closed");
        }
        if (mint > maxt) {
            return 0;
        }
        long[] refs = PostingsForMatchers.select(index, matchers);
        Records.TombstoneBatch batch = new Records.TombstoneBatch();
        List<MemSeries> hit = new ArrayList<>();
        for (long ref : refs) {
            MemSeries s = series.getByRef(ref);
            if (s == null) {
                continue;
            }
            synchronized (s) {
                long lo = Math.max(mint, s.minTime());
                long hi = Math.min(maxt, s.lastT);
                if (s.lastT == Long.MIN_VALUE || lo > hi) {
                    continue;
                }
                batch.add(ref, lo, hi);
                hit.add(s);
            }
        }
        if (batch.size == 0) {
            return 0;
        }
        if (wal != null) {
            Encbuf enc = new Encbuf(16 + batch.size * 24);
            Records.encodeTombstones(enc, batch);
            wal.log(enc.array(), 0, enc.len());
            syncWal();
        }
        for (int i = 0; i < batch.size; i++) {
            MemSeries s = hit.get(i);
            synchronized (s) {
                s.deleted = Tombstones.addInterval(s.deleted, batch.mints[i], batch.maxts[i]);
            }
        }
        return batch.size;
    }

    /** Flushes and fsyncs the WAL. */
    void syncWal() {
        wal.sync();
    }

    // ---------------------------------------------------------------------------------------------
    // Truncation and block cutting

    /**
     * Removes data older than {@code mint} (it has been persisted in a block): drops chunks that end
     * before it, collects series left empty, raises the minimum valid time, then checkpoints the WAL
     * and deletes the segments the checkpoint covers.
     */
    public void truncate(long mint) {
        synchronized (truncateLock) {
            truncationEpoch.incrementAndGet();
            if (mint > minValidTime) {
                minValidTime = mint;
            }
            MemSeries.HandleList freed = new MemSeries.HandleList();
            List<MemSeries> removed = new ArrayList<>();
            long newMin = Long.MAX_VALUE;
            long chunksBefore = 0;
            long chunksAfter = 0;
            for (MemSeries s : series.all()) {
                synchronized (s) {
                    chunksBefore += s.chunkCount();
                    boolean empty = s.truncateBefore(mint, freed);
                    chunksAfter += s.chunkCount();
                    if (empty) {
                        s.removed = true;
                        removed.add(s);
                    } else {
                        newMin = Math.min(newMin, s.minTime());
                    }
                }
            }
            long[] refs = new long[removed.size()];
            List<Labels> labels = new ArrayList<>(removed.size());
            for (int i = 0; i < refs.length; i++) {
                MemSeries s = removed.get(i);
                series.remove(s);
                refs[i] = s.ref;
                labels.add(s.labels);
            }
            Arrays.sort(refs);
            postings.delete(refs, labels);
            stats.chunks.add(chunksAfter - chunksBefore);
            stats.seriesRemoved.add(removed.size());
            stats.truncations.increment();
            synchronized (pendingFree) {
                pendingFree.add(Arrays.copyOf(freed.a, freed.n));
            }
            releasePending();
            slab.truncated();
            if (newMin == Long.MAX_VALUE) {
                minTime.set(Long.MAX_VALUE);
                maxTime.set(Long.MIN_VALUE);
            } else {
                // Data before mint now lives in a block; a chunk straddling mint may still hold
                // older samples, which queries deduplicate against the block.
                minTime.set(Math.max(newMin, mint));
            }
            if (wal != null) {
                checkpoint(mint);
            }
            LOG.info("head truncated before {}: {} series removed, {} chunks freed", mint, removed.size(), freed.n);
        }
    }

    private void checkpoint(long mint) {
        try {
            wal.nextSegment();
            List<Integer> segs = Wal.segments(walDir);
            if (segs.size() < 2) {
                return;
            }
            int first = segs.get(0);
            int last = segs.get(segs.size() - 1) - 1;
            last = first + (last - first) * 2 / 3;
            if (last <= first) {
                return;
            }
            Checkpoint.create(walDir, first, last, ref -> series.getByRef(ref) != null, mint, options.walCompression());
            wal.truncateBefore(last + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (WalCorruptionException e) {
            LOG.warn("WAL checkpoint abandoned: {}", e.getMessage());
        }
    }

    /**
     * The head's series with their chunks overlapping {@code [mint, maxt)} (maxt exclusive), sorted
     * by labels, loaded one series at a time. Chunk bytes are copies. Chunks are not clipped: the
     * block writer re-encodes any chunk that reaches outside the range.
     */
    public Iterator<SeriesChunks> chunksForRange(long mint, long maxt) {
        List<MemSeries> all = series.all();
        all.sort((a, b) -> a.labels.compareTo(b.labels));
        readers.incrementAndGet();
        return new Iterator<>() {
            int i;
            SeriesChunks next;
            boolean released;

            @Override
            public boolean hasNext() {
                while (next == null && i < all.size()) {
                    next = load(all.get(i++), mint, maxt);
                }
                if (next == null && !released) {
                    released = true;
                    querierClosed();
                }
                return next != null;
            }

            @Override
            public SeriesChunks next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                SeriesChunks r = next;
                next = null;
                return r;
            }
        };
    }

    private SeriesChunks load(MemSeries s, long mint, long maxt) {
        List<ChunkMeta> out = new ArrayList<>();
        synchronized (s) {
            for (int i = 0; i < s.fullCount; i++) {
                if (s.maxt(i) >= mint && s.mint(i) < maxt) {
                    byte[] b = new byte[slab.length(s.handle(i))];
                    slab.read(s.handle(i), b);
                    out.add(new ChunkMeta(s.mint(i), s.maxt(i), b));
                }
            }
            if (s.chunkOpen() && s.chunkSamples() > 0 && s.openMaxT() >= mint && s.openMinT < maxt) {
                out.add(new ChunkMeta(s.openMinT, s.openMaxT(), s.chunkBytes()));
            }
            if (s.deleted != null && !out.isEmpty()) {
                out = ChunkDeletion.apply(out, s.deleted);
            }
        }
        return out.isEmpty() ? null : new SeriesChunks(s.labels, out);
    }

    /**
     * End of the {@code width}-aligned window holding {@code t}: {@code (t / width) * width + width}
     * with truncating division, as Prometheus computes it (for chunk cutting and head blocks alike).
     */
    public static long rangeEnd(long t, long width) {
        return MemSeries.rangeEnd(t, width);
    }

    /** WAL segment fsyncs so far (0 without a WAL). Thread-safe, lock-free. */
    public long walFsyncCount() {
        return wal == null ? 0 : wal.fsyncCount();
    }

    /** Seconds spent in WAL fsyncs (0 without a WAL). Thread-safe, lock-free. */
    public double walFsyncSeconds() {
        return wal == null ? 0 : wal.fsyncSeconds();
    }

    /**
     * Truncations started so far (incremented before any data is removed). A reader that saw the
     * same value before and after reading knows no truncation removed data in between.
     */
    public long truncationEpoch() {
        return truncationEpoch.get();
    }

    /** The head's counters (cheap, thread-safe reads). */
    public HeadStats stats() {
        return stats;
    }

    /**
     * Cardinality statistics for {@code /api/v1/status/tsdb}, computed from the postings index
     * (never from samples): the top {@code limit} entries of each list, largest first.
     * Thread-safe; takes the postings read lock for one pass over the label pairs.
     */
    public HeadCardinality cardinality(int limit) {
        long chunks = stats.chunks();
        return postings.cardinality(limit, series.size(), chunks, isEmpty() ? 0 : minTime(), isEmpty() ? 0 : maxTime());
    }

    /** Bytes held for full chunks (off-heap memory, or head chunk file bytes). */
    public long offHeapBytes() {
        return slab.bytes();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (wal != null) {
                wal.close();
            }
        } finally {
            slab.close();
        }
    }
}
