package dev.sextant.bench.load;

import java.util.Arrays;

/**
 * Request latencies in nanoseconds, recorded into a growable primitive array (no boxing) and
 * summarised by nearest-rank percentiles.
 *
 * <p>Thread-safety: not thread-safe; one per worker, merged at the end.
 */
final class Latencies {
    private long[] nanos = new long[1024];
    private int n;

    void record(long ns) {
        if (n == nanos.length) {
            nanos = Arrays.copyOf(nanos, n * 2);
        }
        nanos[n++] = ns;
    }

    int count() {
        return n;
    }

    void addAll(Latencies other) {
        for (int i = 0; i < other.n; i++) {
            record(other.nanos[i]);
        }
    }

    /** Nearest-rank percentile in milliseconds; NaN when empty. */
    double percentileMillis(double p) {
        if (n == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(nanos, n);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * n);
        return sorted[Math.max(0, Math.min(n - 1, rank - 1))] / 1e6;
    }
}
