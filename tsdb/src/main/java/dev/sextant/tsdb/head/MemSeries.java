package dev.sextant.tsdb.head;

import dev.sextant.tsdb.chunk.XorChunk;
import dev.sextant.tsdb.chunk.XorEncoder;
import dev.sextant.tsdb.chunk.XorIterator;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.SeriesHandle;
import java.util.Arrays;

/**
 * One series in the head: its full chunks (stored off-heap in the head's {@link ChunkStore}) and the
 * open chunk being appended to, cut by Prometheus's rules so blocks look alike:
 * a new chunk starts when there is none, when the open one exceeds 1005 bytes, holds twice the
 * target sample count, or the sample reaches {@code nextAt} (the next 2h-aligned boundary, pulled
 * in once the chunk holds a quarter of the target so chunks fill evenly).
 *
 * <p>The open chunk is the series itself: it extends {@link XorEncoder}, whose fields hold the
 * chunk's bytes and encoder state, so a series with an open chunk is two objects (this and the byte
 * array) rather than five (with XorChunk, BitWriter and XorAppender).
 *
 * <p>It is also the {@link SeriesHandle} appenders hand out: callers that keep it (the scrape
 * cache) reach the series without the ref map (see {@link HeadAppender#prefetch}).
 *
 * <p>Thread-safety: every field is guarded by the series' monitor ({@code synchronized (series)}).
 */
final class MemSeries extends XorEncoder implements SeriesHandle {
    static final int MAX_CHUNK_BYTES = 1024 - 19;

    final long ref;
    final Labels labels;

    private static final long[] NONE = new long[0];


    // Full (immutable) chunks, oldest first, as (handle, mint, maxt) triples in one array (one
    // object and one header per series instead of three), grown one chunk at a time (a series cuts
    // a chunk every ~30 min, and truncation keeps the capacity, so this rarely reallocates and holds
    // no slack); the shared empty array until the first chunk is full, so a young series (most of a
    // remote-write or scrape burst) carries no per-series chunk array.
    private long[] chunks = NONE;
    int fullCount;

    long openMinT;
    // The open chunk's newest sample time is lastT (see openMaxT()): no field of its own.
    long nextAt = Long.MIN_VALUE;
    /**
     * Sample count of the open chunk at which {@link #append} must take its slow path (a count
     * rule may apply); 0 while no chunk is open, so the first sample of a chunk takes it too.
     */
    int slowAt;

    /** Newest sample's time; written under the lock, read racily by appenders ({@link #lastTimestamp}). */
    long lastT = Long.MIN_VALUE;
    long lastVBits;
    /** Set when the last sample is the end of a chunk loaded from chunks_head: lastVBits is not known until decoded. */
    boolean lastVUnknown;
    /**
     * End of the chunks loaded from chunks_head on open (WAL replay skips samples up to it), else
     * Long.MIN_VALUE. Written and read only by the replaying thread.
     */
    long mmMaxT = Long.MIN_VALUE;
    /**
     * Set (under the series lock) when truncation collects the series; appenders then look it up
     * again, at append (racy read) and at commit (under the lock, before appending).
     */
    boolean removed;
    /**
     * Whether the WAL holds this series' record. Written under the WAL's lock (not the series'), see
     * Head.logCommit; appenders read it racily (once true it stays true) to skip series known to be logged.
     */
    boolean walLogged;
    /** Scratch of Head.logCommit, under the WAL's lock. */
    boolean walPending;
    /**
     * Deleted closed intervals {@code [min0, max0, ...]} (sorted, merged), or null. Replaced, never
     * mutated, so queriers may keep the array they snapshotted.
     */
    long[] deleted;

    MemSeries(long ref, Labels labels) {
        this.ref = ref;
        this.labels = labels;
    }

    /** Slab handle of full chunk {@code i} ({@code i < fullCount}). */
    long handle(int i) {
        return chunks[3 * i];
    }

    /** First sample time of full chunk {@code i}. */
    long mint(int i) {
        return chunks[3 * i + 1];
    }

    /** Last sample time of full chunk {@code i}. */
    long maxt(int i) {
        return chunks[3 * i + 2];
    }

    /**
     * Last sample time of the open chunk (valid while {@link #chunkOpen()} with samples): every
     * append to the open chunk sets {@link #lastT} to its time, and nothing else sets it while a
     * chunk is open, so the two are always equal.
     */
    long openMaxT() {
        return lastT;
    }

