package dev.sextant.bench.load;

import java.util.List;

/**
 * The fixed PromQL query set shared by {@code PromqlBench} and {@link QuerySetRunner}: each query
 * is run as an instant query at the data's last timestamp and as a range query over the data's
 * whole span. Names are stable keys for reports. The mix: a plain selector, {@code rate} with
 * {@code sum by}, a regex selector, {@code histogram_quantile} over summed bucket rates,
 * {@code topk}, a gauge aggregation, an {@code _over_time} function and a filtered count.
 */
public final class QuerySet {
    public record Query(String name, String expr) {}

    public static final List<Query> QUERIES = List.of(
            new Query("selector", "http_requests_total{job=\"api\"}"),
            new Query("sum_rate", "sum by (job) (rate(http_requests_total[5m]))"),
            new Query("rate_regex", "rate(node_network_receive_bytes_total{namespace=~\"ns-(1|2|3)\"}[5m])"),
            new Query("histogram_quantile",
                    "histogram_quantile(0.9, sum by (le, job) (rate(http_request_duration_seconds_bucket[5m])))"),
            new Query("topk", "topk(5, node_memory_usage_bytes)"),
            new Query("sum_gauge", "sum by (namespace) (process_resident_memory_bytes)"),
            new Query("max_over_time", "max_over_time(temperature_celsius[5m])"),
            new Query("count_filter", "count(node_load1 > 5000)"));

    private QuerySet() {}

    public static Query byName(String name) {
        for (Query q : QUERIES) {
            if (q.name().equals(name)) {
                return q;
            }
        }
        throw new IllegalArgumentException("no query named " + name);
    }
}
