package dev.sextant.bench.load;

import java.util.Arrays;

/**
 * A deterministic, realistic population of series shared by the load tools and the JMH suites, so
 * every server and every benchmark sees the same data.
 *
 * <p>Shape: 100 metric families (60 counters, 30 gauges, 10 classic histograms with 11 {@code le}
 * buckets plus {@code +Inf}, {@code _sum} and {@code _count}). A "target" exposes every family
 * once, which is 60 + 30 + 10 × 14 = 230 series; targets are added until the requested series count
 * is reached (the last target is cut short). Every series carries 8 labels ({@code __name__},
 * {@code cluster}, {@code env}, {@code instance}, {@code job}, {@code namespace}, {@code pod},
 * {@code region}) and histogram buckets a ninth, {@code le}.
 *
 * <p>Values: counters start at a per-series offset and grow by small integer increments, gauges
 * wander with two decimals of precision, histograms receive a few observations per step spread
 * over their buckets (cumulative, so every bucket, {@code _count} and {@code _sum} only grow).
 * {@link #advance()} moves every value one step; it allocates nothing.
 *
 * <p>Thread-safety: not thread-safe. Label arrays returned by {@link #labels} are shared and must
 * not be modified.
 */
public final class SeriesModel {
    public static final int FAMILIES = 100;
    public static final int COUNTER_FAMILIES = 60;
    public static final int GAUGE_FAMILIES = 30;
    public static final int HISTOGRAM_FAMILIES = 10;
    public static final String[] BUCKETS = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"};
    private static final double[] BUCKET_BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, Double.POSITIVE_INFINITY};
    /** Series per histogram family per target: buckets, _sum, _count. */
    public static final int HISTOGRAM_SERIES = BUCKETS.length + 2;
    public static final int SERIES_PER_TARGET = COUNTER_FAMILIES + GAUGE_FAMILIES + HISTOGRAM_FAMILIES * HISTOGRAM_SERIES;

    public enum Kind { COUNTER, GAUGE, BUCKET, HIST_SUM, HIST_COUNT }

    private static final String[] COUNTER_NAMES = {
        "http_requests_total", "http_request_errors_total", "grpc_server_handled_total", "process_cpu_seconds_total",
        "node_network_receive_bytes_total", "node_network_transmit_bytes_total", "node_disk_read_bytes_total",
        "node_disk_written_bytes_total", "jvm_gc_collection_seconds_total", "kafka_consumer_records_consumed_total",
    };
    private static final String[] GAUGE_NAMES = {
        "node_memory_usage_bytes", "process_resident_memory_bytes", "node_load1", "node_filesystem_avail_bytes",
        "jvm_threads_current", "up_ratio", "queue_depth", "temperature_celsius",
    };
    private static final String[] HISTOGRAM_NAMES = {
        "http_request_duration_seconds", "grpc_server_handling_seconds", "db_query_duration_seconds",
    };
    private static final String[] JOBS = {"api", "web", "worker", "db", "cache", "ingest", "billing", "search"};
    private static final String[] REGIONS = {"eu-west-1", "eu-central-1", "us-east-1", "us-west-2"};
    private static final String[] ENVS = {"prod", "staging"};

    private final int seriesCount;
    private final String[][] labels;
    private final Kind[] kinds;
    /** For BUCKET series: index of the bucket; otherwise -1. */
    private final int[] bucket;
    private final double[] values;
    private final long[] rng;
    private int step;

    public SeriesModel(int seriesCount, long seed) {
        if (seriesCount <= 0) {
            throw new IllegalArgumentException("series count must be positive: " + seriesCount);
        }
        this.seriesCount = seriesCount;
        this.labels = new String[seriesCount][];
        this.kinds = new Kind[seriesCount];
        this.bucket = new int[seriesCount];
        this.values = new double[seriesCount];
        this.rng = new long[seriesCount];
        String[] familyNames = familyNames();
        int i = 0;
        for (int target = 0; i < seriesCount; target++) {
            String[] targetLabels = targetLabels(target);
            for (int f = 0; f < FAMILIES && i < seriesCount; f++) {
                if (f < COUNTER_FAMILIES + GAUGE_FAMILIES) {
                    i = add(i, familyNames[f], targetLabels, f < COUNTER_FAMILIES ? Kind.COUNTER : Kind.GAUGE, -1, null);
                } else {
                    for (int b = 0; b < BUCKETS.length && i < seriesCount; b++) {
                        i = add(i, familyNames[f] + "_bucket", targetLabels, Kind.BUCKET, b, BUCKETS[b]);
                    }
                    if (i < seriesCount) {
                        i = add(i, familyNames[f] + "_sum", targetLabels, Kind.HIST_SUM, -1, null);
                    }
                    if (i < seriesCount) {
                        i = add(i, familyNames[f] + "_count", targetLabels, Kind.HIST_COUNT, -1, null);
                    }
                }
            }
        }
        for (int s = 0; s < seriesCount; s++) {
            rng[s] = mix(seed ^ (s * 0x9E3779B97F4A7C15L) ^ 0x5DEECE66DL);
            values[s] = switch (kinds[s]) {
                case COUNTER -> (double) (nextRandom(s) % 100_000);
                case GAUGE -> Math.round((nextRandom(s) % 1_000_000) / 100.0 * 100) / 100.0;
                default -> 0;
            };
        }
    }

    /** The 100 family names in model order: counters, gauges, histograms. */
    static String[] familyNames() {
        String[] names = new String[FAMILIES];
        for (int f = 0; f < COUNTER_FAMILIES; f++) {
            String base = COUNTER_NAMES[f % COUNTER_NAMES.length];
            names[f] = f < COUNTER_NAMES.length ? base : base.replace("_total", "_" + (f / COUNTER_NAMES.length) + "_total");
        }
        for (int g = 0; g < GAUGE_FAMILIES; g++) {
            String base = GAUGE_NAMES[g % GAUGE_NAMES.length];
            names[COUNTER_FAMILIES + g] = g < GAUGE_NAMES.length ? base : base + "_" + (g / GAUGE_NAMES.length);
        }
        for (int h = 0; h < HISTOGRAM_FAMILIES; h++) {
            String base = HISTOGRAM_NAMES[h % HISTOGRAM_NAMES.length];
            names[COUNTER_FAMILIES + GAUGE_FAMILIES + h] = h < HISTOGRAM_NAMES.length ? base
                    : base.replace("_seconds", "_" + (h / HISTOGRAM_NAMES.length) + "_seconds");
        }
        return names;
    }

    /** Label values of one target: cluster, env, instance, job, namespace, pod, region. */
    private static String[] targetLabels(int target) {
        String job = JOBS[target % JOBS.length];
        return new String[] {
            "cluster-" + (target % 3),
            ENVS[target % 7 == 0 ? 1 : 0],
            "10.0." + (target / 250) + "." + (target % 250) + ":9100",
            job,
            "ns-" + (target % 12),
            job + "-" + Integer.toHexString(0x10000 + target * 7919 % 0xFFFF) + "-" + (target % 5),
            REGIONS[target % REGIONS.length],
        };
    }

    private int add(int i, String name, String[] t, Kind kind, int b, String le) {
        // Sorted by label name, as remote write requires.
        String[] l = le == null
                ? new String[] {"__name__", name, "cluster", t[0], "env", t[1], "instance", t[2], "job", t[3],
                    "namespace", t[4], "pod", t[5], "region", t[6]}
                : new String[] {"__name__", name, "cluster", t[0], "env", t[1], "instance", t[2], "job", t[3],
                    "le", le, "namespace", t[4], "pod", t[5], "region", t[6]};
        labels[i] = l;
        kinds[i] = kind;
        bucket[i] = b;
        return i + 1;
    }

    public int seriesCount() {
        return seriesCount;
    }

    /** Alternating name, value pairs sorted by name. Shared: do not modify. */
    public String[] labels(int series) {
        return labels[series];
    }

    public Kind kind(int series) {
        return kinds[series];
    }

    public double value(int series) {
        return values[series];
    }

    /** How many times {@link #advance()} ran. */
    public int step() {
        return step;
    }

    /** Moves every series one step. Histograms are updated group by group so they stay consistent. */
    public void advance() {
        step++;
        int s = 0;
        while (s < seriesCount) {
            switch (kinds[s]) {
                case COUNTER -> {
                    values[s] += 1 + nextRandom(s) % 10;
                    s++;
                }
                case GAUGE -> {
                    double delta = ((long) (nextRandom(s) % 2001) - 1000) / 100.0;
                    values[s] = Math.round((Math.abs(values[s] + delta)) * 100) / 100.0;
                    s++;
                }
                case BUCKET -> s = advanceHistogram(s);
                default -> s++; // a _sum or _count whose buckets were cut off by the series count
            }
        }
    }

    /** Adds 0..19 observations to the histogram starting at {@code first}; returns the next index. */
    private int advanceHistogram(int first) {
        int end = first;
        while (end < seriesCount && kinds[end] == Kind.BUCKET && (end == first || bucket[end] > bucket[end - 1])) {
            end++;
        }
        int sumIdx = end < seriesCount && kinds[end] == Kind.HIST_SUM ? end : -1;
        int countIdx = sumIdx >= 0 && end + 1 < seriesCount && kinds[end + 1] == Kind.HIST_COUNT ? end + 1 : -1;
        int observations = (int) (nextRandom(first) % 20);
        double sum = 0;
        for (int o = 0; o < observations; o++) {
            // Latency-like: mostly small, a long tail.
            double x = (nextRandom(first) % 10_000) / 10_000.0;
            double v = Math.round(x * x * x * 8_000) / 1000.0;
            sum += v;
            for (int s = first; s < end; s++) {
                if (v <= BUCKET_BOUNDS[bucket[s]]) {
                    values[s] += 1;
                }
            }
        }
        if (sumIdx >= 0) {
            values[sumIdx] = Math.round((values[sumIdx] + sum) * 1000) / 1000.0;
        }
        if (countIdx >= 0) {
            values[countIdx] += observations;
        }
        return countIdx >= 0 ? countIdx + 1 : sumIdx >= 0 ? sumIdx + 1 : end;
    }

    private long nextRandom(int s) {
        long x = rng[s];
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        rng[s] = x;
        return x & Long.MAX_VALUE;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return z == 0 ? 1 : z;
    }

    /** A copy of the current values, for tests. */
    double[] snapshot() {
        return Arrays.copyOf(values, seriesCount);
    }
}