    /** Full chunks {@code [from, to)} as (handle, mint, maxt) triples, a copy. */
    long[] copyChunks(int from, int to) {
        return Arrays.copyOfRange(chunks, 3 * from, 3 * to);
    }

    /**
     * {@link #lastT} without the series' lock, for appenders: a sample newer than it is accepted at
     * once (commit re-checks under the lock), anything else is judged under the lock. So a stale
     * value, or even a torn one (the JLS allows tearing plain longs; 64-bit HotSpot never does), can
     * only send a sample down the exact path or to the commit's re-check, never to a wrong verdict.
     * A plain read: with an opaque VarHandle read, a profile of the append path showed the
     * VarHandle's guard frames (15-25 % of samples, partly the series' cache miss charged there).
     */
    long lastTimestamp() {
        return lastT;
    }

    /** Whether a sample at {@code t} with value bits {@code bits} would be accepted (0), a no-op (1), OOO (-1) or duplicate (-2). */
    int check(long t, long bits, ChunkStore store) {
        if (lastT == Long.MIN_VALUE || t > lastT) {
            return 0;
        }
        if (t < lastT) {
            return -1;
        }
        if (lastVUnknown) {
            resolveLastValue(store);
        }
        return bits == lastVBits ? 1 : -2;
    }

    /** Decodes the last full chunk for its last value (rare: a same-timestamp append right after a restart). */
    private void resolveLastValue(ChunkStore store) {
        long h = handle(fullCount - 1);
        byte[] b = new byte[store.length(h)];
        int len = store.read(h, b);
        XorIterator it = new XorIterator().reset(b, 0, len);
        while (it.next()) {
            lastVBits = it.atVBits();
        }
        lastVUnknown = false;
    }

    /**
     * Takes the chunks {@code m.handles[from..m.n)} loaded from chunks_head as this series' full
     * chunks (the series must hold none yet): its last sample is the end of the last one.
     */
    void attachMapped(MappedChunks m, int from) {
        int n = m.n - from;
        chunks = new long[3 * n];
        for (int i = 0; i < n; i++) {
            chunks[3 * i] = m.handles[from + i];
            chunks[3 * i + 1] = m.mints[from + i];
            chunks[3 * i + 2] = m.maxts[from + i];
        }
        fullCount = n;
        lastT = maxt(n - 1);
        lastVUnknown = true;
        mmMaxT = lastT;
    }

    /**
     * Appends a sample already checked with {@link #check}; returns true when it was appended.
     * Samples that are not strictly newer are silently dropped (a concurrent appender won).
     *
     * <p>The common case (a chunk is open and no cut rule applies) is decided by one branch on a
     * branch-free test, and everything else (the first chunk, the quarter-full end-time estimate,
     * cuts) lives in {@link #appendSlow}. With the rules as separate branches, C2 compiled this
     * method (and the commit loop it is inlined into) before any series had cut a chunk, turned
     * the never-seen branches into uncommon traps, and threw the code away when the first series
     * reached them: two recompilations of the append path in the first second of ingestion. The
     * single branch is taken by every new series' first sample, so its profile is never empty.
     * (C2 still inlines {@code appendSlow} and may trap on its quarter-mark branch, unseen at
     * compile time: bench/README.md, "Head append, branch append3".)
     */
    boolean append(long t, long bits, long chunkRange, int samplesPerChunk, ChunkStore slab) {
        if (lastT != Long.MIN_VALUE && t <= lastT) {
            return false;
        }
        // Each term is negative while its rule allows appending to the open chunk; the sample takes
        // the fast path only when all are (their AND is negative).
        long countOk = chunkSamples() - (long) slowAt; // slowAt is 0 while no chunk is open
        long timeOk = t - nextAt;
        timeOk ^= (t ^ nextAt) & (t ^ timeOk); // t - nextAt overflowed: the sign was wrong, flip it
        long sizeOk = chunkLength() - (long) (MAX_CHUNK_BYTES + 1);
        if ((countOk & timeOk & sizeOk) >= 0) {
            appendSlow(t, bits, chunkRange, samplesPerChunk, slab);
            return true;
        }
        appendSample(t, bits);
        lastVBits = bits;
        lastVUnknown = false;
        lastT = t;
        return true;
    }

