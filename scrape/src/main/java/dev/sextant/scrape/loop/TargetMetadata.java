package dev.sextant.scrape.loop;

import java.util.Map;

/**
 * One entry of {@code /api/v1/targets/metadata}: a metric family's metadata as a target exposed it.
 *
 * <p>Thread-safety: immutable snapshot (maps are unmodifiable copies); safe to share.
 *
 * @param target the target's public labels (sorted by name)
 * @param metric the family name
 * @param type {@code counter}, {@code gauge}, {@code histogram}, {@code summary}, {@code unknown}, ...
 * @param help the help text, "" if none
 * @param unit the unit, "" if none
 */
public record TargetMetadata(Map<String, String> target, String metric, String type, String help, String unit) {}
