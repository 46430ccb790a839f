package dev.sextant.promql.function;

import java.util.Arrays;

/**
 * Numeric helpers shared by function families: compensated summation and quantiles.
 *
 * <p>Thread-safety: stateless.
 */
public final class Stats {
    private Stats() {}

    /**
     * Neumaier-compensated addition. {@code acc[0]} is the running sum, {@code acc[1]} the
     * compensation; the true sum is {@code acc[0] + acc[1]}.
     */
    public static void kahanAdd(double inc, double[] acc) {
        double sum = acc[0];
        double t = sum + inc;
        if (Double.isInfinite(t)) {
            acc[1] = 0;
        } else if (Math.abs(sum) >= Math.abs(inc)) {
            acc[1] += (sum - t) + inc;
        } else {
            acc[1] += (inc - t) + sum;
        }
        acc[0] = t;
    }

    /**
     * The φ-quantile of {@code values[0..n)} (sorted in place, NaN first as Go sorts them) with
     * linear interpolation between the closest ranks.
     */
    public static double quantile(double q, double[] values, int n) {
        if (n == 0 || Double.isNaN(q)) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        sortNaNFirst(values, n);
        double rank = q * (n - 1);
        double lower = Math.max(0, Math.floor(rank));
        double upper = Math.min(n - 1, lower + 1);
        double weight = rank - Math.floor(rank);
        return values[(int) lower] * (1 - weight) + values[(int) upper] * weight;
    }

    /** Sorts ascending with NaNs first, the order Go's slices.Sort gives floats. */
    public static void sortNaNFirst(double[] values, int n) {
        Arrays.sort(values, 0, n);
        int nan = 0;
        for (int i = n - 1; i >= 0 && Double.isNaN(values[i]); i--) {
            nan++;
        }
        if (nan > 0 && nan < n) {
            System.arraycopy(values, 0, values, nan, n - nan);
            Arrays.fill(values, 0, nan, Double.NaN);
        }
    }
}
