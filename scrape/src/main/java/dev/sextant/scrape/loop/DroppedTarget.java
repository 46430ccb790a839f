package dev.sextant.scrape.loop;

import java.util.Map;

/**
 * A target that relabeling dropped, as {@code /api/v1/targets} reports it (at most
 * {@code keep_dropped_targets} per pool when that is non-zero).
 *
 * <p>Thread-safety: immutable snapshot (maps are unmodifiable copies); safe to share.
 *
 * @param discoveredLabels labels before relabeling (sorted by name)
 * @param scrapePool the job name
 */
public record DroppedTarget(Map<String, String> discoveredLabels, String scrapePool) {}
