package dev.sextant.tsdb.query;

import java.util.List;

/**
 * The label index of one source (the head or a block): postings per label pair and the values per
 * name. Head and blocks look the same to {@link PostingsForMatchers} through this interface.
 *
 * <p>Thread-safety: implementations are safe for use by one querier at a time; results are
 * snapshots owned by the caller.
 */
public interface IndexReader {
    /** Every series reference, sorted. */
    long[] allPostings();

    /** Sorted references of series with {@code name="value"}; empty when none. */
    long[] postings(String name, String value);

    /** Sorted values of {@code name}. */
    List<String> labelValues(String name);

    /** Sorted label names. */
    List<String> labelNames();
}
