package dev.sextant.tsdb;

import dev.sextant.tsdb.block.Block;
import dev.sextant.tsdb.block.BlockMeta;
import dev.sextant.tsdb.block.BlockWriter;
import dev.sextant.tsdb.block.Ulid;
import dev.sextant.tsdb.compact.BlockMerger;
import dev.sextant.tsdb.compact.LeveledPlanner;
import dev.sextant.tsdb.head.Head;
import dev.sextant.tsdb.head.HeadCardinality;
import dev.sextant.tsdb.head.HeadOptions;
import dev.sextant.tsdb.head.WalReplayProgress;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.retention.Retention;
import dev.sextant.tsdb.storage.Appendable;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.Queryable;
import dev.sextant.tsdb.storage.SeriesHandle;
import dev.sextant.tsdb.storage.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TSDB: a data directory in Prometheus's layout with a WAL-backed head and persisted blocks.
 *
 * <p>{@link #open} takes the directory lock, removes leftovers of a crash ({@code *.tmp-for-creation},
 * {@code *.tmp-for-deletion}, {@code *.tmp}), loads and verifies the blocks (one that fails is
 * renamed to {@code <ULID>.corrupted}, logged and counted, see {@link Block#open}), finishes interrupted compactions
 * (blocks that are parents of a loaded block are deleted) and replays the WAL into the head.
 * Queries merge the blocks and the head, deduplicating identical timestamps. When the head spans
 * more than 1.5 block ranges its oldest range is written as a level-1 block and truncated from the
 * head; blocks are merged by a leveled planner (2h, 6h, 18h, ...) and deleted by time and size
 * retention.
 *
 * <p>Thread-safety: thread-safe. Appenders and queriers belong to their caller. Compaction runs on
 * one background thread (or in {@link #compact()}), serialised by a lock. Lifetime: {@link
 * #close()} waits for compaction, closes the head and releases the lock; queriers and appenders
 * must be finished first.
 */
public final class Tsdb implements Appendable, Queryable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Tsdb.class);
    private static final String TMP_DELETION = ".tmp-for-deletion";
    /** Suffix of a block directory set aside because it failed to open or verify. */
    public static final String CORRUPTED = ".corrupted";
    /** How often background retention runs when background compaction is on. */
    static final long RETENTION_INTERVAL_MILLIS = 60_000;

    private final Path dir;
    private final TsdbOptions options;
    private final LeveledPlanner planner;
    private final DirectoryLock lock;
    private final Head head;
    private volatile List<Block> blocks = List.of();
    final Object compactLock = new Object();
    private final TsdbAdmin admin = new TsdbAdmin(this);
    private final ScheduledExecutorService compactor;
    private final WalReplayProgress replayProgress;
    private final LongAdder compactions = new LongAdder();
    private final LongAdder compactionsFailed = new LongAdder();
    private final LongAdder blocksCorrupted = new LongAdder();
    /** Blocks whose merge failed on damaged data: not planned again (in memory, until restart). */
    private final Set<String> compactionFailedBlocks = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile long blocksBytes;
    private final AtomicBoolean compactionQueued = new AtomicBoolean();
    private volatile boolean closed;

    private Tsdb(Path dir, TsdbOptions options, WalReplayProgress progress, long retentionIntervalMillis)
            throws IOException {
        this.dir = dir;
        this.replayProgress = progress != null ? progress : new WalReplayProgress();
        this.options = options;
        this.planner = new LeveledPlanner(LeveledPlanner.exponentialRanges(options.blockRange(), options.maxBlockDuration()));
        Files.createDirectories(dir);
        this.lock = DirectoryLock.acquire(dir);
        Head h = null;
        try {
            refuseOutOfOrderLog();
            removeTmpDirs();
            reloadBlocks();
            long minValid = Long.MIN_VALUE;
            for (Block b : blocks) {
                minValid = Math.max(minValid, b.meta().maxTime());
            }
            HeadOptions ho = new HeadOptions(options.blockRange(), options.samplesPerChunk(), 1024, options.walSegmentSize(),
                    options.walCompression());
            h = Head.open(dir.resolve("wal"), dir.resolve("chunks_head"), ho, minValid, replayProgress);
            removeChunkSnapshots();
        } catch (IOException | RuntimeException e) {
            releaseLock();
            throw e;
        }
        this.head = h;
        this.compactor = options.backgroundCompaction()
                ? Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "tsdb-compactor");
                    t.setDaemon(true);
                    return t;
                })
                : null;
        if (compactor != null && (options.retentionMillis() > 0 || options.retentionBytes() > 0)) {
            compactor.scheduleWithFixedDelay(this::retentionTick, retentionIntervalMillis, retentionIntervalMillis,
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Opens (creating if needed) the TSDB in {@code dir}. */
    public static Tsdb open(Path dir, TsdbOptions options) {
        return open(dir, options, null);
    }

    /**
     * Opens (creating if needed) the TSDB in {@code dir}, reporting WAL replay progress to {@code
     * progress}: open is synchronous, so create the progress object first, hand it to this call on
     * one thread and poll {@link WalReplayProgress#get()} from another (e.g. for {@code
     * /api/v1/status/walreplay}) until it reports {@code "done"}. Null: progress is only available
     * through {@link #walReplayStatus()} after open returns.
     */
    public static Tsdb open(Path dir, TsdbOptions options, WalReplayProgress progress) {
        return open(dir, options, progress, RETENTION_INTERVAL_MILLIS);
    }

    static Tsdb open(Path dir, TsdbOptions options, WalReplayProgress progress, long retentionIntervalMillis) {
        try {
            return new Tsdb(dir, options, progress, retentionIntervalMillis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs on the compactor thread every minute: time and size retention without waiting for a compaction. */
    private void retentionTick() {
        synchronized (compactLock) {
            if (closed) {
                return;
            }
            try {
                applyRetention();
            } catch (IOException | RuntimeException e) {
                LOG.error("retention failed", e);
            }
        }
    }

    public Path dir() {
        return dir;
    }

    public Head head() {
        return head;
    }

    /** Metadata of the loaded blocks, oldest first. */
    public List<BlockMeta> blocks() {
        List<BlockMeta> out = new ArrayList<>();
        for (Block b : blocks) {
            out.add(b.meta());
        }
        return out;
    }

    public TsdbOptions options() {
        return options;
    }

    /** The loaded blocks, oldest first (an immutable snapshot). */
    List<Block> blockList() {
        return blocks;
    }

    /** Swaps a reopened block (e.g. with new tombstones) into the block list. Call under compactLock. */
    void replaceBlock(Block old, Block fresh) {
        List<Block> next = new ArrayList<>(blocks);
        next.replaceAll(b -> b == old ? fresh : b);
        setBlocks(next);
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("tsdb closed");
        }
    }

    /**
     * Deletes the samples in the closed range {@code [mint, maxt]} of every series matching all
     * {@code matchers} (Prometheus's {@code /api/v1/admin/tsdb/delete_series}). Every overlapping
     * block gets tombstones (its {@code tombstones} file is rewritten via a temporary file, fsync and
     * rename); the head logs tombstone records to the WAL before applying them, so the deletion
     * survives restarts and checkpoints. Queries stop returning the samples at once; compaction and
     * {@link #cleanTombstones()} drop them from disk. Thread-safe; serialised with compaction.
     *
     * @throws UncheckedIOException when a block's tombstones cannot be written
     */
    public void deleteSeries(long mint, long maxt, dev.sextant.tsdb.model.Matcher... matchers) {
        try {
            admin.deleteSeries(mint, maxt, matchers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Rewrites every block that has tombstones into a new block (new ULID, same level, the old block
     * recorded as parent) without the deleted samples and deletes the old block (Prometheus's
     * {@code /api/v1/admin/tsdb/clean_tombstones}). Query results do not change. Thread-safe;
     * serialised with compaction.
     */
    public void cleanTombstones() {
        try {
            admin.cleanTombstones();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes a snapshot (Prometheus's {@code /api/v1/admin/tsdb/snapshot}): a new directory
     * {@code <snapshotsDir>/<YYYYMMDDTHHMMSSZ>-<16 hex digits>/} holding hard links (copies where
     * linking fails) of every block and, unless {@code skipHead}, one more block with the head's
     * current data, and an empty {@code wal/}. The directory can be opened as a data directory (by
     * {@code Tsdb.open} and by {@code promtool tsdb dump}). Thread-safe; serialised with
     * compaction.
     *
     * @return the new snapshot directory
     */
    public Path snapshot(Path snapshotsDir, boolean skipHead) {
        try {
            return admin.snapshot(snapshotsDir, skipHead);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Appender appender() {
        if (closed) {
            throw new IllegalStateException("tsdb closed");
        }
        Appender inner = head.appender();
        return new Appender() {
            @Override
            public long append(long ref, Labels labels, long t, double v) {
                return inner.append(ref, labels, t, v);
            }

            @Override
            public Labels storedLabels(long ref) {
                return inner.storedLabels(ref);
            }

            @Override
            public SeriesHandle handle(long ref) {
                return inner.handle(ref);
            }

            @Override
            public long append(SeriesHandle handle, long ref, Labels labels, long t, double v) {
                return inner.append(handle, ref, labels, t, v);
            }

            @Override
            public void prefetch(SeriesHandle[] handles, int from, int to) {
                inner.prefetch(handles, from, to);
            }

            @Override
            public void commit() {
                inner.commit();
                maybeCompactInBackground();
            }

            @Override
            public void rollback() {
                inner.rollback();
            }
        };
    }

    @Override
    public Querier querier(long mint, long maxt) {
        if (closed) {
            throw new IllegalStateException("tsdb closed");
        }
        return new TsdbQuerier(this, head, mint, maxt);
    }

    private boolean headCompactable() {
        if (head.isEmpty()) {
            return false;
        }
        return head.maxTime() - head.minTime() > options.blockRange() / 2 * 3;
    }

    private void maybeCompactInBackground() {
        if (compactor == null || closed || !headCompactable()) {
            return;
        }
        if (compactionQueued.compareAndSet(false, true)) {
            compactor.execute(() -> {
                compactionQueued.set(false);
                try {
                    compact();
                } catch (RuntimeException e) {
                    LOG.error("compaction failed", e);
                }
            });
        }
    }

    /**
     * Runs one round of maintenance synchronously: persists the head while it spans more than 1.5
     * block ranges, merges blocks as planned, and applies retention.
     */
    public void compact() {
        synchronized (compactLock) {
            if (closed) {
                return;
            }
            try {
                compactLocked();
            } catch (IOException e) {
                compactionsFailed.increment();
                throw new UncheckedIOException(e);
            } catch (RuntimeException e) {
                compactionsFailed.increment();
                throw e;
            }
        }
    }

    /** The body of {@link #compact()}; call under compactLock. */
    private void compactLocked() throws IOException {
        while (headCompactable()) {
            long mint = head.minTime();
            // The same window arithmetic as chunk cutting (truncating division), so chunks
            // never cross the block's end.
            long maxt = Head.rangeEnd(mint, options.blockRange());
            BlockWriter.write(dir, mint, maxt, head.chunksForRange(mint, maxt), BlockWriter.Origin.head(),
                    options.clock().getAsLong(), options.samplesPerChunk());
            compactions.increment();
            reloadBlocks();
            head.truncate(maxt);
            // Like Prometheus's reload after each persisted head block: with a backlog of head
            // ranges (e.g. after a restart) retention must not wait until the loop is done.
            applyRetention();
            if (head.minTime() <= mint) {
                LOG.error("head did not advance past {} after truncation; stopping compaction", mint);
                break;
            }
        }
        while (true) {
            List<BlockMeta> candidates = blocks();
            candidates.removeIf(m -> compactionFailedBlocks.contains(m.ulid()));
            List<BlockMeta> plan = planner.plan(candidates);
            if (plan.isEmpty()) {
                break;
            }
            List<Block> inputs = new ArrayList<>();
            for (Block b : blocks) {
                for (BlockMeta m : plan) {
                    if (m.ulid().equals(b.meta().ulid())) {
                        inputs.add(b);
                    }
                }
            }
            BlockMeta merged;
            try {
                merged = BlockMerger.merge(dir, inputs, options.clock().getAsLong(), options.samplesPerChunk());
            } catch (IllegalStateException e) {
                // A damaged chunk or index entry (checked lazily): like Prometheus, stop planning
                // these blocks instead of failing every round; they are still served (a query that
                // reads the damaged chunk fails) until an operator replaces them.
                compactionsFailed.increment();
                for (Block b : inputs) {
                    compactionFailedBlocks.add(b.meta().ulid());
                }
                LOG.error("compaction of blocks {} failed on damaged data; excluding them from compaction: {}",
                        metas(inputs).stream().map(BlockMeta::ulid).toList(), e.getMessage());
                continue;
            }
            compactions.increment();
            if (merged == null) {
                for (Block b : inputs) {
                    deleteBlock(b.dir());
                }
            }
            reloadBlocks(); // deletes the parents of the new block
        }
        applyRetention();
    }

    private void applyRetention() throws IOException {
        Map<String, Block> byId = new HashMap<>();
        for (Block b : blocks) {
            byId.put(b.meta().ulid(), b);
        }
        Set<String> del = Retention.toDelete(blocks(), options.retentionMillis(), options.retentionBytes(),
                dirSize(dir.resolve("wal")) + head.offHeapBytes(), m -> byId.get(m.ulid()).sizeBytes());
        if (del.isEmpty()) {
            return;
        }
        for (String id : del) {
            LOG.info("retention deletes block {}", id);
            deleteBlock(byId.get(id).dir());
        }
        reloadBlocks();
    }

    /** Loads every block directory; deletes blocks marked deletable or superseded by a compaction. */
    void reloadBlocks() throws IOException {
        Map<String, Block> loaded = new HashMap<>();
        for (Block b : blocks) {
            loaded.put(b.meta().ulid(), b);
        }
        List<Block> next = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (!Files.isDirectory(p) || !Ulid.isValid(name)) {
                    continue;
                }
                Block b = loaded.get(name);
                if (b == null) {
                    try {
                        b = Block.open(p);
                    } catch (IOException | RuntimeException e) {
                        setAside(p, e);
                        continue;
                    }
                }
                next.add(b);
            }
        }
        Set<String> superseded = Retention.toDelete(metas(next), 0, 0, 0, m -> 0);
        if (!superseded.isEmpty()) {
            List<Block> kept = new ArrayList<>();
            for (Block b : next) {
                if (superseded.contains(b.meta().ulid())) {
                    deleteBlock(b.dir());
                } else {
                    kept.add(b);
                }
            }
            next = kept;
        }
        next.sort(Comparator.comparingLong(b -> b.meta().minTime()));
        setBlocks(next);
    }

    /**
     * Renames a block directory that cannot be opened to {@code <ULID>.corrupted} (numbered if that
     * exists), so it is neither served nor compacted nor deleted by retention, and an operator can
     * inspect or remove it. Counted in {@link #blocksCorruptedTotal()}.
     */
    private void setAside(Path blockDir, Exception why) throws IOException {
        String reason = why.getMessage() != null ? why.getMessage() : why.toString();
        if (why instanceof java.nio.file.NoSuchFileException) {
            reason = "missing file " + why.getMessage();
        }
        Path target = blockDir.resolveSibling(blockDir.getFileName() + CORRUPTED);
        for (int i = 1; Files.exists(target); i++) {
            target = blockDir.resolveSibling(blockDir.getFileName() + CORRUPTED + "." + i);
        }
        Files.move(blockDir, target, StandardCopyOption.ATOMIC_MOVE);
        BlockWriter.fsyncDir(dir);
        blocksCorrupted.increment();
        LOG.error("block {} is corrupted and was set aside as {}; its data is not served: {}",
                blockDir.getFileName(), target.getFileName(), reason);
    }

    private void setBlocks(List<Block> next) {
        long bytes = 0;
        for (Block b : next) {
            bytes += b.sizeBytes();
        }
        blocks = List.copyOf(next);
        blocksBytes = bytes;
    }

    private static List<BlockMeta> metas(List<Block> bs) {
        List<BlockMeta> out = new ArrayList<>();
        for (Block b : bs) {
            out.add(b.meta());
        }
        return out;
    }

    void deleteBlock(Path blockDir) throws IOException {
        Path tmp = blockDir.resolveSibling(blockDir.getFileName() + TMP_DELETION);
        BlockWriter.deleteRecursively(tmp);
        Files.move(blockDir, tmp, StandardCopyOption.ATOMIC_MOVE);
        BlockWriter.fsyncDir(dir);
        BlockWriter.deleteRecursively(tmp);
    }

    private void removeTmpDirs() throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (Files.isDirectory(p)
                        && (n.endsWith(BlockWriter.TMP_CREATION) || n.endsWith(TMP_DELETION) || n.endsWith(".tmp"))) {
                    LOG.info("removing leftover temporary directory {}", n);
                    BlockWriter.deleteRecursively(p);
                }
            }
        }
    }

    /**
     * Sextant does not support out-of-order ingestion, so it cannot replay a write-behind log; it
     * must not start (and later delete) data that only lives there.
     */
    private void refuseOutOfOrderLog() throws IOException {
        Path wbl = dir.resolve("wbl");
        if (!Files.isDirectory(wbl)) {
            return;
        }
        for (int seg : dev.sextant.tsdb.wal.Wal.segments(wbl)) {
            if (Files.size(wbl.resolve(dev.sextant.tsdb.wal.Wal.segmentName(seg))) > 0) {
                throw new StorageException("data directory " + dir + " holds a non-empty out-of-order write-behind log"
                        + " (wbl/); Sextant cannot replay it. Start Prometheus once so it compacts the out-of-order"
                        + " samples into blocks, or remove wbl/ to drop them");
            }
        }
    }

    /** Head snapshots are stale once Sextant writes to the WAL; Sextant rebuilds from the WAL. */
    private void removeChunkSnapshots() throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "chunk_snapshot.*")) {
            for (Path p : ds) {
                LOG.info("removing head snapshot {}; the WAL holds its data", p.getFileName());
                BlockWriter.deleteRecursively(p);
            }
        }
    }

    private static long dirSize(Path p) throws IOException {
        if (!Files.exists(p)) {
            return 0;
        }
        long n = 0;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(q)) {
                    n += Files.size(q);
                }
            }
        }
        return n;
    }

    private void releaseLock() {
        lock.close();
    }

    // ---------------------------------------------------------------------------------------------
    // Statistics: cheap, lock-free reads for /metrics and /api/v1/status/tsdb. Thread-safe.

    /** WAL replay progress of open; {@code "done"} once open returned. */
    public WalReplayProgress.Status walReplayStatus() {
        return replayProgress.get();
    }

    /** Chunks in the head ({@code prometheus_tsdb_head_chunks}). */
    public long headChunks() {
        return head.stats().chunks();
    }

    /** Samples committed to the head since open; WAL replay is not counted ({@code prometheus_tsdb_head_samples_appended_total}). */
    public long samplesAppendedTotal() {
        return head.stats().samplesAppended();
    }

    /** Head series created ({@code prometheus_tsdb_head_series_created_total}). */
    public long seriesCreatedTotal() {
        return head.stats().seriesCreated();
    }

    /** Head series removed by truncation ({@code prometheus_tsdb_head_series_removed_total}). */
    public long seriesRemovedTotal() {
        return head.stats().seriesRemoved();
    }

    /** Samples rejected as out of order ({@code prometheus_tsdb_out_of_order_samples_total}). */
    public long outOfOrderSamplesTotal() {
        return head.stats().outOfOrderRejected();
    }

    /** Samples rejected as duplicates with a different value. */
    public long duplicateSamplesTotal() {
        return head.stats().duplicateRejected();
    }

    /** Samples rejected as out of bounds ({@code prometheus_tsdb_out_of_bounds_samples_total}). */
    public long outOfBoundsSamplesTotal() {
        return head.stats().outOfBoundsRejected();
    }

    /** Head truncations ({@code prometheus_tsdb_head_truncations_total}). */
    public long headTruncationsTotal() {
        return head.stats().truncations();
    }

    /** WAL corruptions repaired on open ({@code prometheus_tsdb_wal_corruptions_total}). */
    public long walCorruptionsTotal() {
        return head.stats().walCorruptionsRepaired();
    }

    /** WAL fsyncs ({@code prometheus_tsdb_wal_fsync_duration_seconds_count}). */
    public long walFsyncCount() {
        return head.walFsyncCount();
    }

    /** Seconds spent in WAL fsyncs ({@code prometheus_tsdb_wal_fsync_duration_seconds_sum}). */
    public double walFsyncSecondsSum() {
        return head.walFsyncSeconds();
    }

    /**
     * Bytes of the WAL directory, checkpoints included ({@code prometheus_tsdb_wal_storage_size_bytes});
     * lists the few WAL files. Best effort: 0 on I/O errors.
     */
    public long walSizeBytes() {
        try {
            return dirSize(dir.resolve("wal"));
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    /** Compactions run: head blocks written and block merges ({@code prometheus_tsdb_compactions_total}). */
    public long compactionsTotal() {
        return compactions.sum();
    }

    /** Failed compaction rounds ({@code prometheus_tsdb_compactions_failed_total}). */
    public long compactionsFailedTotal() {
        return compactionsFailed.sum();
    }

    /** Block directories set aside as corrupted since open ({@code sextant_tsdb_blocks_corrupted_total}). */
    public long blocksCorruptedTotal() {
        return blocksCorrupted.sum();
    }

    /** Blocks currently loaded ({@code prometheus_tsdb_blocks_loaded}). */
    public int blocksLoaded() {
        return blocks.size();
    }

    /** Bytes of all loaded blocks on disk, measured when the block list changes ({@code prometheus_tsdb_storage_blocks_bytes}). */
    public long blocksBytes() {
        return blocksBytes;
    }

    /**
     * Head cardinality statistics for {@code /api/v1/status/tsdb}: label pairs, chunks, time range
     * and the top {@code limit} entries by series per metric name, values per label name, value
     * bytes per label name and series per label pair. Computed from the head's postings index in
     * one pass (no sample is read).
     */
    public HeadCardinality headCardinality(int limit) {
        return head.cardinality(limit);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (compactor != null) {
            compactor.shutdown();
            try {
                compactor.awaitTermination(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (compactLock) {
            closed = true;
            try {
                head.close();
            } finally {
                releaseLock();
            }
        }
    }
}
