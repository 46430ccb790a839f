package dev.sextant.tsdb.query;

import dev.sextant.tsdb.model.Matcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves label matchers to a postings list. Matchers that reject the empty value intersect the
 * union of their matching values' postings; matchers that accept the empty value (absent labels
 * match) instead subtract the series whose value fails the matcher. With only the latter kind the
 * start is the all-series list.
 *
 * <p>Thread-safety: stateless.
 */
public final class PostingsForMatchers {
    private PostingsForMatchers() {}

    public static long[] select(IndexReader ix, Matcher... matchers) {
        if (matchers == null || matchers.length == 0) {
            return ix.allPostings();
        }
        long[] acc = null;
        List<long[]> subtract = new ArrayList<>();
        // Equality matchers first: one list each, usually the smallest. A regex matcher then only
        // filters what is left instead of building the union of all its values' lists.
        for (Matcher m : matchers) {
            if (!m.matchesEmpty() && m.type() == Matcher.Type.EQUAL) {
                acc = acc == null ? ix.postings(m.name(), m.value()) : ix.retain(acc, m.name(), List.of(m.value()));
                if (acc.length == 0) {
                    return Postings.EMPTY;
                }
            }
        }
        for (Matcher m : matchers) {
            if (m.matchesEmpty()) {
                long[] bad = valuesPostings(ix, m, false);
                if (bad.length > 0) {
                    subtract.add(bad);
                }
            } else if (m.type() != Matcher.Type.EQUAL) {
                acc = acc == null ? valuesPostings(ix, m, true) : retainMatching(ix, m, acc);
                if (acc.length == 0) {
                    return Postings.EMPTY;
                }
            }
        }
        if (acc == null) {
            acc = ix.allPostings();
        }
        for (long[] s : subtract) {
            acc = Postings.subtract(acc, s);
        }
        return acc;
    }

    /** {@code acc} ∩ (union of the postings of the values matching {@code m}). */
    private static long[] retainMatching(IndexReader ix, Matcher m, long[] acc) {
        List<String> matching = new ArrayList<>();
        for (String v : ix.labelValues(m.name())) {
            if (m.matches(v)) {
                matching.add(v);
            }
        }
        return ix.retain(acc, m.name(), matching);
    }

    /** Union of postings of values of the matcher's label for which {@code matches(v) == want}. */
    private static long[] valuesPostings(IndexReader ix, Matcher m, boolean want) {
        List<long[]> lists = new ArrayList<>();
        for (String v : ix.labelValues(m.name())) {
            if (m.matches(v) == want) {
                lists.add(ix.postings(m.name(), v));
            }
        }
        return Postings.merge(lists);
    }
}
