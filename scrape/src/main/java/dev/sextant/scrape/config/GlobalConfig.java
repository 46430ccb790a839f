package dev.sextant.scrape.config;

import java.util.List;
import java.util.Map;

/**
 * The {@code global} section, with Prometheus's defaults applied. Durations are milliseconds; limits
 * of 0 mean unlimited.
 *
 * <p>Thread-safety: immutable.
 */
public record GlobalConfig(
        long scrapeIntervalMs,
        long scrapeTimeoutMs,
        long evaluationIntervalMs,
        long ruleQueryOffsetMs,
        Map<String, String> externalLabels,
        List<String> scrapeProtocols,
        String queryLogFile,
        String scrapeFailureLogFile,
        long bodySizeLimit,
        long sampleLimit,
        long targetLimit,
        long labelLimit,
        long labelNameLengthLimit,
        long labelValueLengthLimit,
        long keepDroppedTargets,
        String metricNameValidationScheme,
        String metricNameEscapingScheme,
        boolean scrapeNativeHistograms,
        boolean alwaysScrapeClassicHistograms,
        boolean convertClassicHistogramsToNhcb,
        boolean extraScrapeMetrics) {

    public static final long DEFAULT_SCRAPE_INTERVAL_MS = 60_000;
    public static final long DEFAULT_SCRAPE_TIMEOUT_MS = 10_000;
    public static final long DEFAULT_EVALUATION_INTERVAL_MS = 60_000;

    /** The default protocol order when native histograms are off (formats.md section 3). */
    public static final List<String> DEFAULT_SCRAPE_PROTOCOLS = List.of(
            "OpenMetricsText1.0.0", "OpenMetricsText0.0.1", "PrometheusText1.0.0", "PrometheusText0.0.4");

    /** The defaults for a file with no {@code global} section. */
    public static final GlobalConfig DEFAULT = new GlobalConfig(
            DEFAULT_SCRAPE_INTERVAL_MS, DEFAULT_SCRAPE_TIMEOUT_MS, DEFAULT_EVALUATION_INTERVAL_MS, 0, Map.of(),
            DEFAULT_SCRAPE_PROTOCOLS, null, null, 0, 0, 0, 0, 0, 0, 0, "utf8", "allow-utf-8",
            false, false, false, false);
}
