package dev.sextant.promql.engine;

import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.StaleNaN;
import java.util.Arrays;

/**
 * A series' samples loaded once per query for one selector: all samples (stale markers included,
 * for instant lookups) and the float samples without stale markers (for range windows).
 */
final class LoadedSeries {
    final Labels labels;
    long[] ts = new long[8];
    double[] vs = new double[8];
    int n;
    long[] fts;
    double[] fvs;
    int fn;
    /** Whether the "might not be a counter" check already ran for this series in this query. */
    boolean counterNameChecked;

    LoadedSeries(Labels labels) {
        this.labels = labels;
    }

    /** A series whose samples are already in arrays of exactly {@code ts.length}. */
    LoadedSeries(Labels labels, long[] ts, double[] vs) {
        this.labels = labels;
        this.ts = ts;
        this.vs = vs;
        this.n = ts.length;
    }

    void add(long t, double v) {
        if (n == ts.length) {
            ts = Arrays.copyOf(ts, n * 2);
            vs = Arrays.copyOf(vs, n * 2);
        }
        ts[n] = t;
        vs[n] = v;
        n++;
    }

    /** Builds the stale-free arrays; shares the full arrays when there is no stale marker. */
    void seal() {
        int stale = 0;
        for (int i = 0; i < n; i++) {
            if (StaleNaN.isStale(vs[i])) {
                stale++;
            }
        }
        if (stale == 0) {
            fts = ts;
            fvs = vs;
            fn = n;
            return;
        }
        fts = new long[n - stale];
        fvs = new double[n - stale];
        for (int i = 0; i < n; i++) {
            if (!StaleNaN.isStale(vs[i])) {
                fts[fn] = ts[i];
                fvs[fn] = vs[i];
                fn++;
            }
        }
    }

    /** Index of the last sample with timestamp {@code <= t} in {@code a[0..len)}, or -1. */
    static int lastAtOrBefore(long[] a, int len, long t) {
        int lo = 0;
        int hi = len - 1;
        int ans = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= t) {
                ans = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return ans;
    }
}
