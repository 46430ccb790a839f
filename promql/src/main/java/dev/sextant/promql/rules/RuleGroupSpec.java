package dev.sextant.promql.rules;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One validated rule group as written in a rule file. Immutable; thread-safe.
 *
 * @param file the file the group came from
 * @param name group name, unique per file
 * @param intervalMs {@code interval} in milliseconds, or 0 when not set (the global default applies)
 * @param limit {@code limit}, 0 for none
 * @param queryOffsetMs {@code query_offset} in milliseconds, or -1 when not set
 * @param labels group labels, applied to every rule (rule labels win)
 * @param rules the rules, in evaluation order
 */
public record RuleGroupSpec(Path file, String name, long intervalMs, int limit, long queryOffsetMs,
        Map<String, String> labels, List<RuleSpec> rules) {}
