package dev.sextant.promql.engine;

/**
 * What one query cost, as the HTTP API's {@code stats} reports it.
 *
 * <p>{@code totalQueryableSamples}: samples the selectors handed to evaluation, summed over all
 * steps (an instant selector counts one per series it found at the step, a range selector the
 * points in each window; a subquery counts the points of its windows as well as the samples its
 * inner selectors loaded). {@code peakSamples}: the most samples one step held, the number {@code
 * --query.max-samples} is checked against. {@code totalQueryableSamplesPerStep}: per output step
 * (steps {@code stepStartMs + i * stepMs}), only when the query asked for per-step stats, else null.
 * Timings in nanoseconds: preparation (planning, opening the querier, selecting and loading
 * series), inner evaluation, result sorting, and their sum.
 *
 * <p>Thread-safety: immutable by convention (the per-step array is not copied; do not modify).
 */
public record QueryStats(long totalQueryableSamples, long peakSamples, long stepStartMs, long stepMs,
        long[] totalQueryableSamplesPerStep, long queryPreparationNanos, long innerEvalNanos,
        long resultSortNanos, long evalTotalNanos) {
    /** For results that did not come from the engine. */
    public static final QueryStats NONE = new QueryStats(0, 0, 0, 0, null, 0, 0, 0, 0);
}
