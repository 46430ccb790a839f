package dev.sextant.promql.rules;

/**
 * Prometheus durations ({@code 1y2w3d4h5m6s7ms}; units in decreasing order, each at most once) and
 * their canonical printing ({@code 1h30m}).
 *
 * <p>Thread-safety: stateless.
 */
public final class Durations {
    private Durations() {}

    /**
     * Parses {@code s} to milliseconds.
     *
     * @throws IllegalArgumentException with Prometheus's wording on a malformed duration
     */
    public static long parse(String s) {
        return dev.sextant.tsdb.model.PromDuration.parseMillis(s);
    }

    /** Prints milliseconds as Prometheus does: {@code 0s}, {@code 1m30s}, {@code 1d}, {@code 500ms}. */
    public static String format(long ms) {
        return dev.sextant.tsdb.model.PromDuration.format(ms);
    }
}
