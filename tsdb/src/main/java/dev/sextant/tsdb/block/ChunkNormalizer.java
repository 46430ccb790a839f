package dev.sextant.tsdb.block;

import dev.sextant.tsdb.chunk.ChunkMeta;
import dev.sextant.tsdb.chunk.XorAppender;
import dev.sextant.tsdb.chunk.XorChunk;
import dev.sextant.tsdb.chunk.XorIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Makes a series' chunk list fit a block: chunks must lie in {@code [mint, maxt)}, be ordered and
 * not overlap. Chunks that already do are kept byte for byte; otherwise every sample in range is
 * decoded, merged in time order (a duplicate timestamp keeps the first chunk's value) and re-encoded
 * into chunks of at most {@code samplesPerChunk} samples.
 *
 * <p>Thread-safety: stateless.
 */
public final class ChunkNormalizer {
    private ChunkNormalizer() {}

    public static List<ChunkMeta> normalize(List<ChunkMeta> chunks, long mint, long maxt, int samplesPerChunk) {
        boolean clean = true;
        long prevMax = Long.MIN_VALUE;
        boolean first = true;
        for (ChunkMeta c : chunks) {
            if (c.minT() < mint || c.maxT() >= maxt || (!first && c.minT() <= prevMax)) {
                clean = false;
                break;
            }
            prevMax = c.maxT();
            first = false;
        }
        if (clean) {
            return chunks;
        }
        // Decode every chunk, tagging samples with their source order for stable de-duplication.
        int total = 0;
        for (ChunkMeta c : chunks) {
            total += ((c.data()[0] & 0xFF) << 8) | (c.data()[1] & 0xFF);
        }
        long[] ts = new long[total];
        long[] vs = new long[total];
        int[] order = new int[total];
        int n = 0;
        XorIterator it = new XorIterator();
        for (int ci = 0; ci < chunks.size(); ci++) {
            byte[] d = chunks.get(ci).data();
            it.reset(d, 0, d.length);
            while (it.next() && n < total) {
                long t = it.atT();
                if (t >= mint && t < maxt) {
                    ts[n] = t;
                    vs[n] = it.atVBits();
                    order[n] = n;
                    n++;
                }
            }
            if (it.error() != null) {
                throw new IllegalStateException("corrupt chunk while re-encoding", it.error());
            }
        }
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> ts[a] != ts[b] ? Long.compare(ts[a], ts[b]) : Integer.compare(order[a], order[b]));
        List<ChunkMeta> out = new ArrayList<>();
        XorChunk cur = null;
        XorAppender app = null;
        long curMin = 0;
        long curMax = 0;
        long lastT = Long.MIN_VALUE;
        boolean any = false;
        for (int k = 0; k < n; k++) {
            int i = idx[k];
            if (any && ts[i] == lastT) {
                continue;
            }
            if (app == null || app.count() >= samplesPerChunk) {
                if (app != null) {
                    out.add(new ChunkMeta(curMin, curMax, cur.bytes()));
                }
                cur = new XorChunk();
                app = cur.appender();
                curMin = ts[i];
            }
            app.appendBits(ts[i], vs[i]);
            curMax = ts[i];
            lastT = ts[i];
            any = true;
        }
        if (app != null && app.count() > 0) {
            out.add(new ChunkMeta(curMin, curMax, cur.bytes()));
        }
        return out;
    }
}
