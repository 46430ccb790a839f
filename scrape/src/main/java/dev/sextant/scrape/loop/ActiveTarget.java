package dev.sextant.scrape.loop;

import java.time.Instant;
import java.util.Map;

/**
 * One active target as {@code /api/v1/targets} reports it. Plain data for the API module to encode.
 *
 * <p>Thread-safety: immutable snapshot (maps are unmodifiable copies); safe to share.
 *
 * @param discoveredLabels labels before relabeling (sorted by name)
 * @param labels the target's public labels (sorted by name)
 * @param scrapePool the job name
 * @param scrapeUrl the URL scraped
 * @param globalUrl the URL as seen from outside; equal to {@code scrapeUrl} (Sextant does not rewrite
 *     {@code localhost} to the external host name)
 * @param lastError the last scrape's error, "" when it succeeded
 * @param lastScrape start of the last scrape, null before the first
 * @param lastScrapeDuration seconds
 * @param health {@code up}, {@code down} or {@code unknown} (not scraped yet)
 * @param scrapeInterval Prometheus duration text, e.g. {@code 15s}
 * @param scrapeTimeout Prometheus duration text
 */
public record ActiveTarget(
        Map<String, String> discoveredLabels,
        Map<String, String> labels,
        String scrapePool,
        String scrapeUrl,
        String globalUrl,
        String lastError,
        Instant lastScrape,
        double lastScrapeDuration,
        String health,
        String scrapeInterval,
        String scrapeTimeout) {}
