package dev.sextant.tsdb.storage;

import dev.sextant.tsdb.model.Labels;

/**
 * A batch of samples that becomes visible to readers atomically on {@link #commit()}.
 *
 * <p>Lifetime: single use. After {@code commit()} or {@code rollback()} the appender must not be
 * used again. Thread-safety: not thread-safe; owned by the thread that opened it.
 *
 * <p>Durability: when {@code commit()} returns, the samples are as durable as the storage promises
 * (for the on-disk TSDB: written to the WAL).
 */
public interface Appender {
    /**
     * Adds a sample.
     *
     * @param ref a series reference returned by an earlier call for the same labels, or 0 when unknown;
     *     a stale reference is tolerated (the labels are looked up again)
     * @param labels the series' labels; must be non-empty and hold a metric name
     * @param t timestamp in milliseconds since the epoch
     * @param v the value; {@link dev.sextant.tsdb.model.StaleNaN#VALUE} marks the series stale
     * @return a reference the caller may pass next time for the same series
     * @throws StorageException.OutOfOrder, DuplicateSample, OutOfBounds and others with
     *     Prometheus's texts; the appender stays usable for further samples after such a rejection
     */
    long append(long ref, Labels labels, long t, double v);

    /**
     * The labels the storage keeps for the series behind {@code ref} (a reference returned by
     * {@link #append}), or null when it does not know the reference or does not say. Callers that
     * cache refs (the remote-write receiver) keep this instance instead of their own copy, so a
     * cached series costs no second set of label strings, and {@link #append} with that ref and
     * that instance needs no label comparison (the head compares other instances label by label,
     * so that a ref naming another series never takes the sample). Default: null.
     */
    default Labels storedLabels(long ref) {
        return null;
    }

    /** Makes every appended sample visible (and durable, as the storage defines it). */
    void commit();

    /** Discards every appended sample. */
    void rollback();
}
