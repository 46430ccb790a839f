package dev.sextant.tsdb.head;

import dev.sextant.tsdb.block.Tombstones;
import dev.sextant.tsdb.storage.StorageException;
import dev.sextant.tsdb.wal.Checkpoint;
import dev.sextant.tsdb.wal.PrefetchingWalReader;
import dev.sextant.tsdb.wal.Records;
import dev.sextant.tsdb.wal.Wal;
import dev.sextant.tsdb.wal.WalCorruptionException;
import dev.sextant.tsdb.wal.WalReader;
import dev.sextant.tsdb.wal.WalRecords;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WAL replay that {@link Head} runs on open: the checkpoint, then the segments. Series records
 * create series, which take the full chunks {@code chunks_head} holds for their ref (see {@link
 * HeadChunkFiles}); samples at or before a series' last loaded chunk are skipped, the others are
 * appended (on {@link ReplayShards} workers on a multi-core machine, with the WAL read on a thread
 * of its own); tombstone records apply after the samples before them. A corrupt or torn WAL tail
 * is logged and cut off; a corrupt checkpoint and native-histogram records are fatal.
 *
 * <p>Thread-safety: single use, on the thread that opens the head.
 */
final class HeadReplay {
    private static final Logger LOG = LoggerFactory.getLogger(Head.class);
    /** Refs at or above this are not in the skip table (their samples are checked on the workers). */
    private static final long SKIP_TABLE_MAX_REF = 1 << 24;

    private final Head h;
    private final Path walDir;
    private final SeriesStripes series;
    private final ChunkStore slab;
    private final HeadOptions options;
    private final HeadStats headStats;
    private final WalReplayProgress progress;
    private final AtomicLong lastRef;
    private final long minValidTime;

    /** Replay workers on a multi-core machine; null otherwise. */
    private ReplayShards shards;
    private long shardsAppendedSeen;
    private long shardsChunksSeen;
    private long shardsSkippedSeen;
    private long shardsUnknownSeen;
    /** WAL refs that name an existing series under another ref (rare), for sharding by the series' ref. */
    private LongObjectMap<MemSeries> aliasRefs;
    /**
     * For each WAL ref below {@link #SKIP_TABLE_MAX_REF}, the end of its series' loaded chunks
     * (samples up to it are skipped while decoding, before sharding), else Long.MIN_VALUE. Refs are
     * handed out sequentially (here and in Prometheus), so the table is dense, small (8 bytes per
     * ref) and cache-friendly, unlike a map lookup per sample.
     */
    private long[] skipUpTo;

    HeadReplay(Head h) {
        this.h = h;
        this.walDir = h.walDir;
        this.series = h.series;
        this.slab = h.slab;
        this.options = h.options;
        this.headStats = h.stats;
        this.progress = h.progress;
        this.lastRef = h.lastRef;
        this.minValidTime = h.minValidTime;
    }

    void run() throws IOException {
        h.replaying = true;
        aliasRefs = new LongObjectMap<>();
        skipUpTo = new long[0];
        try {
            Checkpoint.removeTmp(walDir);
            Checkpoint.Ref cp = Checkpoint.last(walDir);
            int start = 0;
            // Series by the refs the WAL uses (aliases included), for the replaying thread only: no locks.
            LongObjectMap<MemSeries> aliases = new LongObjectMap<>();
            long[] stats = new long[4];
            int threads = ReplayShards.defaultThreads();
            shards = threads > 0 ? new ReplayShards(threads, this::replayOne) : null;
            if (cp != null) {
                WalCorruptionException c = replay(cp.dir(), Wal.segments(cp.dir()), aliases, stats);
                if (c != null) {
                    throw new StorageException("corrupt WAL checkpoint " + cp.dir() + ": " + c.getMessage(), c);
                }
                start = cp.index() + 1;
            }
            List<Integer> segs = new ArrayList<>();
            for (int s : Wal.segments(walDir)) {
                if (s >= start) {
                    segs.add(s);
                }
            }
            progress.start(segs.isEmpty() ? -1 : segs.get(0), segs.isEmpty() ? -1 : segs.get(segs.size() - 1));
            WalCorruptionException c = replay(walDir, segs, aliases, stats);
            if (c != null) {
                LOG.warn("WAL is corrupt; truncating segment {} at offset {} and dropping later data: {}",
                        c.segment(), c.offset(), c.getMessage());
                Wal.repair(walDir, c.segment(), c.offset());
                headStats.walCorruptions.increment();
            }
            long dropped = slab.dropUnclaimed();
            if (dropped > 0) {
                LOG.info("dropped {} head chunks of series the WAL no longer holds", dropped);
            }
            if (slab instanceof HeadChunkFiles f) {
                // Chunks of collected series may still be in the files: never hand their refs out again.
                long cur;
                while (f.maxLoadedRef() > (cur = lastRef.get()) && !lastRef.compareAndSet(cur, f.maxLoadedRef())) {
                    // retry
                }
            }
            if (stats[0] > 0) {
                LOG.warn("WAL replay dropped {} samples of unknown series", stats[0]);
            }
            h.mmappedChunksLoaded = stats[2];
            h.walSamplesSkipped = stats[3];
            LOG.info("WAL replay done: {} series, {} samples re-encoded, {} head chunks loaded from chunks_head,"
                    + " {} WAL samples already in them", series.size(), stats[1], stats[2], stats[3]);
        } finally {
            h.replaying = false;
            aliasRefs = null;
            skipUpTo = null;
            if (shards != null) {
                shards.close();
                shards = null;
            }
        }
    }

