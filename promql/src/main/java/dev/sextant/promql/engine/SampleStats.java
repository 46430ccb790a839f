package dev.sextant.promql.engine;

/**
 * Counts the samples a query's selectors hand to evaluation, for the API's {@code stats}: the
 * total, the largest number held by one step (what {@code --query.max-samples} is checked
 * against) and, when asked for, the total per output step. Two additions per selector call and
 * step; no allocation after {@link #perStep} is sized.
 *
 * <p>Thread-safety: not thread-safe; one per evaluator.
 */
final class SampleStats {
    long total;
    long peak;
    /** Per output step, or null when per-step stats are off. */
    long[] perStep;
    private long start;
    private long step;
    private int index;

    /** Allocates the per-step array for the steps {@code start, start+step, ... <= end}. */
    void enablePerStep(long start, long end, long step) {
        this.start = start;
        this.step = step;
        int n = step <= 0 ? 1 : (int) Math.min(Integer.MAX_VALUE - 8, (end - start) / step + 1);
        perStep = new long[n];
    }

    /** The output step now being evaluated. */
    void step(long t) {
        if (perStep != null) {
            index = step <= 0 ? 0 : (int) ((t - start) / step);
        }
    }

    /** {@code n} more samples loaded; {@code inStep} is the step's running count. */
    void add(long n, long inStep) {
        total += n;
        if (inStep > peak) {
            peak = inStep;
        }
        if (perStep != null && index >= 0 && index < perStep.length) {
            perStep[index] += n;
        }
    }
}
