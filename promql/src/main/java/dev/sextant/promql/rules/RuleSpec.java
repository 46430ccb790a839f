package dev.sextant.promql.rules;

import dev.sextant.promql.template.Template;
import java.util.Map;

/**
 * One validated rule as written in a rule file. Immutable (unmodifiable maps); thread-safe.
 *
 * @param alert true for an alerting rule, false for a recording rule
 * @param name the {@code alert} or {@code record} value
 * @param expr the PromQL expression as written
 * @param forMs {@code for} in milliseconds (alerting rules; 0 otherwise)
 * @param keepFiringForMs {@code keep_firing_for} in milliseconds (alerting rules; 0 otherwise)
 * @param labels rule labels in file order (templates for alerting rules)
 * @param annotations annotations in file order (alerting rules only)
 * @param labelTemplates parsed label templates (alerting rules), same keys as {@code labels}
 * @param annotationTemplates parsed annotation templates, same keys as {@code annotations}
 * @param line line of the rule in its file
 */
public record RuleSpec(boolean alert, String name, String expr, long forMs, long keepFiringForMs,
        Map<String, String> labels, Map<String, String> annotations, Map<String, Template> labelTemplates,
        Map<String, Template> annotationTemplates, int line) {

    /** Whether {@code other} would evaluate identically (used to keep state across reloads). */
    public boolean sameDefinition(RuleSpec other) {
        return alert == other.alert && name.equals(other.name) && expr.equals(other.expr) && forMs == other.forMs
                && keepFiringForMs == other.keepFiringForMs && labels.equals(other.labels)
                && annotations.equals(other.annotations);
    }
}
