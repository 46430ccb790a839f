package dev.sextant.promql.rules;

import dev.sextant.promql.parser.ParseException;
import dev.sextant.promql.parser.QueryParser;
import dev.sextant.promql.rules.YamlTree.Kind;
import dev.sextant.promql.rules.YamlTree.Node;
import dev.sextant.promql.template.Template;
import dev.sextant.promql.template.TemplateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates Prometheus rule files. Every problem is collected (not just the first) and
 * worded like promtool: {@code <file>: <line>:<col>: group "g", rule 2, "name": <reason>}.
 *
 * <p>Thread-safety: stateless.
 */
public final class RuleFileParser {
    private RuleFileParser() {}

    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> FILE_KEYS = Set.of("groups");
    private static final Set<String> GROUP_KEYS = Set.of("name", "interval", "limit", "query_offset", "labels", "rules");
    private static final Set<String> RULE_KEYS = Set.of("record", "alert", "expr", "for", "keep_firing_for", "labels",
            "annotations");

    /**
     * A parsed file: its groups when {@code errors} is empty.
     *
     * @param errors complete error lines, each starting with the file name as given
     */
    public record Result(Path file, List<RuleGroupSpec> groups, List<String> errors) {
        public int ruleCount() {
            int n = 0;
            for (RuleGroupSpec g : groups) {
                n += g.rules().size();
            }
            return n;
        }
    }

