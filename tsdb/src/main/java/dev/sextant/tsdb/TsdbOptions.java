package dev.sextant.tsdb;

import dev.sextant.tsdb.wal.Wal;
import java.util.function.LongSupplier;

/**
 * Settings of {@link Tsdb}. Immutable; derive variants with the {@code with...} methods.
 *
 * @param retentionMillis time retention (Prometheus default 15d); 0 disables it
 * @param retentionBytes size retention; 0 disables it
 * @param blockRange the smallest block range and head chunk window (2h)
 * @param walSegmentSize WAL segment size in bytes (a multiple of 32 KiB; 128 MiB)
 * @param samplesPerChunk target samples per head chunk (120)
 * @param backgroundCompaction whether commits trigger head compaction on a background thread; when
 *     false, callers run {@link Tsdb#compact()} themselves (tests)
 * @param clock wall clock in epoch milliseconds, used for block ULIDs
 * @param walCompression Snappy-compressed WAL records ({@code --storage.tsdb.wal-compression}, on by
 *     default as in Prometheus 2.20+); records of either kind are always readable
 */
public record TsdbOptions(long retentionMillis, long retentionBytes, long blockRange, long walSegmentSize,
        int samplesPerChunk, boolean backgroundCompaction, LongSupplier clock, boolean walCompression) {
    /** With WAL compression on, the default. */
    public TsdbOptions(long retentionMillis, long retentionBytes, long blockRange, long walSegmentSize,
            int samplesPerChunk, boolean backgroundCompaction, LongSupplier clock) {
        this(retentionMillis, retentionBytes, blockRange, walSegmentSize, samplesPerChunk, backgroundCompaction, clock, true);
    }

    public static final long DEFAULT_RETENTION = 15L * 24 * 3600_000L;
    public static final long DEFAULT_BLOCK_RANGE = 2 * 3600_000L;

    public static TsdbOptions defaults() {
        return new TsdbOptions(DEFAULT_RETENTION, 0, DEFAULT_BLOCK_RANGE, Wal.DEFAULT_SEGMENT_SIZE, 120, true,
                System::currentTimeMillis);
    }

    public TsdbOptions withRetention(long millis) {
        return new TsdbOptions(millis, retentionBytes, blockRange, walSegmentSize, samplesPerChunk, backgroundCompaction, clock, walCompression);
    }

    public TsdbOptions withRetentionBytes(long bytes) {
        return new TsdbOptions(retentionMillis, bytes, blockRange, walSegmentSize, samplesPerChunk, backgroundCompaction, clock, walCompression);
    }

    public TsdbOptions withBlockRange(long millis) {
        return new TsdbOptions(retentionMillis, retentionBytes, millis, walSegmentSize, samplesPerChunk, backgroundCompaction, clock, walCompression);
    }

    public TsdbOptions withWalSegmentSize(long bytes) {
        return new TsdbOptions(retentionMillis, retentionBytes, blockRange, bytes, samplesPerChunk, backgroundCompaction, clock, walCompression);
    }

    public TsdbOptions withBackgroundCompaction(boolean on) {
        return new TsdbOptions(retentionMillis, retentionBytes, blockRange, walSegmentSize, samplesPerChunk, on, clock, walCompression);
    }

    public TsdbOptions withClock(LongSupplier c) {
        return new TsdbOptions(retentionMillis, retentionBytes, blockRange, walSegmentSize, samplesPerChunk, backgroundCompaction, c, walCompression);
    }

    public TsdbOptions withWalCompression(boolean on) {
        return new TsdbOptions(retentionMillis, retentionBytes, blockRange, walSegmentSize, samplesPerChunk, backgroundCompaction,
                clock, on);
    }

    /** Largest block: min(31d, retention / 10), at least the block range (Prometheus's default). */
    public long maxBlockDuration() {
        long max = 31L * 24 * 3600_000L;
        if (retentionMillis > 0) {
            max = Math.min(max, retentionMillis / 10);
        }
        return Math.max(max, blockRange);
    }
}
