package dev.sextant.tsdb.block;

import dev.sextant.tsdb.chunk.ChunkMeta;
import dev.sextant.tsdb.chunk.SeriesChunks;
import dev.sextant.tsdb.index.IndexWriter;
import dev.sextant.tsdb.model.Labels;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a Prometheus block into {@code <ULID>.tmp-for-creation/} (chunks, index, empty
 * tombstones, meta.json), fsyncs it and renames it to {@code <ULID>}, so a crash never leaves a
 * half-written block under a valid name.
 *
 * <p>Thread-safety: stateless; concurrent writes to different blocks are fine.
 */
public final class BlockWriter {
    private static final Logger LOG = LoggerFactory.getLogger(BlockWriter.class);
    public static final String TMP_CREATION = ".tmp-for-creation";

    private BlockWriter() {}

    /** Where a new block comes from. */
    public record Origin(int level, List<String> sources, List<BlockMeta.Parent> parents, List<String> hints) {
        public static Origin head() {
            return new Origin(1, List.of(), List.of(), List.of());
        }
    }

    /**
     * Writes the series' samples in {@code [mint, maxt)} as a block under {@code parent}.
     *
     * @return the new block's meta, or null when no sample fell in the range (nothing is written)
     */
    public static BlockMeta write(Path parent, long mint, long maxt, Iterator<SeriesChunks> series, Origin origin,
            long nowMillis, int samplesPerChunk) throws IOException {
        String ulid = Ulid.generate(nowMillis);
        Path tmp = parent.resolve(ulid + TMP_CREATION);
        Files.createDirectories(tmp);
        try {
            List<Labels> labels = new ArrayList<>();
            List<long[]> metas = new ArrayList<>();
            long samples = 0;
            long chunksN = 0;
            try (ChunkSegments.Writer cw = new ChunkSegments.Writer(tmp.resolve("chunks"))) {
                while (series.hasNext()) {
                    SeriesChunks sc = series.next();
                    List<ChunkMeta> cs = ChunkNormalizer.normalize(sc.chunks(), mint, maxt, samplesPerChunk);
                    if (cs.isEmpty()) {
                        continue;
                    }
                    List<byte[]> data = new ArrayList<>(cs.size());
                    for (ChunkMeta c : cs) {
                        data.add(c.data());
                        samples += ((c.data()[0] & 0xFF) << 8) | (c.data()[1] & 0xFF);
                    }
                    long[] refs = cw.writeSeries(data);
                    long[] m = new long[cs.size() * 3];
                    for (int i = 0; i < cs.size(); i++) {
                        m[3 * i] = cs.get(i).minT();
                        m[3 * i + 1] = cs.get(i).maxT();
                        m[3 * i + 2] = refs[i];
                    }
                    labels.add(sc.labels());
                    metas.add(m);
                    chunksN += cs.size();
                }
            }
            if (labels.isEmpty()) {
                deleteRecursively(tmp);
                return null;
            }
            // Sources are sorted by Labels order; the index wants bytewise order (they differ only
            // for some non-BMP characters), so sort the metadata when needed.
            Integer[] idx = new Integer[labels.size()];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = i;
            }
            java.util.Arrays.sort(idx, (a, b) -> IndexWriter.compare(labels.get(a), labels.get(b)));
            IndexWriter iw = new IndexWriter();
            for (int i : idx) {
                iw.addSeries(labels.get(i), metas.get(i));
            }
            iw.write(tmp.resolve("index"));
            Tombstones.write(tmp, Map.of());
            List<String> sources = new ArrayList<>(origin.sources());
            if (origin.level() == 1 && sources.isEmpty()) {
                sources.add(ulid);
            }
            sources.sort(null);
            BlockMeta meta = new BlockMeta(ulid, mint, maxt, samples, labels.size(), chunksN, 0, origin.level(), sources,
                    origin.parents(), false, origin.hints());
            meta.write(tmp);
            fsyncTree(tmp);
            Path dst = parent.resolve(ulid);
            Files.move(tmp, dst, StandardCopyOption.ATOMIC_MOVE);
            fsyncDir(parent);
            LOG.info("wrote block {} [{}, {}) level {}: {} series, {} samples", ulid, mint, maxt, origin.level(),
                    labels.size(), samples);
            return meta;
        } catch (IOException | RuntimeException e) {
            deleteRecursively(tmp);
            throw e;
        }
    }

    static void fsyncTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p)) {
                    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                } else {
                    fsyncDir(p);
                }
            }
        }
    }

    public static void fsyncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Directories cannot be opened on some platforms; best effort.
        }
    }

    public static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            List<Path> all = new ArrayList<>();
            s.forEach(all::add);
            for (int i = all.size() - 1; i >= 0; i--) {
                Files.deleteIfExists(all.get(i));
            }
        }
    }
}
