package dev.sextant.tsdb.query;

import dev.sextant.tsdb.chunk.XorIterator;
import dev.sextant.tsdb.storage.SampleIterator;

/**
 * Iterates the samples of a {@link ChunkSet} within {@code [mint, maxt]}, skipping deleted
 * intervals. Chunks outside the range, or entirely before a seek target, are not decoded.
 * Reusable through {@link #reset}; no allocation per sample.
 *
 * <p>Thread-safety: not thread-safe.
 */
public final class ChunkSetIterator implements SampleIterator {
    private final XorIterator xor = new XorIterator();
    private final ByteScratch scratch = new ByteScratch();
    private ChunkSet chunks;
    private long mint;
    private long maxt;
    private long[] deleted;
    private int idx;
    private boolean inChunk;
    private boolean done;
    private boolean positioned;
    private Throwable err;

    public ChunkSetIterator reset(ChunkSet chunks, long mint, long maxt) {
        this.chunks = chunks;
        this.mint = mint;
        this.maxt = maxt;
        this.deleted = chunks.deleted();
        this.idx = -1;
        this.inChunk = false;
        this.done = false;
        this.positioned = false;
        this.err = null;
        return this;
    }

    private boolean openNext(long from) {
        while (++idx < chunks.size()) {
            if (chunks.minT(idx) > maxt) {
                break;
            }
            if (chunks.maxT(idx) < from) {
                continue;
            }
            try {
                chunks.load(idx, scratch);
            } catch (RuntimeException e) {
                err = e;
                return false;
            }
            xor.reset(scratch.b, 0, scratch.len);
            inChunk = true;
            return true;
        }
        return false;
    }

    private boolean isDeleted(long t) {
        long[] d = deleted;
        if (d == null) {
            return false;
        }
        for (int i = 0; i < d.length; i += 2) {
            if (t >= d[i] && t <= d[i + 1]) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean next() {
        return advance(mint);
    }

    private boolean advance(long from) {
        if (done) {
            return false;
        }
        while (true) {
            if (!inChunk && !openNext(from)) {
                done = true;
                positioned = false;
                return false;
            }
            if (!xor.next()) {
                if (xor.error() != null) {
                    err = xor.error();
                    done = true;
                    return false;
                }
                inChunk = false;
                continue;
            }
            long t = xor.atT();
            if (t > maxt) {
                done = true;
                positioned = false;
                return false;
            }
            if (t < from || isDeleted(t)) {
                continue;
            }
            positioned = true;
            return true;
        }
    }

    @Override
    public boolean seek(long t) {
        if (done) {
            return false;
        }
        if (positioned && xor.atT() >= t) {
            return true;
        }
        long target = Math.max(t, mint);
        // Skip whole chunks that end before the target without decoding them.
        if (inChunk && chunks.maxT(idx) < target) {
            inChunk = false;
        }
        return advance(target);
    }

    @Override
    public long atT() {
        return xor.atT();
    }

    @Override
    public double atV() {
        return xor.atV();
    }

    @Override
    public Throwable error() {
        return err;
    }
}
