package dev.sextant.tsdb.storage;

/**
 * An opaque, direct handle on one stored series, handed out by {@link Appender#handle} and passed
 * back to {@link Appender#append(SeriesHandle, long, dev.sextant.tsdb.model.Labels, long, double)} and
 * {@link Appender#prefetch}. A caller that caches refs across appenders (the scrape cache) keeps the
 * handle next to the ref, so an append reaches the series without looking its ref up in the storage's
 * maps (on a head of a million series, a chain of dependent cache misses per sample).
 *
 * <p>Callers only store handles and give them back to appenders of the storage that issued them; they
 * never look inside. A handle may go stale (the storage dropped the series): the storage notices and
 * falls back to the ref and labels, as for a stale ref.
 */
public interface SeriesHandle {}