    private WalCorruptionException replay(Path dir, List<Integer> segs, LongObjectMap<MemSeries> aliases, long[] stats)
            throws IOException {
        List<Records.RefSeries> rs = new ArrayList<>();
        Records.SampleBatch batch = new Records.SampleBatch();
        Records.TombstoneBatch stones = new Records.TombstoneBatch();
        int lastSeg = -1;
        boolean track = dir.equals(walDir);
        // With replay workers (a multi-core machine), reading and uncompressing runs on a thread of its own too.
        try (WalRecords r = shards != null ? new PrefetchingWalReader(dir, segs) : new WalReader(dir, segs)) {
            while (r.next()) {
                if (track && r.recordSegment() != lastSeg) {
                    lastSeg = r.recordSegment();
                    progress.segment(lastSeg);
                }
                byte[] rec = r.record();
                int len = r.recordLength();
                int type = Records.type(rec, len);
                String err = null;
                if (type == Records.SERIES) {
                    rs.clear();
                    err = Records.decodeSeries(rec, len, rs);
                    for (Records.RefSeries e : rs) {
                        replaySeries(e, aliases, stats);
                    }
                } else if (type == Records.SAMPLES || type == Records.SAMPLES_V2) {
                    batch.clear();
                    err = type == Records.SAMPLES ? Records.decodeSamples(rec, len, batch, skipUpTo)
                            : Records.decodeSamplesV2(rec, len, batch);
                    stats[3] += batch.skipped;
                    replaySamples(batch, aliases, stats);
                } else if (type == Records.TOMBSTONES) {
                    drainShards(stats);
                    stones.size = 0;
                    err = Records.decodeTombstones(rec, len, stones);
                    for (int i = 0; i < stones.size; i++) {
                        MemSeries s = aliases.get(stones.refs[i]);
                        if (s != null) {
                            synchronized (s) {
                                s.deleted = Tombstones.addInterval(s.deleted, stones.mints[i], stones.maxts[i]);
                            }
                        }
                    }
                } else if (type >= 7 && type <= 13 && type != 11) {
                    throw new StorageException("WAL holds native-histogram records (type " + type
                            + "), which this version cannot read; refusing to drop them");
                }
                if (err != null) {
                    drainShards(stats);
                    return new WalCorruptionException(r.recordSegment(), r.recordOffset(), err);
                }
            }
            drainShards(stats);
            return r.corruption();
        }
    }

    /** Waits for the replay workers (if any) and publishes what they appended. */
    private void drainShards(long[] stats) {
        if (shards == null) {
            return;
        }
        shards.drain();
        stats[1] += shards.appended() - shardsAppendedSeen;
        shardsAppendedSeen = shards.appended();
        headStats.chunks.add(shards.newChunks() - shardsChunksSeen);
        shardsChunksSeen = shards.newChunks();
        stats[3] += shards.skipped() - shardsSkippedSeen;
        shardsSkippedSeen = shards.skipped();
        stats[0] += shards.unknown() - shardsUnknownSeen;
        shardsUnknownSeen = shards.unknown();
        if (shards.maxTime() != Long.MIN_VALUE) {
            h.updateTimes(shards.minTime(), shards.maxTime());
        }
    }

    /** One replayed sample on a replay worker: 0 when dropped, SKIPPED when a loaded chunk holds it, else 1 + chunks started. */
    private int replayOne(MemSeries s, long t, long bits) {
        if (t <= s.mmMaxT) {
            return ReplayShards.SKIPPED;
        }
        synchronized (s) {
            int before = s.chunkCount();
            if (!s.append(t, bits, options.chunkRange(), options.samplesPerChunk(), slab)) {
                return 0;
            }
            return 1 + s.chunkCount() - before;
        }
    }

