package dev.sextant.promql.rules;

import java.util.List;
import java.util.Map;

/**
 * Read-only snapshots for {@code /api/v1/rules} and {@code /api/v1/alerts}. Times are RFC 3339 strings
 * (Go's zero time {@code 0001-01-01T00:00:00Z} when never evaluated), durations in seconds.
 * All records are immutable snapshots, safe to hand to other threads.
 */
public final class RuleStatus {
    private RuleStatus() {}

    /**
     * The {@code /api/v1/rules} filters: {@code type} ({@code "alert"}, {@code "record"}, or null/empty
     * for both), {@code rule_name[]}, {@code rule_group[]} and {@code file[]} (each: empty = no
     * filtering, otherwise any of). As Prometheus documents, a group whose rules were all filtered out
     * by rule name is not returned.
     */
    public static List<Group> filter(List<Group> groups, String type, java.util.Set<String> ruleNames,
            java.util.Set<String> groupNames, java.util.Set<String> files) {
        List<Group> out = new java.util.ArrayList<>();
        for (Group g : groups) {
            if (!groupNames.isEmpty() && !groupNames.contains(g.name())
                    || !files.isEmpty() && !files.contains(g.file())) {
                continue;
            }
            List<Rule> rules = new java.util.ArrayList<>();
            for (Rule r : g.rules()) {
                boolean typeOk = type == null || type.isEmpty()
                        || type.equals("alert") && r.type().equals("alerting")
                        || type.equals("record") && r.type().equals("recording");
                if (typeOk && (ruleNames.isEmpty() || ruleNames.contains(r.name()))) {
                    rules.add(r);
                }
            }
            if (rules.isEmpty() && !ruleNames.isEmpty()) {
                continue;
            }
            out.add(new Group(g.name(), g.file(), g.intervalSeconds(), g.limit(), g.evaluationTimeSeconds(),
                    g.lastEvaluation(), List.copyOf(rules)));
        }
        return out;
    }

    /** One group. */
    public record Group(String name, String file, double intervalSeconds, int limit, double evaluationTimeSeconds,
            String lastEvaluation, List<Rule> rules) {}

    /**
     * One rule.
     *
     * @param type {@code "alerting"} or {@code "recording"}
     * @param state {@code "inactive"}, {@code "pending"} or {@code "firing"} for alerting rules; null for recording rules
     * @param health {@code "ok"}, {@code "err"} or {@code "unknown"} (not evaluated yet)
     * @param lastError the last evaluation error, empty when none
     */
    public record Rule(String type, String name, String query, double durationSeconds, double keepFiringForSeconds,
            Map<String, String> labels, Map<String, String> annotations, String state, List<Alert> alerts,
            String health, String lastError, double evaluationTimeSeconds, String lastEvaluation) {}

    /**
     * One active alert.
     *
     * @param keepFiringSince RFC 3339 time since the condition cleared while kept firing, or null
     * @param value the sample value; {@link #valueString()} formats it as Prometheus's API does
     */
    public record Alert(Map<String, String> labels, Map<String, String> annotations, String state, String activeAt,
            String keepFiringSince, double value) {
        /** Go's {@code strconv.FormatFloat(v, 'e', -1, 64)}, e.g. {@code 1e+00}. */
        public String valueString() {
            return dev.sextant.promql.template.GoFormat.formatFloat(value, 'e', -1);
        }
    }
}
