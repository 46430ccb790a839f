package dev.sextant.scrape.relabel;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.List;

/**
 * One validated relabeling step. Build it with {@link #of}; the regex is compiled once, anchored at
 * both ends with {@code (?s:...)} like Prometheus (so {@code .} also matches newlines).
 *
 * <p>Thread-safety: immutable; share freely.
 *
 * @param sourceLabels labels whose values are joined with {@code separator}; a missing label is ""
 * @param separator joiner of source values (default {@code ;})
 * @param targetLabel label to write, may hold {@code $1}-style references for replace
 * @param regex the regex source as written (default {@code (.*)})
 * @param modulus hashmod's modulus
 * @param replacement replacement template (default {@code $1})
 * @param action the action (default replace)
 * @param pattern the compiled, anchored pattern
 */
public record RelabelConfig(
        List<String> sourceLabels,
        String separator,
        String targetLabel,
        String regex,
        long modulus,
        String replacement,
        RelabelAction action,
        Pattern pattern) {

    public static final String DEFAULT_SEPARATOR = ";";
    public static final String DEFAULT_REGEX = "(.*)";
    public static final String DEFAULT_REPLACEMENT = "$1";

    public RelabelConfig {
        sourceLabels = List.copyOf(sourceLabels);
    }

    /** Equal when configured the same; the compiled pattern follows from {@code regex}. */
    @Override
    public boolean equals(Object o) {
        return o instanceof RelabelConfig r && sourceLabels.equals(r.sourceLabels) && separator.equals(r.separator)
                && targetLabel.equals(r.targetLabel) && regex.equals(r.regex) && modulus == r.modulus
                && replacement.equals(r.replacement) && action == r.action;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(sourceLabels, separator, targetLabel, regex, modulus, replacement, action);
    }

    /**
     * Validates and compiles a step; null arguments take Prometheus's defaults.
     *
     * @throws IllegalArgumentException with Prometheus's wording when the combination is invalid
     */
    public static RelabelConfig of(
            List<String> sourceLabels, String separator, String targetLabel, String regex,
            long modulus, String replacement, RelabelAction action) {
        List<String> src = sourceLabels == null ? List.of() : sourceLabels;
        String sep = separator == null ? DEFAULT_SEPARATOR : separator;
        String target = targetLabel == null ? "" : targetLabel;
        String re = regex == null ? DEFAULT_REGEX : regex;
        String repl = replacement == null ? DEFAULT_REPLACEMENT : replacement;
        RelabelAction act = action == null ? RelabelAction.REPLACE : action;
        Pattern p;
        try {
            p = Pattern.compile("^(?s:" + re + ")$");
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid regex \"" + re + "\": " + e.getMessage());
        }
        if (act == RelabelAction.HASHMOD && modulus == 0) {
            throw new IllegalArgumentException("relabel configuration for hashmod requires non-zero modulus");
        }
        switch (act) {
            case REPLACE, HASHMOD, LOWERCASE, UPPERCASE, KEEPEQUAL, DROPEQUAL -> {
                if (target.isEmpty()) {
                    throw new IllegalArgumentException(
                            "relabel configuration for " + act.configName() + " action requires 'target_label' value");
                }
            }
            default -> { }
        }
        if ((act == RelabelAction.LOWERCASE || act == RelabelAction.UPPERCASE
                        || act == RelabelAction.KEEPEQUAL || act == RelabelAction.DROPEQUAL)
                && !repl.equals(DEFAULT_REPLACEMENT)) {
            throw new IllegalArgumentException(
                    "'replacement' can not be set for " + act.configName() + " action");
        }
        if ((act == RelabelAction.REPLACE || act == RelabelAction.LOWERCASE || act == RelabelAction.UPPERCASE
                || act == RelabelAction.HASHMOD) && !target.contains("$") && !LabelNames.isValid(target)) {
            throw new IllegalArgumentException("\"" + target + "\" is invalid 'target_label' for " + act.configName() + " action");
        }
        if ((act == RelabelAction.HASHMOD || act == RelabelAction.LOWERCASE || act == RelabelAction.UPPERCASE
                || act == RelabelAction.KEEPEQUAL || act == RelabelAction.DROPEQUAL) && target.contains("$")) {
            throw new IllegalArgumentException("\"" + target + "\" is invalid 'target_label' for " + act.configName() + " action");
        }
        if ((act == RelabelAction.KEEPEQUAL || act == RelabelAction.DROPEQUAL)
                && (!re.equals(DEFAULT_REGEX) || modulus != 0 || !sep.equals(DEFAULT_SEPARATOR))) {
            throw new IllegalArgumentException(
                    act.configName() + " action requires only 'source_labels' and 'target_label', and no other fields");
        }
        if ((act == RelabelAction.LABELDROP || act == RelabelAction.LABELKEEP)
                && (!src.isEmpty() || !target.isEmpty() || modulus != 0 || !sep.equals(DEFAULT_SEPARATOR)
                        || !repl.equals(DEFAULT_REPLACEMENT))) {
            throw new IllegalArgumentException(act.configName() + " action requires only 'regex', and no other fields");
        }
        for (String s : src) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("\"\" is not a valid label name in source_labels");
            }
        }
        return new RelabelConfig(src, sep, target, re, modulus, repl, act, p);
    }
}
