package dev.sextant.bench.load;

import dev.sextant.tsdb.Tsdb;
import dev.sextant.tsdb.TsdbOptions;
import dev.sextant.tsdb.block.BlockMeta;
import java.nio.file.Path;

/**
 * Runs Sextant's compactor over a data directory once, to a fixed point, and prints the blocks:
 * what a Sextant server does in the background, which it starts only after appends to its head (so
 * a server started on backfilled blocks alone would leave them as they are). Used by
 * {@code bench/compare.sh backfill} for the "compacted" figures; Prometheus's blocks are compacted
 * by a Prometheus server started on them.
 *
 * <p>Usage: {@code ... dev.sextant.bench.load.CompactBlocks --dir=DATA}
 */
public final class CompactBlocks {
    private CompactBlocks() {}

    public static void main(String[] argv) throws Exception {
        Args a = new Args(argv, "dir");
        Path dir = Path.of(a.get("dir", "data"));
        long t0 = System.nanoTime();
        try (Tsdb db = Tsdb.open(dir, TsdbOptions.defaults().withBackgroundCompaction(false))) {
            db.compact();
            for (BlockMeta m : db.blocks()) {
                System.out.printf("block %s [%d, %d) level %d: %d series, %d samples%n", m.ulid(), m.minTime(), m.maxTime(),
                        m.level(), m.numSeries(), m.numSamples());
            }
        }
        System.out.printf("compacted in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }
}
