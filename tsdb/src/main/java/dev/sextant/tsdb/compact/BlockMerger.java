package dev.sextant.tsdb.compact;

import dev.sextant.tsdb.block.Block;
import dev.sextant.tsdb.block.BlockMeta;
import dev.sextant.tsdb.block.BlockWriter;
import dev.sextant.tsdb.chunk.ChunkMeta;
import dev.sextant.tsdb.chunk.SeriesChunks;
import dev.sextant.tsdb.index.IndexWriter;
import dev.sextant.tsdb.model.Labels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.TreeSet;

/**
 * Compacts blocks into one: series are merged by labels across the inputs (each in index order),
 * their chunks concatenated by time; overlapping chunks are re-encoded by the block writer. The
 * result records the inputs as parents, the union of their sources and level {@code max + 1}.
 *
 * <p>Thread-safety: stateless.
 */
public final class BlockMerger {
    private BlockMerger() {}

    public static BlockMeta merge(Path parent, List<Block> blocks, long nowMillis, int samplesPerChunk) throws IOException {
        long mint = Long.MAX_VALUE;
        long maxt = Long.MIN_VALUE;
        int level = 0;
        TreeSet<String> sources = new TreeSet<>();
        TreeSet<String> hints = new TreeSet<>();
        List<BlockMeta.Parent> parents = new ArrayList<>();
        List<Iterator<SeriesChunks>> its = new ArrayList<>();
        List<Block> sorted = new ArrayList<>(blocks);
        sorted.sort(Comparator.comparingLong(b -> b.meta().minTime()));
        for (Block b : sorted) {
            BlockMeta m = b.meta();
            mint = Math.min(mint, m.minTime());
            maxt = Math.max(maxt, m.maxTime());
            level = Math.max(level, m.level());
            sources.addAll(m.sources().isEmpty() ? List.of(m.ulid()) : m.sources());
            hints.addAll(m.hints());
            parents.add(new BlockMeta.Parent(m.ulid(), m.minTime(), m.maxTime()));
            its.add(b.allSeriesChunks());
        }
        BlockWriter.Origin origin = new BlockWriter.Origin(level + 1, new ArrayList<>(sources), parents, new ArrayList<>(hints));
        return BlockWriter.write(parent, mint, maxt, new MergingIterator(its), origin, nowMillis, samplesPerChunk);
    }

    /** K-way merge of series iterators in index order; equal labels are combined. */
    static final class MergingIterator implements Iterator<SeriesChunks> {
        private final List<Iterator<SeriesChunks>> its;
        private final SeriesChunks[] heads;

        MergingIterator(List<Iterator<SeriesChunks>> its) {
            this.its = its;
            this.heads = new SeriesChunks[its.size()];
            for (int i = 0; i < heads.length; i++) {
                heads[i] = its.get(i).hasNext() ? its.get(i).next() : null;
            }
        }

        @Override
        public boolean hasNext() {
            for (SeriesChunks h : heads) {
                if (h != null) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public SeriesChunks next() {
            Labels min = null;
            for (SeriesChunks h : heads) {
                if (h != null && (min == null || IndexWriter.compare(h.labels(), min) < 0)) {
                    min = h.labels();
                }
            }
            if (min == null) {
                throw new NoSuchElementException();
            }
            List<ChunkMeta> chunks = new ArrayList<>();
            for (int i = 0; i < heads.length; i++) {
                if (heads[i] != null && heads[i].labels().equals(min)) {
                    chunks.addAll(heads[i].chunks());
                    heads[i] = its.get(i).hasNext() ? its.get(i).next() : null;
                }
            }
            chunks.sort(Comparator.comparingLong(ChunkMeta::minT));
            return new SeriesChunks(min, chunks);
        }
    }
}
