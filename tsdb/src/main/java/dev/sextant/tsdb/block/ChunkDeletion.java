package dev.sextant.tsdb.block;

import dev.sextant.tsdb.chunk.ChunkMeta;
import dev.sextant.tsdb.chunk.XorAppender;
import dev.sextant.tsdb.chunk.XorChunk;
import dev.sextant.tsdb.chunk.XorIterator;
import java.util.ArrayList;
import java.util.List;

/** Re-encodes chunks without the samples inside deleted intervals (used when compacting). Stateless, thread-safe. */
public final class ChunkDeletion {
    private ChunkDeletion() {}

    /** The chunks with every sample inside a closed interval of {@code deleted} removed; emptied chunks are dropped. */
    public static List<ChunkMeta> apply(List<ChunkMeta> chunks, long[] deleted) {
        List<ChunkMeta> out = new ArrayList<>(chunks.size());
        XorIterator it = new XorIterator();
        for (ChunkMeta c : chunks) {
            boolean touched = false;
            for (int i = 0; i < deleted.length; i += 2) {
                if (deleted[i] <= c.maxT() && deleted[i + 1] >= c.minT()) {
                    touched = true;
                    break;
                }
            }
            if (!touched) {
                out.add(c);
                continue;
            }
            XorChunk nc = new XorChunk();
            XorAppender app = nc.appender();
            long min = 0;
            long max = 0;
            it.reset(c.data(), 0, c.data().length);
            while (it.next()) {
                long t = it.atT();
                boolean del = false;
                for (int i = 0; i < deleted.length; i += 2) {
                    if (t >= deleted[i] && t <= deleted[i + 1]) {
                        del = true;
                        break;
                    }
                }
                if (del) {
                    continue;
                }
                if (app.count() == 0) {
                    min = t;
                }
                app.appendBits(t, it.atVBits());
                max = t;
            }
            if (app.count() > 0) {
                out.add(new ChunkMeta(min, max, nc.bytes()));
            }
        }
        return out;
    }
}
