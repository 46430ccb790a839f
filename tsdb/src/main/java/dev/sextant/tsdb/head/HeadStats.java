package dev.sextant.tsdb.head;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of a {@link Head} for {@code /metrics}: totals only grow, {@link #chunks()} is a gauge.
 * Updated once per commit, chunk cut or truncation (never allocating per sample).
 *
 * <p>Thread-safety: thread-safe ({@link LongAdder}s); reads are cheap and may be slightly stale.
 */
public final class HeadStats {
    final LongAdder chunks = new LongAdder();
    final LongAdder samplesAppended = new LongAdder();
    final LongAdder seriesCreated = new LongAdder();
    final LongAdder seriesRemoved = new LongAdder();
    final LongAdder outOfOrder = new LongAdder();
    final LongAdder duplicate = new LongAdder();
    final LongAdder outOfBounds = new LongAdder();
    final LongAdder truncations = new LongAdder();
    final LongAdder walCorruptions = new LongAdder();

    HeadStats() {}

    /** Chunks held by the head (full and open), like {@code prometheus_tsdb_head_chunks}. */
    public long chunks() {
        return chunks.sum();
    }

    /** Samples appended by commits, not counting WAL replay ({@code prometheus_tsdb_head_samples_appended_total}). */
    public long samplesAppended() {
        return samplesAppended.sum();
    }

    /** Series created, including by WAL replay ({@code prometheus_tsdb_head_series_created_total}). */
    public long seriesCreated() {
        return seriesCreated.sum();
    }

    /** Series removed by head truncation ({@code prometheus_tsdb_head_series_removed_total}). */
    public long seriesRemoved() {
        return seriesRemoved.sum();
    }

    /** Appends rejected as out of order ({@code prometheus_tsdb_out_of_order_samples_total}). */
    public long outOfOrderRejected() {
        return outOfOrder.sum();
    }

    /** Appends rejected as duplicate timestamps with a different value. */
    public long duplicateRejected() {
        return duplicate.sum();
    }

    /** Appends rejected as too old ({@code prometheus_tsdb_out_of_bounds_samples_total}). */
    public long outOfBoundsRejected() {
        return outOfBounds.sum();
    }

    /** Head truncations ({@code prometheus_tsdb_head_truncations_total}). */
    public long truncations() {
        return truncations.sum();
    }

    /** WAL corruptions found and repaired on replay ({@code prometheus_tsdb_wal_corruptions_total}). */
    public long walCorruptionsRepaired() {
        return walCorruptions.sum();
    }
}
