package dev.sextant.bench.load;

import java.util.HashMap;
import java.util.Map;

/** {@code --name=value} command-line options with defaults; unknown options are an error. */
final class Args {
    private final Map<String, String> values = new HashMap<>();

    Args(String[] argv, String... known) {
        java.util.Set<String> ok = java.util.Set.of(known);
        for (String a : argv) {
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("expected --name=value, got " + a);
            }
            int eq = a.indexOf('=');
            String name = eq < 0 ? a.substring(2) : a.substring(2, eq);
            if (!ok.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name + "; known: " + String.join(", ", known));
            }
            values.put(name, eq < 0 ? "true" : a.substring(eq + 1));
        }
    }

    String get(String name, String def) {
        return values.getOrDefault(name, def);
    }

    int getInt(String name, int def) {
        return values.containsKey(name) ? Integer.parseInt(values.get(name)) : def;
    }

    long getLong(String name, long def) {
        return values.containsKey(name) ? Long.parseLong(values.get(name)) : def;
    }

    /** A duration such as {@code 15s}, {@code 500ms}, {@code 2m}, or plain milliseconds. */
    long getMillis(String name, long def) {
        String v = values.get(name);
        if (v == null) {
            return def;
        }
        if (v.endsWith("ms")) {
            return Long.parseLong(v.substring(0, v.length() - 2));
        }
        char unit = v.charAt(v.length() - 1);
        return switch (unit) {
            case 's' -> Long.parseLong(v.substring(0, v.length() - 1)) * 1000;
            case 'm' -> Long.parseLong(v.substring(0, v.length() - 1)) * 60_000;
            case 'h' -> Long.parseLong(v.substring(0, v.length() - 1)) * 3_600_000;
            default -> Long.parseLong(v);
        };
    }
}
