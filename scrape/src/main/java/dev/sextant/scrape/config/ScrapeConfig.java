package dev.sextant.scrape.config;

import dev.sextant.scrape.relabel.RelabelConfig;
import java.util.List;
import java.util.Map;

/**
 * One {@code scrape_configs} entry with global defaults already applied. Durations in milliseconds,
 * limits 0 = unlimited. Two configs that are {@link #equals equal} scrape identically, which is how a
 * reload decides to keep a running pool.
 *
 * <p>{@code extraScrapeMetrics} comes from {@code global.extra_scrape_metrics}.
 *
 * <p>Thread-safety: immutable.
 */
public record ScrapeConfig(
        String jobName,
        long scrapeIntervalMs,
        long scrapeTimeoutMs,
        String metricsPath,
        String scheme,
        Map<String, List<String>> params,
        boolean honorLabels,
        boolean honorTimestamps,
        boolean trackTimestampsStaleness,
        boolean enableCompression,
        List<String> scrapeProtocols,
        String fallbackScrapeProtocol,
        HttpClientConfig http,
        List<StaticConfig> staticConfigs,
        List<FileSdConfig> fileSdConfigs,
        List<KubernetesSdConfig> kubernetesSdConfigs,
        List<String> unsupportedSdConfigs,
        List<RelabelConfig> relabelConfigs,
        List<RelabelConfig> metricRelabelConfigs,
        long bodySizeLimit,
        long sampleLimit,
        long labelLimit,
        long labelNameLengthLimit,
        long labelValueLengthLimit,
        long targetLimit,
        long keepDroppedTargets,
        String metricNameValidationScheme,
        String metricNameEscapingScheme,
        boolean scrapeNativeHistograms,
        boolean alwaysScrapeClassicHistograms,
        boolean convertClassicHistogramsToNhcb,
        boolean extraScrapeMetrics) {

    /** {@code static_configs} entry: addresses plus group labels. */
    public record StaticConfig(List<String> targets, Map<String, String> labels) {}

    /** {@code file_sd_configs} entry; file globs are resolved against the config file's directory. */
    public record FileSdConfig(List<String> files, long refreshIntervalMs) {}

    /** A {@code selectors} entry of a Kubernetes SD config. */
    public record Selector(String role, String label, String field) {}

    /**
     * {@code kubernetes_sd_configs} entry.
     *
     * @param namespaces explicit names; empty with {@code ownNamespace} false means all namespaces
     */
    public record KubernetesSdConfig(
            String role,
            String apiServer,
            String kubeconfigFile,
            boolean ownNamespace,
            List<String> namespaces,
            List<Selector> selectors,
            boolean attachNode,
            boolean attachNamespace,
            boolean attachDeployment,
            boolean attachJob,
            boolean attachCronJob,
            HttpClientConfig http) {}
}
