package dev.sextant.tsdb.block;

import dev.sextant.tsdb.chunk.ChunkMeta;
import dev.sextant.tsdb.chunk.SeriesChunks;
import dev.sextant.tsdb.index.BlockIndex;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.query.ByteScratch;
import dev.sextant.tsdb.query.ChunkSet;
import dev.sextant.tsdb.query.ChunkSetIterator;
import dev.sextant.tsdb.query.ListSeriesSet;
import dev.sextant.tsdb.query.PostingsForMatchers;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.Queryable;
import dev.sextant.tsdb.storage.SampleIterator;
import dev.sextant.tsdb.storage.SelectHints;
import dev.sextant.tsdb.storage.Series;
import dev.sextant.tsdb.storage.SeriesSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A persisted, immutable block opened for reading: meta.json, the index (loaded into memory),
 * memory-mapped chunk segments and tombstones. Implements {@link Queryable}.
 *
 * <p>Thread-safety: immutable; any number of queriers may run concurrently. Lifetime: nothing
 * needs closing (mappings are released by the GC and survive file deletion), so a querier stays
 * valid even if the block is deleted by retention or compaction meanwhile.
 */
public final class Block implements Queryable {
    private final Path dir;
    private final BlockMeta meta;
    private final BlockIndex index;
    private final ChunkSegments.Reader chunks;
    private final Tombstones tombstones;

    private Block(Path dir) throws IOException {
        this.dir = dir;
        this.meta = BlockMeta.read(dir);
        this.index = new BlockIndex(dir.resolve("index"));
        this.chunks = new ChunkSegments.Reader(dir.resolve("chunks"));
        this.tombstones = Tombstones.read(dir.resolve("tombstones"));
        verify();
    }

    /**
     * Opens the block in {@code dir} and checks everything that can be checked without reading
     * chunk data: meta.json (version, ULID equal to the directory name, a non-empty time range),
     * the index (TOC, symbol and postings offset table checksums, every postings list and series
     * entry with its CRC32C, symbol references), that every chunk reference lies inside its
     * segment with its whole extent and inside the block's time range, and the tombstones'
     * checksum. Chunk bytes are checked (CRC32C) when they are read: a query that meets a bad
     * chunk fails with an error rather than returning wrong samples.
     *
     * @throws IOException when the block is unreadable or inconsistent; the message says why
     */
    public static Block open(Path dir) throws IOException {
        return new Block(dir);
    }

