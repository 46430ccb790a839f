package dev.sextant.tsdb.query;

import java.util.Arrays;
import java.util.List;

/**
 * Operations on postings lists: sorted, duplicate-free arrays of series references. Inputs are
 * never modified; results are new arrays.
 *
 * <p>Thread-safety: stateless.
 */
public final class Postings {
    public static final long[] EMPTY = new long[0];

    private Postings() {}

    public static long[] intersect(long[] a, long[] b) {
        long[] out = new long[Math.min(a.length, b.length)];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length && j < b.length) {
            long x = a[i];
            long y = b[j];
            if (x == y) {
                out[n++] = x;
                i++;
                j++;
            } else if (x < y) {
                i++;
            } else {
                j++;
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** Union of any number of lists. */
    public static long[] merge(List<long[]> lists) {
        if (lists.isEmpty()) {
            return EMPTY;
        }
        long[] acc = lists.get(0);
        for (int k = 1; k < lists.size(); k++) {
            acc = union(acc, lists.get(k));
        }
        return acc;
    }

    public static long[] union(long[] a, long[] b) {
        long[] out = new long[a.length + b.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length || j < b.length) {
            long v;
            if (j >= b.length || (i < a.length && a[i] < b[j])) {
                v = a[i++];
            } else if (i >= a.length || b[j] < a[i]) {
                v = b[j++];
            } else {
                v = a[i++];
                j++;
            }
            out[n++] = v;
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** Elements of {@code a} that are not in {@code b}. */
    public static long[] subtract(long[] a, long[] b) {
        long[] out = new long[a.length];
        int j = 0;
        int n = 0;
        for (long x : a) {
            while (j < b.length && b[j] < x) {
                j++;
            }
            if (j < b.length && b[j] == x) {
                continue;
            }
            out[n++] = x;
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }
}
