package dev.sextant.scrape.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A strict view of one YAML mapping: every key must be declared with {@link #allow}, duplicates are
 * errors, and every error names file, line and dotted key path. Package-private helper of the parser.
 *
 * <p>Thread-safety: not thread-safe; lives for one parse.
 */
final class YamlMap {
    final String file;
    final String path;
    final Node node;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

    YamlMap(String file, String path, Node node) {
        this.file = file;
        this.path = path;
        this.node = node;
        if (node == null || isNull(node)) {
            return;
        }
        if (!(node instanceof MappingNode m)) {
            throw error(node, path, "expected a mapping, got " + describe(node));
        }
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                throw error(t.getKeyNode(), path, "mapping keys must be strings");
            }
            if (entries.put(k.getValue(), t) != null) {
                throw error(k, child(k.getValue()), "key already set in this mapping");
            }
        }
    }

    static boolean isNull(Node n) {
        return n instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }

    private static String describe(Node n) {
        if (n instanceof SequenceNode) {
            return "a sequence";
        }
        if (n instanceof ScalarNode s) {
            return "\"" + s.getValue() + "\"";
        }
        return "a mapping";
    }

    ConfigException error(Node n, String key, String problem) {
        int line = n == null ? (node == null ? 0 : node.getStartMark().getLine() + 1) : n.getStartMark().getLine() + 1;
        return new ConfigException(file, line, key, problem);
    }

    String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Rejects any key not in {@code known}, like Prometheus's strict unmarshalling. */
    YamlMap allow(Set<String> known) {
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            if (!known.contains(e.getKey())) {
                throw error(e.getValue().getKeyNode(), child(e.getKey()), "field " + e.getKey() + " not found in type " + typeName());
            }
        }
        return this;
    }

    private String typeName() {
        return path.isEmpty() ? "config" : path.replaceAll("\\[\\d+]", "");
    }

    boolean has(String key) {
        Node v = value(key);
        return v != null && !isNull(v);
    }

    Set<String> keys() {
        return entries.keySet();
    }

    Node value(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? null : t.getValueNode();
    }

    Node keyNode(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? node : t.getKeyNode();
    }

    String string(String key, String dflt) {
        Node v = value(key);
        if (v == null || isNull(v)) {
            return dflt;
        }
        if (!(v instanceof ScalarNode s)) {
            throw error(v, child(key), "expected a string, got " + describe(v));
        }
        return s.getValue();
    }

    boolean bool(String key, boolean dflt) {
        String s = string(key, null);
        if (s == null) {
            return dflt;
        }
        return switch (s) {
            case "true", "True", "TRUE", "yes", "on" -> true;
            case "false", "False", "FALSE", "no", "off" -> false;
            default -> throw error(value(key), child(key), "cannot unmarshal \"" + s + "\" into a boolean");
        };
    }

    long integer(String key, long dflt) {
        String s = string(key, null);
        if (s == null) {
            return dflt;
        }
        try {
            long v = Long.parseLong(s);
            if (v < 0) {
                throw error(value(key), child(key), "must not be negative: " + s);
            }
            return v;
        } catch (NumberFormatException e) {
            throw error(value(key), child(key), "cannot unmarshal \"" + s + "\" into an unsigned integer");
        }
    }

    long duration(String key, long dflt) {
        String s = string(key, null);
        if (s == null) {
            return dflt;
        }
        try {
            return Durations.parseMillis(s);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw error(value(key), child(key), e.getMessage() == null ? "not a valid duration: " + s : e.getMessage());
        }
    }

    long size(String key, long dflt) {
        String s = string(key, null);
        if (s == null) {
            return dflt;
        }
        try {
            return Durations.parseSize(s);
        } catch (IllegalArgumentException e) {
            throw error(value(key), child(key), e.getMessage());
        }
    }

    YamlMap map(String key) {
        return new YamlMap(file, child(key), value(key));
    }

    List<YamlMap> maps(String key) {
        List<YamlMap> out = new ArrayList<>();
        Node v = value(key);
        if (v == null || isNull(v)) {
            return out;
        }
        if (!(v instanceof SequenceNode seq)) {
            throw error(v, child(key), "expected a sequence, got " + describe(v));
        }
        int i = 0;
        for (Node item : seq.getValue()) {
            out.add(new YamlMap(file, child(key) + "[" + i++ + "]", item));
        }
        return out;
    }

    List<String> strings(String key) {
        List<String> out = new ArrayList<>();
        Node v = value(key);
        if (v == null || isNull(v)) {
            return out;
        }
        if (!(v instanceof SequenceNode seq)) {
            throw error(v, child(key), "expected a sequence of strings, got " + describe(v));
        }
        for (Node item : seq.getValue()) {
            if (!(item instanceof ScalarNode s)) {
                throw error(item, child(key), "expected a string, got " + describe(item));
            }
            out.add(s.getValue());
        }
        return out;
    }

    /** A mapping of string to string (labels, headers); keeps the file's order. */
    Map<String, String> stringMap(String key) {
        YamlMap m = map(key);
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : m.keys()) {
            out.put(k, m.string(k, ""));
        }
        return out;
    }

    /** A mapping of string to list of strings ({@code params}). */
    Map<String, List<String>> stringListMap(String key) {
        YamlMap m = map(key);
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String k : m.keys()) {
            out.put(k, List.copyOf(m.strings(k)));
        }
        return out;
    }

    int line(String key) {
        return keyNode(key).getStartMark().getLine() + 1;
    }
}
