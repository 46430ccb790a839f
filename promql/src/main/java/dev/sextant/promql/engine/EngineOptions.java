package dev.sextant.promql.engine;

import java.time.Duration;

/**
 * Engine limits and defaults, named after Prometheus's flags.
 *
 * @param lookbackDelta {@code --query.lookback-delta}, default 5m
 * @param timeout {@code --query.timeout}, default 2m
 * @param maxSamples {@code --query.max-samples}, default 50,000,000
 */
public record EngineOptions(Duration lookbackDelta, Duration timeout, long maxSamples) {
    public static final EngineOptions DEFAULTS =
            new EngineOptions(Duration.ofMinutes(5), Duration.ofMinutes(2), 50_000_000L);
}
