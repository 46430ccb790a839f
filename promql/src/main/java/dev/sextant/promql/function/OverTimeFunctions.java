package dev.sextant.promql.function;

/**
 * The {@code *_over_time} family: aggregations of each series' samples across its window.
 *
 * <p>Thread-safety: stateless apart from per-call scratch arrays.
 */
final class OverTimeFunctions {
    private OverTimeFunctions() {}

    static double sum(RangeWindow w) {
        double[] acc = new double[2];
        for (int i = w.from; i < w.to; i++) {
            Stats.kahanAdd(w.vs[i], acc);
        }
        return acc[0] + acc[1];
    }

    static double avg(RangeWindow w) {
        int n = w.count();
        double[] acc = new double[2];
        boolean sawInf = false;
        for (int i = w.from; i < w.to; i++) {
            Stats.kahanAdd(w.vs[i], acc);
            sawInf |= Double.isInfinite(w.vs[i]);
        }
        boolean overflow = Double.isInfinite(acc[0]) && !sawInf;
        if (!overflow) {
            return (acc[0] + acc[1]) / n;
        }
        // The plain sum overflowed: fall back to an incremental mean, which stays in range.
        double mean = 0;
        double[] m = new double[2];
        int count = 0;
        for (int i = w.from; i < w.to; i++) {
            count++;
            double cur = m[0] + m[1];
            Stats.kahanAdd(w.vs[i] / count - cur / count, m);
        }
        mean = m[0] + m[1];
        return mean;
    }

    static double count(RangeWindow w) {
        return w.count();
    }

    static double min(RangeWindow w) {
        double m = w.vs[w.from];
        for (int i = w.from + 1; i < w.to; i++) {
            double v = w.vs[i];
            if (v < m || Double.isNaN(m)) {
                m = v;
            }
        }
        return m;
    }

    static double max(RangeWindow w) {
        double m = w.vs[w.from];
        for (int i = w.from + 1; i < w.to; i++) {
            double v = w.vs[i];
            if (v > m || Double.isNaN(m)) {
                m = v;
            }
        }
        return m;
    }

    static double last(RangeWindow w) {
        return w.vs[w.to - 1];
    }

    static double first(RangeWindow w) {
        return w.vs[w.from];
    }

    static double present(RangeWindow w) {
        return 1;
    }

    static double stdvar(RangeWindow w) {
        double count = 0;
        double[] mean = new double[2];
        double[] aux = new double[2];
        for (int i = w.from; i < w.to; i++) {
            double v = w.vs[i];
            count++;
            double delta = v - (mean[0] + mean[1]);
            Stats.kahanAdd(delta / count, mean);
            Stats.kahanAdd(delta * (v - (mean[0] + mean[1])), aux);
        }
        return (aux[0] + aux[1]) / count;
    }

    static double stddev(RangeWindow w) {
        return Math.sqrt(stdvar(w));
    }

    static double quantile(RangeWindow w) {
        double[] copy = java.util.Arrays.copyOfRange(w.vs, w.from, w.to);
        return Stats.quantile(w.params[0], copy, copy.length);
    }

    static double mad(RangeWindow w) {
        for (int i = w.from; i < w.to; i++) {
            if (Double.isNaN(w.vs[i])) {
                return Double.NaN;
            }
        }
        double[] copy = java.util.Arrays.copyOfRange(w.vs, w.from, w.to);
        double median = Stats.quantile(0.5, copy, copy.length);
        for (int i = 0; i < copy.length; i++) {
            copy[i] = Math.abs(copy[i] - median);
        }
        return Stats.quantile(0.5, copy, copy.length);
    }

    static double tsOfMin(RangeWindow w) {
        int best = w.from;
        for (int i = w.from + 1; i < w.to; i++) {
            if (w.vs[i] <= w.vs[best] || Double.isNaN(w.vs[best])) {
                best = i;
            }
        }
        return w.ts[best] / 1000.0;
    }

    static double tsOfMax(RangeWindow w) {
        int best = w.from;
        for (int i = w.from + 1; i < w.to; i++) {
            if (w.vs[i] >= w.vs[best] || Double.isNaN(w.vs[best])) {
                best = i;
            }
        }
        return w.ts[best] / 1000.0;
    }

    static double tsOfFirst(RangeWindow w) {
        return w.ts[w.from] / 1000.0;
    }

    static double tsOfLast(RangeWindow w) {
        return w.ts[w.to - 1] / 1000.0;
    }
}
