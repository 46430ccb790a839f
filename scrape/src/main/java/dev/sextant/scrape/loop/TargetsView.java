package dev.sextant.scrape.loop;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of all targets for {@code /api/v1/targets}.
 *
 * <p>Thread-safety: immutable snapshot (maps are unmodifiable copies); safe to share.
 *
 * @param activeTargets targets being scraped, ordered by pool then URL
 * @param droppedTargets targets dropped by relabeling
 * @param droppedTargetCounts per pool, the number of dropped targets (including those not kept)
 */
public record TargetsView(List<ActiveTarget> activeTargets, List<DroppedTarget> droppedTargets, Map<String, Integer> droppedTargetCounts) {}
