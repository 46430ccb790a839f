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

    /**
     * A direct handle on the series behind {@code ref} (a reference returned by {@link #append}), for
     * callers that keep refs across appenders; null when the storage does not know the reference or
     * offers no handles (the default). Valid for appenders of the same storage only.
     */
    default SeriesHandle handle(long ref) {
        return null;
    }

    /**
     * {@link #append(long, Labels, long, double)} through a handle that {@link #handle} returned for
     * {@code ref} (or null): the storage uses the handle's series when it is still the one for {@code
     * ref} and still stored, and otherwise resolves {@code ref} and {@code labels} as the plain append
     * does. So a stale handle is tolerated like a stale ref; when the returned ref differs from {@code
     * ref}, the caller asks for a new handle. Default: the plain append.
     */
    default long append(SeriesHandle handle, long ref, Labels labels, long t, double v) {
        return append(ref, labels, t, v);
    }

    /**
     * A hint that samples for the series of {@code handles[from, to)} (entries may be null) follow
     * soon: the storage may load their memory now, many series at once, so the appends find it in
     * the processor's cache. Has no effect on results. Default: nothing.
     */
    default void prefetch(SeriesHandle[] handles, int from, int to) {
    }

    /** Makes every appended sample visible (and durable, as the storage defines it). */
    void commit();

    /** Discards every appended sample. */
    void rollback();
}
