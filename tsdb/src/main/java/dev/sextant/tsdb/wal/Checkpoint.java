package dev.sextant.tsdb.wal;

import dev.sextant.tsdb.encoding.Encbuf;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WAL checkpoints: {@code wal/checkpoint.NNNNNNNN/} is itself a WAL directory that summarises the
 * previous checkpoint and every segment up to and including N, keeping only series that are still
 * live, samples at or after the new head minimum time and tombstones that still matter.
 *
 * <p>Thread-safety: static methods; callers serialise checkpointing with WAL truncation.
 */
public final class Checkpoint {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoint.class);
    private static final String PREFIX = "checkpoint.";

    private Checkpoint() {}

    /** A checkpoint directory and the last segment it covers. */
    public record Ref(Path dir, int index) {}

    public static String name(int n) {
        return PREFIX + String.format("%08d", n);
    }

    /** The newest complete checkpoint in {@code walDir}, or null. */
    public static Ref last(Path walDir) throws IOException {
        Ref best = null;
        if (!Files.isDirectory(walDir)) {
            return null;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(walDir, PREFIX + "*")) {
            for (Path p : ds) {
                String suffix = p.getFileName().toString().substring(PREFIX.length());
                if (!Files.isDirectory(p) || suffix.isEmpty() || !suffix.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                int n = Integer.parseInt(suffix);
                if (best == null || n > best.index()) {
                    best = new Ref(p, n);
                }
            }
        }
        return best;
    }

    /**
     * Writes {@code checkpoint.<to>} from the previous checkpoint and segments {@code from..to},
     * then deletes older checkpoints. Segments are not deleted here (the caller does that).
     *
     * @param keepSeries whether a series ref is still live in the head
     * @param mint samples with {@code t < mint} are dropped
     * @throws WalCorruptionException on corrupt input (the checkpoint is abandoned)
     */
    public static Ref create(Path walDir, int from, int to, LongPredicate keepSeries, long mint) throws IOException {
        return create(walDir, from, to, keepSeries, mint, false);
    }

    /** Like {@link #create(Path, int, int, LongPredicate, long)}, Snappy-compressing records when {@code compress}. */
    public static Ref create(Path walDir, int from, int to, LongPredicate keepSeries, long mint, boolean compress)
            throws IOException {
        Ref prev = last(walDir);
        Path tmp = walDir.resolve(name(to) + ".tmp");
        deleteRecursively(tmp);
        Files.createDirectories(tmp);
        Encbuf enc = new Encbuf(1 << 16);
        List<Records.RefSeries> series = new ArrayList<>();
        Records.SampleBatch samples = new Records.SampleBatch();
        Records.TombstoneBatch stones = new Records.TombstoneBatch();
        try (Wal out = new Wal(tmp, Wal.DEFAULT_SEGMENT_SIZE, compress)) {
            if (prev != null && prev.index() < to) {
                copy(prev.dir(), Wal.segments(prev.dir()), out, enc, series, samples, stones, keepSeries, mint);
            }
            List<Integer> segs = new ArrayList<>();
            for (int s : Wal.segments(walDir)) {
                if (s >= from && s <= to) {
                    segs.add(s);
                }
            }
            copy(walDir, segs, out, enc, series, samples, stones, keepSeries, mint);
        }
        Path target = walDir.resolve(name(to));
        deleteRecursively(target);
        Wal.fsyncDir(tmp);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        Wal.fsyncDir(walDir);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(walDir, PREFIX + "*")) {
            for (Path p : ds) {
                String suffix = p.getFileName().toString().substring(PREFIX.length());
                if (suffix.chars().allMatch(Character::isDigit) && Integer.parseInt(suffix) < to) {
                    deleteRecursively(p);
                }
            }
        }
        LOG.info("WAL checkpoint {} written (segments {}..{})", target.getFileName(), from, to);
        return new Ref(target, to);
    }

    private static void copy(Path dir, List<Integer> segs, Wal out, Encbuf enc, List<Records.RefSeries> series,
            Records.SampleBatch samples, Records.TombstoneBatch stones, LongPredicate keep, long mint) throws IOException {
        try (WalReader r = new WalReader(dir, segs)) {
            while (r.next()) {
                byte[] rec = r.record();
                int len = r.recordLength();
                String err = null;
                enc.reset();
                switch (Records.type(rec, len)) {
                    case Records.SERIES -> {
                        series.clear();
                        err = Records.decodeSeries(rec, len, series);
                        series.removeIf(s -> !keep.test(s.ref()));
                        if (err == null && !series.isEmpty()) {
                            Records.encodeSeries(enc, series);
                        }
                    }
                    case Records.SAMPLES -> {
                        samples.clear();
                        err = Records.decodeSamples(rec, len, samples);
                        int w = 0;
                        for (int i = 0; i < samples.size; i++) {
                            if (samples.ts[i] >= mint && keep.test(samples.refs[i])) {
                                samples.refs[w] = samples.refs[i];
                                samples.ts[w] = samples.ts[i];
                                samples.vs[w] = samples.vs[i];
                                w++;
                            }
                        }
                        if (err == null && w > 0) {
                            Records.encodeSamples(enc, samples.refs, samples.ts, samples.vs, 0, w);
                        }
                    }
                    case Records.TOMBSTONES -> {
                        stones.size = 0;
                        err = Records.decodeTombstones(rec, len, stones);
                        Records.TombstoneBatch kept = new Records.TombstoneBatch();
                        for (int i = 0; i < stones.size; i++) {
                            if (stones.maxts[i] >= mint && keep.test(stones.refs[i])) {
                                kept.add(stones.refs[i], stones.mints[i], stones.maxts[i]);
                            }
                        }
                        if (err == null && kept.size > 0) {
                            Records.encodeTombstones(enc, kept);
                        }
                    }
                    default -> {
                        // Other record types are not produced by Sextant; they do not survive a checkpoint.
                    }
                }
                if (err != null) {
                    throw new WalCorruptionException(r.recordSegment(), r.recordOffset(), err);
                }
                if (enc.len() > 0) {
                    out.log(enc.array(), 0, enc.len());
                }
            }
            if (r.corruption() != null) {
                throw r.corruption();
            }
        }
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            List<Path> all = s.sorted(Comparator.reverseOrder()).toList();
            for (Path q : all) {
                Files.deleteIfExists(q);
            }
        }
    }

    /** Removes leftover {@code checkpoint.*.tmp} directories from a crash. */
    public static void removeTmp(Path walDir) throws IOException {
        if (!Files.isDirectory(walDir)) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(walDir, PREFIX + "*.tmp")) {
            for (Path p : ds) {
                deleteRecursively(p);
            }
        }
    }
}
