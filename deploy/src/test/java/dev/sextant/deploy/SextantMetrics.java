package dev.sextant.deploy;

import java.util.List;

/**
 * The self-monitoring metrics the overview dashboard and the default rules rely on. docs/kubernetes.md
 * lists the same names for the server's developers; {@code DocsTest} keeps the two in step.
 */
final class SextantMetrics {

    static final List<String> NAMES = List.of(
            "sextant_tsdb_head_series",
            "sextant_tsdb_head_chunks",
            "sextant_tsdb_head_samples_appended_total",
            "sextant_tsdb_wal_fsync_duration_seconds",
            "sextant_tsdb_wal_storage_size_bytes",
            "sextant_tsdb_compactions_total",
            "sextant_tsdb_blocks_loaded",
            "sextant_tsdb_storage_blocks_bytes",
            "sextant_engine_query_duration_seconds",
            "sextant_http_requests_total",
            "sextant_http_request_duration_seconds",
            "sextant_target_interval_length_seconds",
            "up",
            "scrape_duration_seconds",
            "sextant_rule_evaluation_duration_seconds",
            "sextant_rule_evaluation_failures_total",
            "sextant_remote_write_receiver_errors_total",
            "sextant_config_last_reload_successful");

    private SextantMetrics() {}
}
