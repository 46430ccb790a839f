package dev.sextant.promql.engine;

import java.time.Duration;

/**
 * Per-query settings that override the engine's {@link EngineOptions}; a null field means "use the
 * engine default". The effective timeout is the smaller of this and the engine's.
 *
 * @param lookbackDelta the API's {@code lookback_delta}
 * @param timeout the API's {@code timeout}; evaluation fails with {@link QueryException.Kind#TIMEOUT}
 * @param maxSamples limit on samples loaded at once
 * @param perStepStats count samples per output step too (the API's {@code stats=all})
 * @param budget when not null, evaluation that runs longer than this stops with {@link
 *     OverBudgetException} (no result, nothing to report): the HTTP server starts a query on its
 *     event loop with a small budget and reruns it on a worker thread when the budget runs out
 *
 * <p>Thread-safety: immutable.
 */
public record QueryOptions(Duration lookbackDelta, Duration timeout, Long maxSamples, boolean perStepStats,
        Duration budget) {
    public static final QueryOptions DEFAULTS = new QueryOptions(null, null, null);

    public QueryOptions(Duration lookbackDelta, Duration timeout, Long maxSamples, boolean perStepStats) {
        this(lookbackDelta, timeout, maxSamples, perStepStats, null);
    }

    /** These options with an evaluation budget (see {@link #budget()}). */
    public QueryOptions withBudget(Duration b) {
        return new QueryOptions(lookbackDelta, timeout, maxSamples, perStepStats, b);
    }

    public QueryOptions(Duration lookbackDelta, Duration timeout, Long maxSamples) {
        this(lookbackDelta, timeout, maxSamples, false);
    }
}