    private void replaySeries(Records.RefSeries e, LongObjectMap<MemSeries> aliases, long[] stats) {
        MemSeries existing = series.getByLabels(e.labels());
        MemSeries s;
        if (existing != null) {
            s = existing;
            // An alias (the same labels logged again under a new ref after the first was collected):
            // its chunks in chunks_head stay unclaimed and are dropped; the WAL replays its samples.
        } else {
            s = series.getOrCreate(e.labels(), h::newSeries, h::onCreate, e::ref).series();
            attachMapped(s, stats);
            if (shards != null) {
                shards.register(s);
            }
        }
        if (e.ref() != 0) {
            aliases.put(e.ref(), s);
            if (e.ref() != s.ref) {
                aliasRefs.put(e.ref(), s);
            }
            if (s.mmMaxT != Long.MIN_VALUE && e.ref() == s.ref && e.ref() > 0 && e.ref() < SKIP_TABLE_MAX_REF) {
                int r = (int) e.ref();
                if (r >= skipUpTo.length) {
                    int n = Math.max(r + 1, skipUpTo.length * 2);
                    int old = skipUpTo.length;
                    skipUpTo = Arrays.copyOf(skipUpTo, n);
                    Arrays.fill(skipUpTo, old, n, Long.MIN_VALUE);
                }
                skipUpTo[r] = s.mmMaxT;
            }
        }
        long cur;
        while (e.ref() > (cur = lastRef.get()) && !lastRef.compareAndSet(cur, e.ref())) {
            // retry
        }
    }

    /**
     * Gives a series just created by replay the chunks chunks_head holds for its ref (those ending
     * before the minimum valid time are freed): the WAL replay then skips its samples up to their
     * end, so only the open chunk is re-encoded.
     */
    private void attachMapped(MemSeries s, long[] stats) {
        MappedChunks m = slab.takeLoaded(s.ref);
        if (m == null) {
            return;
        }
        int from = 0;
        while (from < m.n && m.maxts[from] < minValidTime) {
            slab.free(m.handles[from++]);
        }
        if (from == m.n) {
            return;
        }
        synchronized (s) {
            s.attachMapped(m, from);
        }
        stats[2] += m.n - from;
        headStats.chunks.add(m.n - from);
        // A chunk may straddle the minimum valid time; its older samples are in a block already.
        h.updateTimes(Math.max(m.mints[from], minValidTime), m.lastMaxT());
    }

    private void replaySamples(Records.SampleBatch b, LongObjectMap<MemSeries> aliases, long[] stats) {
        if (shards != null) {
            // Refs are resolved (and samples in loaded chunks skipped) on the workers.
            boolean anyAlias = aliasRefs.size() > 0;
            long[] refs = b.refs;
            long[] ts = b.ts;
            double[] vs = b.vs;
            long[] skip = skipUpTo;
            long minValid = minValidTime;
            long skipped = 0;
            for (int i = 0; i < b.size; i++) {
                long t = ts[i];
                if (t < minValid) {
                    continue;
                }
                long ref = refs[i];
                if (ref >= 0 && ref < skip.length && t <= skip[(int) ref]) {
                    skipped++; // in a chunk loaded from chunks_head already
                    continue;
                }
                if (anyAlias) {
                    MemSeries a = aliasRefs.get(ref);
                    if (a != null) {
                        ref = a.ref;
                    }
                }
                shards.add(ref, t, Double.doubleToRawLongBits(vs[i]));
            }
            stats[3] += skipped;
            return;
        }
        long newChunks = 0;
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        for (int i = 0; i < b.size; i++) {
            MemSeries s = aliases.get(b.refs[i]);
            if (s == null) {
                stats[0]++;
                continue;
            }
            long t = b.ts[i];
            if (t < minValidTime) {
                continue;
            }
            if (t <= s.mmMaxT) {
                stats[3]++; // in a chunk loaded from chunks_head already
                continue;
            }
            boolean added;
            synchronized (s) {
                int before = s.chunkCount();
                added = s.append(t, Double.doubleToRawLongBits(b.vs[i]), options.chunkRange(), options.samplesPerChunk(), slab);
                newChunks += s.chunkCount() - before;
            }
            if (added) {
                stats[1]++;
                lo = Math.min(lo, t);
                hi = Math.max(hi, t);
            }
        }
        if (hi != Long.MIN_VALUE) {
            h.updateTimes(lo, hi);
        }
        headStats.chunks.add(newChunks);
    }
}
