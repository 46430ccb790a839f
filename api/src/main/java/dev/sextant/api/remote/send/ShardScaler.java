package dev.sextant.api.remote.send;

/**
 * Decides how many shards a queue should run, with Prometheus's rule: enough shards to keep up with
 * the incoming rate at the measured time per sample, plus a share of the backlog (so a queue that
 * fell behind catches up over a few minutes), ignoring changes within 30% of the current count.
 * Rates are exponentially weighted over {@link #UPDATE_MILLIS} ticks.
 *
 * <p>Thread-safety: not thread-safe; one caller ticks it.
 */
final class ShardScaler {
    static final long UPDATE_MILLIS = 10_000;
    static final double EWMA_WEIGHT = 0.2;
    static final double TOLERANCE = 0.3;
    /** Fraction of the backlog to work off per second (Prometheus: 0.1 per shard-update interval). */
    static final double INTEGRAL_GAIN = 0.1 / (UPDATE_MILLIS / 1000.0);

    private final Ewma inRate = new Ewma();
    private final Ewma outRate = new Ewma();
    private final Ewma droppedRate = new Ewma();
    private final Ewma outDuration = new Ewma();
    private long lastIn;
    private long lastOut;
    private long lastDropped;
    private long lastDurationNanos;

    /**
     * Feeds one tick's cumulative counters and returns the desired shard count.
     *
     * @param in samples read from the WAL so far
     * @param out samples sent (or permanently failed) so far
     * @param dropped samples dropped before sending (relabeling, age limit) so far
     * @param sendNanos total time spent in send calls so far
     * @param highestInSeconds newest sample timestamp in storage
     * @param highestSentSeconds newest sample timestamp sent
     */
    int tick(int current, int min, int max, long in, long out, long dropped, long sendNanos,
            double highestInSeconds, double highestSentSeconds) {
        double secs = UPDATE_MILLIS / 1000.0;
        inRate.update((in - lastIn) / secs);
        outRate.update((out - lastOut) / secs);
        droppedRate.update((dropped - lastDropped) / secs);
        outDuration.update((sendNanos - lastDurationNanos) / 1e9 / secs);
        lastIn = in;
        lastOut = out;
        lastDropped = dropped;
        lastDurationNanos = sendNanos;
        double delay = highestSentSeconds > 0 ? Math.max(0, highestInSeconds - highestSentSeconds) : 0;
        return desired(current, min, max, inRate.value, outRate.value, droppedRate.value, outDuration.value, delay);
    }

    /**
     * The pure calculation.
     *
     * @param outDurationRate seconds spent sending per second (summed over shards)
     * @param delaySeconds how far the newest sent sample is behind the newest stored one
     */
    static int desired(int current, int min, int max, double inRate, double outRate, double droppedRate,
            double outDurationRate, double delaySeconds) {
        if (outRate <= 0) {
            // Nothing got through (receiver down or idle): more shards would not help.
            return clamp(current, min, max);
        }
        double keptRatio = outRate / (outRate + droppedRate);
        double pending = delaySeconds * inRate * keptRatio;
        double timePerSample = outDurationRate / outRate;
        double desired = timePerSample * (inRate * keptRatio + INTEGRAL_GAIN * pending);
        double lower = current * (1 - TOLERANCE);
        double upper = current * (1 + TOLERANCE);
        int d = (int) Math.ceil(desired);
        if (lower <= desired && desired <= upper) {
            return clamp(current, min, max);
        }
        return clamp(d, min, max);
    }

    private static int clamp(int v, int min, int max) {
        return Math.max(min, Math.min(max, v));
    }

    private static final class Ewma {
        double value;
        boolean init;

        void update(double x) {
            if (!init) {
                value = x;
                init = true;
            } else {
                value = EWMA_WEIGHT * x + (1 - EWMA_WEIGHT) * value;
            }
        }
    }
}
