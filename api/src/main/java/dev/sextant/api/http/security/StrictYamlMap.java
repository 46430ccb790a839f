package dev.sextant.api.http.security;

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
 * A strict view of one YAML mapping of the web configuration: unknown keys and duplicates are
 * errors (Go's {@code yaml.UnmarshalStrict}), and every error names file, line and dotted key.
 *
 * <p>Thread-safety: not thread-safe; lives for one parse.
 */
final class StrictYamlMap {
    private final String file;
    private final String path;
    private final String typeName;
    private final Node node;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

    StrictYamlMap(String file, String path, String typeName, Node node) throws WebConfigException {
        this.file = file;
        this.path = path;
        this.typeName = typeName;
        this.node = node;
        if (node == null || isNull(node)) {
            return;
        }
        if (!(node instanceof MappingNode m)) {
            throw error(node, path, "cannot unmarshal " + describe(node) + " into " + typeName);
        }
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                throw error(t.getKeyNode(), path, "mapping keys must be strings");
            }
            if (entries.put(k.getValue(), t) != null) {
                throw error(k, child(k.getValue()), "key \"" + k.getValue() + "\" already set in map");
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

    WebConfigException error(Node n, String key, String problem) {
        Node at = n != null ? n : node;
        int line = at == null ? 0 : at.getStartMark().getLine() + 1;
        return WebConfigException.at(file, line, key, problem);
    }

    String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Rejects any key not in {@code known}. */
    StrictYamlMap allow(Set<String> known) throws WebConfigException {
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            if (!known.contains(e.getKey())) {
                throw error(e.getValue().getKeyNode(), child(e.getKey()),
                        "field " + e.getKey() + " not found in type " + typeName);
            }
        }
        return this;
    }

    Set<String> keys() {
        return entries.keySet();
    }

    Node value(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? null : t.getValueNode();
    }

    /** The node to blame for a problem with {@code key}: its value, else the mapping. */
    Node where(String key) {
        Node v = value(key);
        return v != null ? v : node;
    }

    String string(String key) throws WebConfigException {
        Node v = value(key);
        if (v == null || isNull(v)) {
            return "";
        }
        if (!(v instanceof ScalarNode s)) {
            throw error(v, child(key), "cannot unmarshal " + describe(v) + " into a string");
        }
        return s.getValue();
    }

    boolean bool(String key, boolean dflt) throws WebConfigException {
        Node v = value(key);
        if (v == null || isNull(v)) {
            return dflt;
        }
        String s = string(key);
        return switch (s) {
            case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y" -> true;
            case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N" -> false;
            default -> throw error(v, child(key), "cannot unmarshal \"" + s + "\" into a bool");
        };
    }

    int integer(String key, int dflt) throws WebConfigException {
        Node v = value(key);
        if (v == null || isNull(v)) {
            return dflt;
        }
        String s = string(key);
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw error(v, child(key), "cannot unmarshal \"" + s + "\" into an int");
        }
    }

    List<String> strings(String key) throws WebConfigException {
        Node v = value(key);
        if (v == null || isNull(v)) {
            return null;
        }
        if (!(v instanceof SequenceNode seq)) {
            throw error(v, child(key), "cannot unmarshal " + describe(v) + " into a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
            if (!(item instanceof ScalarNode s) || isNull(item)) {
                throw error(item, child(key), "cannot unmarshal " + describe(item) + " into a string");
            }
            out.add(s.getValue());
        }
        return out;
    }

    /** A nested mapping. */
    StrictYamlMap map(String key, String childType) throws WebConfigException {
        return new StrictYamlMap(file, child(key), childType, value(key));
    }

    /** A mapping of string to string, in file order; values must be scalars. */
    Map<String, String> stringMap(String key) throws WebConfigException {
        StrictYamlMap m = map(key, "map[string]string");
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : m.keys()) {
            out.put(k, m.string(k));
        }
        return out;
    }

    String sourceFile() {
        return file;
    }

    int line(String key) {
        NodeTuple t = entries.get(key);
        Node n = t == null ? node : t.getKeyNode();
        return n == null ? 0 : n.getStartMark().getLine() + 1;
    }
}