    private void verify() throws IOException {
        String name = dir.getFileName().toString();
        if (!meta.ulid().equalsIgnoreCase(name)) {
            throw new IOException("meta.json: ULID \"" + meta.ulid() + "\" does not match the directory name");
        }
        if (meta.minTime() >= meta.maxTime()) {
            throw new IOException("meta.json: empty time range [" + meta.minTime() + ", " + meta.maxTime() + ")");
        }
        try {
            for (String n : index.labelNames()) {
                for (String v : index.labelValues(n)) {
                    index.postings(n, v);
                }
            }
            long[] all = index.allPostings();
            if (meta.numSeries() != 0 && meta.numSeries() != all.length) {
                throw new IOException("index holds " + all.length + " series, meta.json says " + meta.numSeries());
            }
            LabelsBuilder lb = new LabelsBuilder();
            for (long ref : all) {
                long[] c = index.series(ref, lb).chunks();
                for (int k = 0; k < c.length; k += 3) {
                    if (c[k] > c[k + 1] || c[k] < meta.minTime() || c[k + 1] > meta.maxTime()) {
                        // Prometheus's compactor allows a chunk to end exactly at the block's maxTime.
                        throw new IOException("series ref " + ref + ": chunk [" + c[k] + ", " + c[k + 1]
                                + "] outside the block's range [" + meta.minTime() + ", " + meta.maxTime() + "]");
                    }
                    chunks.checkRef(c[k + 2]);
                }
            }
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    public Path dir() {
        return dir;
    }

    public BlockMeta meta() {
        return meta;
    }

    public BlockIndex index() {
        return index;
    }

    /** Bytes of all files of the block. */
    public long sizeBytes() {
        try (Stream<Path> s = Files.walk(dir)) {
            long n = 0;
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p)) {
                    n += Files.size(p);
                }
            }
            return n;
        } catch (IOException e) {
            return 0;
        }
    }

    /** The block's deleted intervals per series ref. */
    public Tombstones tombstones() {
        return tombstones;
    }

    /** Whether every chunk {@code c[first..last)} (triples) lies inside a deleted interval: the series is skipped. */
    private static boolean allDeleted(long[] c, int first, int last, long[] del) {
        if (del == null) {
            return false;
        }
        for (int i = first; i < last; i += 3) {
            if (!Tombstones.covers(del, c[i], c[i + 1])) {
                return false;
            }
        }
        return true;
    }

    public boolean overlaps(long mint, long maxt) {
        return meta.minTime() <= maxt && mint < meta.maxTime();
    }

    @Override
    public Querier querier(long mint, long maxt) {
        return new BlockQuerier(mint, maxt);
    }

    /** Every series with chunk bytes (tombstoned samples removed by re-encoding), in index order. */
    /** Loads the raw payload of the chunk at segment reference {@code ref} (no tombstones applied). */
    public void loadChunk(long ref, ByteScratch buf) {
        chunks.load(ref, buf);
    }

    public Iterator<SeriesChunks> allSeriesChunks() {
        long[] refs = index.allPostings();
        LabelsBuilder lb = new LabelsBuilder();
        ByteScratch scratch = new ByteScratch();
        return new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return i < refs.length;
            }

            @Override
            public SeriesChunks next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                long ref = refs[i++];
                BlockIndex.SeriesEntry e = index.series(ref, lb);
                long[] c = e.chunks();
                List<ChunkMeta> out = new ArrayList<>(c.length / 3);
                for (int k = 0; k < c.length; k += 3) {
                    chunks.load(c[k + 2], scratch);
                    out.add(new ChunkMeta(c[k], c[k + 1], java.util.Arrays.copyOf(scratch.b, scratch.len)));
                }
                long[] del = tombstones.get(ref);
                if (del != null) {
                    out = ChunkDeletion.apply(out, del);
                }
                return new SeriesChunks(e.labels(), out);
            }
        };
    }

    private final class BlockQuerier implements Querier {
        private final long mint;
        private final long maxt;
        private final LabelsBuilder lb = new LabelsBuilder();

        BlockQuerier(long mint, long maxt) {
            this.mint = mint;
            this.maxt = maxt;
        }

        @Override
        public SeriesSet select(boolean sorted, SelectHints hints, Matcher... matchers) {
            // Hints name the time range the caller needs: chunks entirely outside it are skipped (as
            // Prometheus does); samples are still clipped to the querier's own range only.
            long lo = hints != null ? Math.max(mint, hints.start()) : mint;
            long hi = hints != null ? Math.min(maxt, hints.end()) : maxt;
            if (lo > hi || !overlaps(lo, hi)) {
                return SeriesSet.EMPTY;
            }
            long[] refs = PostingsForMatchers.select(index, matchers);
            List<BlockSeries> out = new ArrayList<>(refs.length);
            for (long ref : refs) {
                BlockIndex.SeriesEntry e = index.series(ref, lb);
                long[] c = e.chunks();
                int first = 0;
                while (first < c.length && c[first + 1] < lo) {
                    first += 3;
                }
                int last = c.length;
                while (last > first && c[last - 3] > hi) {
                    last -= 3;
                }
                long[] del = tombstones.get(ref);
                if (last > first && !allDeleted(c, first, last, del)) {
                    out.add(new BlockSeries(e.labels(), java.util.Arrays.copyOfRange(c, first, last), del, mint, maxt));
                }
            }
            if (sorted) {
                // Index order is bytewise; Labels order differs only for some non-BMP characters.
                out.sort((a, b) -> a.labels.compareTo(b.labels));
            }
            return new ListSeriesSet(out);
        }

        private List<Labels> matching(Matcher... matchers) {
            List<Labels> out = new ArrayList<>();
            for (long ref : PostingsForMatchers.select(index, matchers)) {
                out.add(index.series(ref, lb).labels());
            }
            return out;
        }

        @Override
        public List<String> labelNames(Matcher... matchers) {
            if (matchers.length == 0) {
                return index.labelNames();
            }
            TreeSet<String> names = new TreeSet<>();
            for (Labels l : matching(matchers)) {
                for (int i = 0; i < l.size(); i++) {
                    names.add(l.name(i));
                }
            }
            return new ArrayList<>(names);
        }

        @Override
        public List<String> labelValues(String name, Matcher... matchers) {
            if (matchers.length == 0) {
                return index.labelValues(name);
            }
            TreeSet<String> values = new TreeSet<>();
            for (Labels l : matching(matchers)) {
                String v = l.get(name);
                if (!v.isEmpty()) {
                    values.add(v);
                }
            }
            return new ArrayList<>(values);
        }

        @Override
        public void close() {}
    }

    private final class BlockSeries implements Series, ChunkSet {
        final Labels labels;
        final long[] c;
        final long[] deleted;
        final long mint;
        final long maxt;

        BlockSeries(Labels labels, long[] c, long[] deleted, long mint, long maxt) {
            this.labels = labels;
            this.c = c;
            this.deleted = deleted;
            this.mint = mint;
            this.maxt = maxt;
        }

        @Override
        public Labels labels() {
            return labels;
        }

        @Override
        public SampleIterator iterator(SampleIterator reuse) {
            ChunkSetIterator it = reuse instanceof ChunkSetIterator x ? x : new ChunkSetIterator();
            return it.reset(this, mint, maxt);
        }

        @Override
        public int size() {
            return c.length / 3;
        }

        @Override
        public long minT(int i) {
            return c[3 * i];
        }

        @Override
        public long maxT(int i) {
            return c[3 * i + 1];
        }

        @Override
        public void load(int i, ByteScratch buf) {
            chunks.load(c[3 * i + 2], buf);
        }

        @Override
        public long[] deleted() {
            return deleted;
        }
    }
}
