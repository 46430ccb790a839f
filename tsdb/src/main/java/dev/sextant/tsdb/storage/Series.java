package dev.sextant.tsdb.storage;

import dev.sextant.tsdb.model.Labels;

/**
 * One series of a {@link SeriesSet}.
 *
 * <p>Lifetime: valid until its querier closes. Thread-safety: not thread-safe.
 */
public interface Series {
    Labels labels();

    /**
     * Returns an iterator positioned before the first sample. {@code reuse} is an iterator from an
     * earlier call that the caller no longer needs; implementations may reset and return it to
     * avoid allocation. Pass null when there is none.
     */
    SampleIterator iterator(SampleIterator reuse);
}