    /** Reads and validates {@code file}. Never throws: I/O problems become errors. */
    public static Result parseFile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            return new Result(file, List.of(), List.of("open " + file + ": no such file or directory"));
        } catch (IOException e) {
            return new Result(file, List.of(), List.of("open " + file + ": " + e.getMessage()));
        }
        return parse(file, text);
    }

    /** Validates {@code text} as the contents of {@code file}. */
    public static Result parse(Path file, String text) {
        List<String> errors = new ArrayList<>();
        String prefix = file + ": ";
        Node root;
        try {
            root = YamlTree.parse(text);
        } catch (YamlTree.YamlException e) {
            return new Result(file, List.of(), List.of(prefix + e.getMessage()));
        }
        if (root.kind == Kind.NULL) {
            return new Result(file, List.of(), List.of());
        }
        List<String> shape = new ArrayList<>();
        if (root.kind != Kind.MAP) {
            shape.add("  line " + root.line + ": cannot unmarshal !!" + kindName(root) + " into rulefmt.RuleGroups");
        } else {
            unknownKeys(root, FILE_KEYS, "rulefmt.RuleGroups", shape);
            Node groups = root.get("groups");
            if (groups != null && groups.kind != Kind.SEQ && groups.kind != Kind.NULL) {
                shape.add("  line " + groups.line + ": cannot unmarshal !!" + kindName(groups) + " into []rulefmt.RuleGroup");
            } else if (groups != null) {
                for (Node g : groups.items) {
                    checkShape(g, shape);
                }
            }
        }
        if (!shape.isEmpty()) {
            return new Result(file, List.of(), List.of(prefix + "yaml: unmarshal errors:\n" + String.join("\n", shape)));
        }
        List<RuleGroupSpec> out = new ArrayList<>();
        Node groups = root.get("groups");
        Set<String> names = new HashSet<>();
        if (groups != null) {
            for (Node g : groups.items) {
                RuleGroupSpec spec = group(file, g, names, prefix, errors);
                if (spec != null) {
                    out.add(spec);
                }
            }
        }
        return new Result(file, errors.isEmpty() ? out : List.of(), errors);
    }

    private static String kindName(Node n) {
        return switch (n.kind) {
            case MAP -> "map";
            case SEQ -> "seq";
            case NULL -> "null";
            default -> "str";
        };
    }

    /** Type and unknown-field checks, reported together like yaml.v3's unmarshal errors. */
    private static void checkShape(Node g, List<String> shape) {
        if (g.kind != Kind.MAP) {
            shape.add("  line " + g.line + ": cannot unmarshal !!" + kindName(g) + " into rulefmt.RuleGroup");
            return;
        }
        unknownKeys(g, GROUP_KEYS, "rulefmt.RuleGroup", shape);
        scalarOrNull(g, "name", "string", shape);
        scalarOrNull(g, "interval", "model.Duration", shape);
        scalarOrNull(g, "query_offset", "model.Duration", shape);
        Node limit = g.get("limit");
        if (limit != null && limit.kind == Kind.SCALAR && !limit.scalar.matches("[-+]?[0-9]{1,9}")) {
            shape.add("  line " + limit.line + ": cannot unmarshal !!str `" + limit.scalar + "` into int");
        } else {
            scalarOrNull(g, "limit", "int", shape);
        }
        stringMap(g.get("labels"), shape);
        Node rules = g.get("rules");
        if (rules != null && rules.kind != Kind.SEQ && rules.kind != Kind.NULL) {
            shape.add("  line " + rules.line + ": cannot unmarshal !!" + kindName(rules) + " into []rulefmt.RuleNode");
            return;
        }
        if (rules != null) {
            for (Node r : rules.items) {
                if (r.kind != Kind.MAP) {
                    shape.add("  line " + r.line + ": cannot unmarshal !!" + kindName(r) + " into rulefmt.RuleNode");
                    continue;
                }
                unknownKeys(r, RULE_KEYS, "rulefmt.RuleNode", shape);
                for (String k : List.of("record", "alert", "expr", "for", "keep_firing_for")) {
                    scalarOrNull(r, k, k.equals("for") || k.equals("keep_firing_for") ? "model.Duration" : "string", shape);
                }
                stringMap(r.get("labels"), shape);
                stringMap(r.get("annotations"), shape);
            }
        }
    }

    private static void unknownKeys(Node m, Set<String> allowed, String type, List<String> shape) {
        m.entries.forEach((k, v) -> {
            if (!allowed.contains(k)) {
                shape.add("  line " + m.keyPositions.get(k)[0] + ": field " + k + " not found in type " + type);
            }
        });
    }

    private static void scalarOrNull(Node m, String key, String type, List<String> shape) {
        Node v = m.get(key);
        if (v != null && v.kind != Kind.SCALAR && v.kind != Kind.NULL) {
            shape.add("  line " + v.line + ": cannot unmarshal !!" + kindName(v) + " into " + type);
        }
    }

    private static void stringMap(Node n, List<String> shape) {
        if (n == null || n.kind == Kind.NULL) {
            return;
        }
        if (n.kind != Kind.MAP) {
            shape.add("  line " + n.line + ": cannot unmarshal !!" + kindName(n) + " into map[string]string");
            return;
        }
        for (Node v : n.entries.values()) {
            if (v.kind != Kind.SCALAR && v.kind != Kind.NULL) {
                shape.add("  line " + v.line + ": cannot unmarshal !!" + kindName(v) + " into string");
            }
        }
    }

    private static String text(Node n) {
        return n == null || n.kind != Kind.SCALAR ? "" : n.scalar;
    }

    private static Map<String, String> map(Node n) {
        if (n == null || n.kind != Kind.MAP) {
            return Map.of();
        }
        Map<String, String> m = new LinkedHashMap<>();
        n.entries.forEach((k, v) -> m.put(k, text(v)));
        return Collections.unmodifiableMap(m);
    }

    private static long duration(Node n, long absent, String prefix, List<String> errors) {
        if (n == null || n.kind != Kind.SCALAR || n.scalar.isEmpty()) {
            return absent;
        }
        try {
            return Durations.parse(n.scalar);
        } catch (IllegalArgumentException e) {
            errors.add(prefix + e.getMessage());
            return absent;
        }
    }

    private static RuleGroupSpec group(Path file, Node g, Set<String> names, String prefix, List<String> errors) {
        String name = text(g.get("name"));
        int before = errors.size();
        if (name.isEmpty()) {
            errors.add(prefix + g.pos() + ": Groupname must not be empty");
        } else if (!names.add(name)) {
            errors.add(prefix + g.pos() + ": groupname: \"" + name + "\" is repeated in the same file");
        }
        long interval = duration(g.get("interval"), 0, prefix, errors);
        long queryOffset = duration(g.get("query_offset"), -1, prefix, errors);
        Node limitNode = g.get("limit");
        int limit = limitNode == null || limitNode.kind != Kind.SCALAR ? 0 : Integer.parseInt(limitNode.scalar.replace("+", ""));
        Map<String, String> labels = map(g.get("labels"));
        for (String k : labels.keySet()) {
            if (!LABEL_NAME.matcher(k).matches() || k.equals("__name__")) {
                errors.add(prefix + g.pos() + ": group \"" + name + "\": invalid label name: " + k);
            }
        }
        List<RuleSpec> rules = new ArrayList<>();
        Node rulesNode = g.get("rules");
        if (rulesNode != null) {
            int i = 0;
            for (Node r : rulesNode.items) {
                i++;
                RuleSpec spec = rule(r, name, i, prefix, errors);
                if (spec != null) {
                    rules.add(spec);
                }
            }
        }
        return errors.size() > before ? null
                : new RuleGroupSpec(file, name, interval, limit, queryOffset, labels, List.copyOf(rules));
    }

    private static RuleSpec rule(Node r, String group, int index, String prefix, List<String> errors) {
        Node record = r.get("record");
        Node alert = r.get("alert");
        Node expr = r.get("expr");
        String recordName = text(record);
        String alertName = text(alert);
        String ruleName = !recordName.isEmpty() ? recordName : alertName;
        String ctx = "group \"" + group + "\", rule " + index + ", \"" + ruleName + "\": ";
        int before = errors.size();
        if (!recordName.isEmpty() && !alertName.isEmpty()) {
            errors.add(prefix + record.pos() + ": " + alert.pos() + ": " + ctx
                    + "only one of 'record' and 'alert' must be set");
        } else if (recordName.isEmpty() && alertName.isEmpty()) {
            String pos = record != null ? record.pos() : alert != null ? alert.pos() : "0:0";
            errors.add(prefix + pos + ": " + ctx + "one of 'record' or 'alert' must be set");
        }
        String exprText = text(expr);
        if (exprText.isEmpty()) {
            errors.add(prefix + "0:0: " + ctx + "field 'expr' must be set in rule");
        } else {
            try {
                QueryParser.parse(exprText);
            } catch (ParseException e) {
                errors.add(prefix + expr.pos() + ": " + ctx + "could not parse expression: " + e.getMessage());
            } catch (RuntimeException e) {
                errors.add(prefix + expr.pos() + ": " + ctx + "could not parse expression: " + e.getMessage());
            }
        }
        long forMs = duration(r.get("for"), 0, prefix, errors);
        long keepMs = duration(r.get("keep_firing_for"), 0, prefix, errors);
        Map<String, String> labels = map(r.get("labels"));
        Map<String, String> annotations = map(r.get("annotations"));
        boolean isRecord = !recordName.isEmpty() && alertName.isEmpty();
        if (isRecord) {
            String pos = record.pos() + ": ";
            if (r.get("annotations") != null) {
                errors.add(prefix + pos + ctx + "invalid field 'annotations' in recording rule");
            }
            if (r.get("for") != null) {
                errors.add(prefix + pos + ctx + "invalid field 'for' in recording rule");
            }
            if (r.get("keep_firing_for") != null) {
                errors.add(prefix + pos + ctx + "invalid field 'keep_firing_for' in recording rule");
            }
            if (!METRIC_NAME.matcher(recordName).matches()) {
                errors.add(prefix + pos + ctx + "invalid recording rule name: " + recordName);
            }
        }
        for (String k : labels.keySet()) {
            if (!LABEL_NAME.matcher(k).matches() || k.equals("__name__")) {
                errors.add(prefix + ctx + "invalid label name: " + k);
            }
        }
        for (String k : annotations.keySet()) {
            if (!LABEL_NAME.matcher(k).matches()) {
                errors.add(prefix + ctx + "invalid annotation name: " + k);
            }
        }
        Map<String, Template> labelTemplates = new LinkedHashMap<>();
        Map<String, Template> annotationTemplates = new LinkedHashMap<>();
        if (!isRecord) {
            compile(labels, "label", alertName, prefix + ctx, labelTemplates, errors);
            compile(annotations, "annotation", alertName, prefix + ctx, annotationTemplates, errors);
        }
        if (errors.size() > before) {
            return null;
        }
        return new RuleSpec(!isRecord, ruleName, exprText, isRecord ? 0 : forMs, isRecord ? 0 : keepMs, labels,
                annotations, Collections.unmodifiableMap(labelTemplates),
                Collections.unmodifiableMap(annotationTemplates), r.line);
    }

    private static void compile(Map<String, String> in, String what, String alertName, String ctx,
            Map<String, Template> out, List<String> errors) {
        in.forEach((k, v) -> {
            try {
                out.put(k, Template.parse("__alert_" + alertName, v));
            } catch (TemplateException e) {
                errors.add(ctx + what + " \"" + k + "\": " + e.getMessage());
            }
        });
    }
}