    /** {@link #append} when no chunk is open or a count, time or size rule may apply. */
    private void appendSlow(long t, long bits, long chunkRange, int samplesPerChunk, ChunkStore slab) {
        if (!chunkOpen()) {
            cut(t, chunkRange, slab);
        } else {
            int n = chunkSamples();
            if (n == samplesPerChunk / 4) {
                nextAt = computeChunkEndTime(openMinT, openMaxT(), nextAt);
            }
            if (chunkLength() > MAX_CHUNK_BYTES || t >= nextAt || n >= 2 * samplesPerChunk || n >= XorChunk.MAX_SAMPLES) {
                cut(t, chunkRange, slab);
            }
        }
        // The next sample count at which a count rule may apply: the quarter-full estimate (taken
        // when the chunk holds exactly samplesPerChunk / 4) or the count limits.
        int n = chunkSamples();
        int quarter = samplesPerChunk / 4;
        int limit = Math.min(2 * samplesPerChunk, XorChunk.MAX_SAMPLES);
        slowAt = n < quarter ? Math.min(quarter, limit) : limit;
        appendSample(t, bits);
        lastVBits = bits;
        lastVUnknown = false;
        lastT = t;
    }

    /** Spreads the rest of the window evenly: aims at about 4x the samples seen so far per chunk. */
    static long computeChunkEndTime(long start, long cur, long nextAt) {
        double n = (double) (nextAt - start) / ((double) (cur - start + 1) * 4);
        if (n <= 1) {
            return nextAt;
        }
        return (long) (start + (nextAt - start) / Math.floor(n));
    }

    static long rangeEnd(long t, long width) {
        return (t / width) * width + width;
    }

    private void cut(long t, long chunkRange, ChunkStore slab) {
        // The next chunk will likely be about as long as this one: size its array for that (plus a
        // little), instead of doubling from 32 bytes (three array copies per chunk of a counter).
        int prev = chunkOpen() ? chunkLength() : 0;
        freezeOpen(slab);
        startChunk(prev + 16);
        openMinT = t;
        nextAt = rangeEnd(t, chunkRange);
    }

    /** Moves the open chunk (if any) to the full chunks. */
    void freezeOpen(ChunkStore slab) {
        if (!chunkOpen() || chunkSamples() == 0) {
            return;
        }
        long openMaxT = openMaxT();
        if (3 * fullCount == chunks.length) {
            chunks = Arrays.copyOf(chunks, 3 * (fullCount + 1));
        }
        // A store with files keeps each series' chunks there as an unbroken prefix: once one went to
        // memory (disk full), later ones follow it, else a restart would load the later chunks from
        // the files and skip the WAL samples of the missing one.
        int at = 3 * fullCount;
        chunks[at] = fullCount > 0 && handle(fullCount - 1) < 0
                ? slab.addInMemory(ref, openMinT, openMaxT, chunkBuffer(), 0, chunkLength())
                : slab.add(ref, openMinT, openMaxT, chunkBuffer(), 0, chunkLength());
        chunks[at + 1] = openMinT;
        chunks[at + 2] = openMaxT;
        fullCount++;
        dropChunk();
        slowAt = 0;
    }

    /** Chunks held: full ones plus the open one. */
    int chunkCount() {
        return fullCount + (chunkOpen() ? 1 : 0);
    }

    long minTime() {
        if (fullCount > 0) {
            return mint(0);
        }
        return chunkOpen() ? openMinT : Long.MAX_VALUE;
    }

    /** Drops chunks that end before {@code mint}; their handles go to {@code freed}. Returns whether the series is now empty. */
    boolean truncateBefore(long mint, HandleList freed) {
        int drop = 0;
        while (drop < fullCount && maxt(drop) < mint) {
            freed.add(handle(drop));
            drop++;
        }
        if (drop > 0) {
            System.arraycopy(chunks, 3 * drop, chunks, 0, 3 * (fullCount - drop));
            fullCount -= drop;
        }
        if (fullCount == 0 && chunkOpen() && openMaxT() < mint) {
            dropChunk();
            slowAt = 0;
        }
        return fullCount == 0 && !chunkOpen();
    }

    /** Growable list of slab handles. */
    static final class HandleList {
        long[] a = new long[64];
        int n;

        void add(long h) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = h;
        }
    }
}
