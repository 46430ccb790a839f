package dev.sextant.promql.rules;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a small tree that remembers where each node starts, so validation errors can
 * name a line and column like promtool does. Duplicate mapping keys are errors, as in Go's yaml.v3.
 *
 * <p>Thread-safety: immutable after parsing.
 */
final class YamlTree {
    private YamlTree() {}

    enum Kind { MAP, SEQ, SCALAR, NULL }

    /** One node; {@code entries} for maps (insertion order, with key positions), {@code items} for sequences. */
    static final class Node {
        final Kind kind;
        final int line;
        final int column;
        final String scalar;
        final Map<String, Node> entries = new LinkedHashMap<>();
        final Map<String, int[]> keyPositions = new LinkedHashMap<>();
        final List<Node> items = new ArrayList<>();

        Node(Kind kind, int line, int column, String scalar) {
            this.kind = kind;
            this.line = line;
            this.column = column;
            this.scalar = scalar;
        }

        Node get(String key) {
            return entries.get(key);
        }

        String pos() {
            return line + ":" + column;
        }
    }

    /** A YAML syntax error with its line. */
    static final class YamlException extends Exception {
        private static final long serialVersionUID = 1L;

        YamlException(String message) {
            super(message);
        }
    }

    private static final YAMLFactory FACTORY = new YAMLFactory();

    /** Parses the first document of {@code text}; an empty document is a NULL node. */
    static Node parse(String text) throws YamlException {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return new Node(Kind.NULL, 1, 1, null);
            }
            return read(p, t);
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            int nl = msg.indexOf('\n');
            JsonLocation loc = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe ? jpe.getLocation() : null;
            String first = nl < 0 ? msg : msg.substring(0, nl);
            if (loc != null && loc.getLineNr() > 0) {
                throw new YamlException("yaml: line " + loc.getLineNr() + ": " + first);
            }
            throw new YamlException("yaml: " + first);
        }
    }

    private static Node read(JsonParser p, JsonToken t) throws IOException, YamlException {
        JsonLocation loc = p.currentTokenLocation();
        int line = loc.getLineNr();
        int col = Math.max(loc.getColumnNr(), 1);
        switch (t) {
            case START_OBJECT -> {
                Node n = new Node(Kind.MAP, line, col, null);
                while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
                    String key = p.currentName();
                    JsonLocation kl = p.currentTokenLocation();
                    JsonToken vt = p.nextToken();
                    Node v = read(p, vt);
                    if (n.entries.containsKey(key)) {
                        throw new YamlException("yaml: unmarshal errors:\n  line " + kl.getLineNr() + ": mapping key \""
                                + key + "\" already defined at line " + n.keyPositions.get(key)[0]);
                    }
                    n.entries.put(key, v);
                    n.keyPositions.put(key, new int[] {kl.getLineNr(), Math.max(kl.getColumnNr(), 1)});
                }
                return n;
            }
            case START_ARRAY -> {
                Node n = new Node(Kind.SEQ, line, col, null);
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    n.items.add(read(p, t));
                }
                return n;
            }
            case VALUE_NULL -> {
                return new Node(Kind.NULL, line, col, null);
            }
            default -> {
                return new Node(Kind.SCALAR, line, col, p.getText());
            }
        }
    }
}
