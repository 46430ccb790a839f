package dev.sextant.tsdb.storage;

/**
 * Something that can be read.
 *
 * <p>Thread-safety: implementations are thread-safe; each {@link Querier} belongs to its caller.
 */
public interface Queryable {
    /**
     * Opens a querier over samples with {@code mint <= t <= maxt} (milliseconds, both inclusive).
     * The caller must close it.
     */
    Querier querier(long mint, long maxt);
}
