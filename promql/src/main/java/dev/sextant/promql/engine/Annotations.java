package dev.sextant.promql.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Warnings and infos collected while evaluating one query, rendered like Prometheus's API
 * ({@code PromQL warning: <text> (<line>:<col>)}); de-duplicated by text.
 *
 * <p>Thread-safety: not thread-safe; one per query.
 */
final class Annotations {
    private final String query;
    private final Map<String, String> warnings = new LinkedHashMap<>();
    private final Map<String, String> infos = new LinkedHashMap<>();

    Annotations(String query) {
        this.query = query;
    }

    void warn(String text, int pos) {
        warnings.putIfAbsent(text, "PromQL warning: " + text + position(pos));
    }

    void info(String text, int pos) {
        infos.putIfAbsent(text, "PromQL info: " + text + position(pos));
    }

    private String position(int pos) {
        if (pos < 0 || query == null) {
            return "";
        }
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < pos && i < query.length(); i++) {
            if (query.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int col = query.substring(lineStart, Math.min(pos, query.length()))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1;
        return " (" + line + ":" + col + ")";
    }

    List<String> warnings() {
        return new ArrayList<>(warnings.values());
    }

    List<String> infos() {
        return new ArrayList<>(infos.values());
    }
}
