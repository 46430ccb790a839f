package dev.sextant.promql.function;

/**
 * The float samples of one series inside one range window, handed to a {@link RangeFunction}.
 * Arrays are owned by the evaluator and reused between calls; only {@code [from, to)} is valid.
 *
 * <p>Thread-safety: not thread-safe; owned by one evaluator.
 */
public final class RangeWindow {
    /** Sample timestamps (ms) and values. */
    public long[] ts;
    public double[] vs;
    public int from;
    public int to;
    /** Exclusive start and inclusive end of the window in ms (already shifted by offset/@). */
    public long windowStart;
    public long windowEnd;
    /** Evaluation time of the enclosing step in ms (after @ and offset). */
    public long evalTime;
    /**
     * True for {@code anchored}/{@code smoothed} windows: the first and last samples are the
     * boundary values, so the rate family takes the plain difference without extrapolation.
     */
    public boolean boundaryValues;
    /** Scalar arguments in call order, excluding the range vector. */
    public double[] params = new double[0];

    public int count() {
        return to - from;
    }
}
