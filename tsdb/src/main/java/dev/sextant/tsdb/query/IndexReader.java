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

    /**
     * The refs of sorted {@code candidates} that carry {@code name} with one of {@code values}, in
     * order: {@code candidates} ∩ (union of those values' postings). This default merges the
     * lists, or, when {@code candidates} is much shorter than them, looks each candidate up by
     * binary search; an index that keeps its lists in memory can do the same without copying them.
     */
    default long[] retain(long[] candidates, String name, List<String> values) {
        List<long[]> lists = new java.util.ArrayList<>(values.size());
        long total = 0;
        for (String v : values) {
            long[] p = postings(name, v);
            if (p.length > 0) {
                lists.add(p);
                total += p.length;
            }
        }
        if ((long) candidates.length * 16 > total) {
            return Postings.intersect(candidates, Postings.merge(lists));
        }
        long[] out = new long[candidates.length];
        int n = 0;
        for (long ref : candidates) {
            for (long[] p : lists) {
                if (java.util.Arrays.binarySearch(p, ref) >= 0) {
                    out[n++] = ref;
                    break;
                }
            }
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    /** Sorted values of {@code name}. */
    List<String> labelValues(String name);

    /** Sorted label names. */
    List<String> labelNames();
}
