package dev.sextant.api.v1;

import dev.sextant.tsdb.model.Labels;
import java.util.List;
import java.util.Map;

/**
 * What the scrape manager exposes to {@code /api/v1/targets}, {@code /api/v1/scrape_pools},
 * {@code /api/v1/targets/metadata} and {@code /api/v1/metadata}. Implementations must be thread-safe
 * and return snapshots.
 */
public interface TargetsView {
    /** A view for a server that scrapes nothing. */
    TargetsView NONE = new TargetsView() {
        @Override
        public List<ActiveTarget> activeTargets() {
            return List.of();
        }

        @Override
        public List<DroppedTarget> droppedTargets() {
            return List.of();
        }

        @Override
        public Map<String, Integer> droppedTargetCounts() {
            return Map.of();
        }

        @Override
        public List<String> scrapePools() {
            return List.of();
        }

        @Override
        public List<TargetMetadata> metadata() {
            return List.of();
        }
    };

    List<ActiveTarget> activeTargets();

    List<DroppedTarget> droppedTargets();

    Map<String, Integer> droppedTargetCounts();

    List<String> scrapePools();

    /** Metric metadata learned from scrapes, one entry per target and metric family. */
    List<TargetMetadata> metadata();

    /**
     * @param lastScrape RFC 3339 with nanoseconds, or {@code 0001-01-01T00:00:00Z} before the first scrape
     * @param lastScrapeDuration seconds
     * @param health {@code up}, {@code down} or {@code unknown}
     */
    record ActiveTarget(Labels discoveredLabels, Labels labels, String scrapePool, String scrapeUrl,
            String globalUrl, String lastError, String lastScrape, double lastScrapeDuration, String health,
            String scrapeInterval, String scrapeTimeout) {}

    record DroppedTarget(Labels discoveredLabels, String scrapePool) {}

    record TargetMetadata(Labels target, String metric, String type, String help, String unit) {}
}
