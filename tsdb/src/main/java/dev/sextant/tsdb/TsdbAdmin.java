package dev.sextant.tsdb;

import dev.sextant.tsdb.block.Block;
import dev.sextant.tsdb.block.BlockMeta;
import dev.sextant.tsdb.block.BlockWriter;
import dev.sextant.tsdb.block.Tombstones;
import dev.sextant.tsdb.index.BlockIndex;
import dev.sextant.tsdb.model.LabelsBuilder;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.query.PostingsForMatchers;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The administrative operations of {@link Tsdb}: series deletion (tombstones), tombstone cleaning
 * (block rewrites) and snapshots. Each runs under the TSDB's compaction lock, so it never
 * interleaves with compaction, retention or another admin operation; queries run concurrently and
 * see either the old or the new state of each block.
 *
 * <p>Thread-safety: thread-safe (serialised by the compaction lock). Package-private helper.
 */
final class TsdbAdmin {
    private static final Logger LOG = LoggerFactory.getLogger(TsdbAdmin.class);
    private static final DateTimeFormatter SNAPSHOT_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Tsdb db;

    TsdbAdmin(Tsdb db) {
        this.db = db;
    }

    /** Tombstones {@code [mint, maxt]} of matching series in every overlapping block, then in the head. */
    void deleteSeries(long mint, long maxt, Matcher... matchers) throws IOException {
        synchronized (db.compactLock) {
            db.ensureOpen();
            for (Block b : db.blockList()) {
                BlockMeta m = b.meta();
                if (mint > maxt || m.minTime() > maxt || m.maxTime() <= mint) {
                    continue;
                }
                Map<Long, long[]> stones = b.tombstones().asMap();
                boolean changed = false;
                BlockIndex ix = b.index();
                LabelsBuilder lb = new LabelsBuilder();
                for (long ref : PostingsForMatchers.select(ix, matchers)) {
                    long[] c = ix.series(ref, lb).chunks();
                    boolean overlaps = false;
                    for (int i = 0; i < c.length && !overlaps; i += 3) {
                        overlaps = c[i] <= maxt && c[i + 1] >= mint;
                    }
                    if (!overlaps) {
                        continue;
                    }
                    // Only up to the data the series holds, never beyond.
                    long lo = Math.max(mint, c[0]);
                    long hi = Math.min(maxt, c[c.length - 2]);
                    long[] prev = stones.get(ref);
                    long[] next = Tombstones.addInterval(prev, lo, hi);
                    if (!Arrays.equals(prev, next)) {
                        stones.put(ref, next);
                        changed = true;
                    }
                }
                if (!changed) {
                    continue;
                }
                Tombstones.write(b.dir(), stones);
                long n = 0;
                for (long[] iv : stones.values()) {
                    n += iv.length / 2;
                }
                new BlockMeta(m.ulid(), m.minTime(), m.maxTime(), m.numSamples(), m.numSeries(), m.numChunks(), n,
                        m.level(), m.sources(), m.parents(), m.deletable(), m.hints()).write(b.dir());
                db.replaceBlock(b, Block.open(b.dir()));
                LOG.info("block {}: tombstones now cover {} intervals", m.ulid(), n);
            }
            db.head().delete(mint, maxt, matchers);
        }
    }

    /**
     * Rewrites every block with tombstones into a new block (new ULID, same level and sources, the
     * old block as its parent) without the deleted samples, then deletes the old block. A crash in
     * between leaves both; the next open deletes the parent.
     */
    void cleanTombstones() throws IOException {
        synchronized (db.compactLock) {
            db.ensureOpen();
            for (Block b : db.blockList()) {
                if (b.tombstones().size() == 0) {
                    continue;
                }
                BlockMeta m = b.meta();
                BlockWriter.Origin origin = new BlockWriter.Origin(m.level(),
                        m.sources().isEmpty() ? List.of(m.ulid()) : m.sources(),
                        List.of(new BlockMeta.Parent(m.ulid(), m.minTime(), m.maxTime())), m.hints());
                BlockMeta fresh = BlockWriter.write(db.dir(), m.minTime(), m.maxTime(), b.allSeriesChunks(), origin,
                        db.options().clock().getAsLong(), db.options().samplesPerChunk());
                if (fresh == null) {
                    LOG.info("block {} holds only deleted data; deleting it", m.ulid());
                    db.deleteBlock(b.dir());
                } else {
                    LOG.info("block {} rewritten as {} without tombstoned data", m.ulid(), fresh.ulid());
                }
                db.reloadBlocks(); // deletes the old block: it is the new one's parent
            }
        }
    }

    /**
     * Creates {@code <snapshotsDir>/<YYYYMMDDTHHMMSSZ>-<16 hex>/} with hard links (copies when
     * linking fails) of every block and, unless {@code skipHead}, a block of the head's data, plus an
     * empty {@code wal/} so read-only tools open it.
     */
    Path snapshot(Path snapshotsDir, boolean skipHead) throws IOException {
        String name = SNAPSHOT_TIME.format(Instant.ofEpochMilli(System.currentTimeMillis())) + "-"
                + String.format("%016x", ThreadLocalRandom.current().nextLong());
        Path out = snapshotsDir.resolve(name);
        Files.createDirectories(out);
        synchronized (db.compactLock) {
            db.ensureOpen();
            for (Block b : db.blockList()) {
                linkTree(b.dir(), out.resolve(b.dir().getFileName().toString()));
            }
            if (!skipHead && !db.head().isEmpty()) {
                long mint = db.head().minTime();
                long maxt = db.head().maxTime() + 1;
                BlockWriter.write(out, mint, maxt, db.head().chunksForRange(mint, maxt), BlockWriter.Origin.head(),
                        db.options().clock().getAsLong(), db.options().samplesPerChunk());
            }
        }
        // An empty WAL directory: read-only openers (promtool tsdb dump) require one.
        Files.createDirectories(out.resolve("wal"));
        BlockWriter.fsyncDir(out);
        BlockWriter.fsyncDir(snapshotsDir);
        LOG.info("snapshot written to {}", out);
        return out;
    }

    private static void linkTree(Path src, Path dst) throws IOException {
        Files.createDirectories(dst);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(src)) {
            for (Path p : ds) {
                Path d = dst.resolve(p.getFileName().toString());
                if (Files.isDirectory(p)) {
                    linkTree(p, d);
                    continue;
                }
                try {
                    Files.createLink(d, p);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(p, d, StandardCopyOption.COPY_ATTRIBUTES);
                    try (FileChannel ch = FileChannel.open(d, StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                }
            }
        }
        BlockWriter.fsyncDir(dst);
    }
}
