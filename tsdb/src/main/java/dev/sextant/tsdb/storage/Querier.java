package dev.sextant.tsdb.storage;

import dev.sextant.tsdb.model.Matcher;
import java.util.List;

/**
 * A read view over a time range.
 *
 * <p>Lifetime: series sets, series, iterators and strings obtained from a querier are valid only
 * until {@link #close()}. Thread-safety: not thread-safe; one querier per query.
 */
public interface Querier extends AutoCloseable {
    /**
     * Returns the series whose labels satisfy every matcher (an absent label matches as the empty
     * string). At least one matcher should not match the empty string; otherwise the result may be
     * every series.
     *
     * @param sorted whether series must come in {@link dev.sextant.tsdb.model.Labels} order
     * @param hints optional hints (may be null)
     */
    SeriesSet select(boolean sorted, SelectHints hints, Matcher... matchers);

    /** Sorted, unique label names of series matching all matchers (all series when none). */
    List<String> labelNames(Matcher... matchers);

    /** Sorted, unique values of {@code name} in series matching all matchers. */
    List<String> labelValues(String name, Matcher... matchers);

    @Override
    void close();
}
