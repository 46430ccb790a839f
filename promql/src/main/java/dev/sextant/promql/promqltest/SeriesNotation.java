package dev.sextant.promql.promqltest;

import dev.sextant.promql.parser.QueryParser;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import dev.sextant.tsdb.model.StaleNaN;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the series notation of {@code .test} scripts: {@code metric{l="v"} 1 _ 3 stale 0+10x5}.
 *
 * <p>Values expand to a list of slots; each slot is a float value, an omitted slot, or a native
 * histogram (which this engine does not store; it is kept as a marker so expectations can fail).
 *
 * <p>Thread-safety: stateless.
 */
final class SeriesNotation {
    private SeriesNotation() {}

    /** Kind of one expanded slot. */
    enum SlotKind { FLOAT, OMITTED, HISTOGRAM }

    /** The expanded values of one series line, as parallel arrays. */
    record Slots(SlotKind[] kinds, double[] values) {
        int size() {
            return kinds.length;
        }
    }

    /** A parsed series line. */
    record SeriesLine(Labels labels, Slots slots) {}

    static SeriesLine parseLine(String line) {
        int end = metricEnd(line);
        Labels labels = parseMetric(line.substring(0, end).trim());
        Slots slots = parseValues(line.substring(end).trim());
        if (slots.size() == 0) {
            throw new IllegalArgumentException("no values in series line: " + line);
        }
        return new SeriesLine(labels, slots);
    }

    /** Index just past the metric part (name and/or braces). */
    static int metricEnd(String line) {
        int i = 0;
        int n = line.length();
        while (i < n && line.charAt(i) != '{' && !Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        if (i < n && line.charAt(i) == '{') {
            char quote = 0;
            for (; i < n; i++) {
                char c = line.charAt(i);
                if (quote != 0) {
                    if (c == '\\' && quote != '`') {
                        i++;
                    } else if (c == quote) {
                        quote = 0;
                    }
                } else if (c == '"' || c == '\'' || c == '`') {
                    quote = c;
                } else if (c == '}') {
                    return i + 1;
                }
            }
            throw new IllegalArgumentException("unterminated label set: " + line);
        }
        return i;
    }

    static Labels parseMetric(String s) {
        LabelsBuilder b = new LabelsBuilder();
        int brace = s.indexOf('{');
        String name = brace < 0 ? s : s.substring(0, brace).trim();
        if (!name.isEmpty()) {
            b.set(Labels.METRIC_NAME, name);
        }
        if (brace < 0) {
            return b.build();
        }
        String body = s.substring(brace + 1, s.length() - 1);
        int i = 0;
        int n = body.length();
        while (true) {
            while (i < n && (Character.isWhitespace(body.charAt(i)) || body.charAt(i) == ',')) {
                i++;
            }
            if (i >= n) {
                break;
            }
            String label;
            char c = body.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                int q = quotedEnd(body, i);
                label = QueryParser.unquote(body.substring(i, q));
                i = q;
            } else {
                int st = i;
                while (i < n && (Character.isLetterOrDigit(body.charAt(i)) || body.charAt(i) == '_'
                        || body.charAt(i) == ':')) {
                    i++;
                }
                label = body.substring(st, i);
                if (label.isEmpty()) {
                    throw new IllegalArgumentException("bad label set: " + s);
                }
            }
            while (i < n && Character.isWhitespace(body.charAt(i))) {
                i++;
            }
            if (i >= n || body.charAt(i) != '=') {
                b.set(Labels.METRIC_NAME, label);
                continue;
            }
            i++;
            while (i < n && Character.isWhitespace(body.charAt(i))) {
                i++;
            }
            int q = quotedEnd(body, i);
            b.set(label, QueryParser.unquote(body.substring(i, q)));
            i = q;
        }
        return b.build();
    }

    private static int quotedEnd(String s, int start) {
        char quote = s.charAt(start);
        if (quote != '"' && quote != '\'' && quote != '`') {
            throw new IllegalArgumentException("expected quoted string in: " + s);
        }
        for (int i = start + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && quote != '`') {
                i++;
            } else if (c == quote) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("unterminated string in: " + s);
    }

    static Slots parseValues(String s) {
        List<String> tokens = tokenize(s);
        List<SlotKind> kinds = new ArrayList<>();
        double[] vals = new double[16];
        int n = 0;
        for (String tok : tokens) {
            if (tok.startsWith("{{")) {
                int times = 1;
                int lastClose = tok.lastIndexOf("}}");
                String suffix = tok.substring(lastClose + 2);
                if (suffix.startsWith("x")) {
                    times = Integer.parseInt(suffix.substring(1)) + 1;
                } else if (!suffix.isEmpty()) {
                    throw new IllegalArgumentException("bad histogram token: " + tok);
                }
                for (int k = 0; k < times; k++) {
                    vals = grow(vals, n);
                    kinds.add(SlotKind.HISTOGRAM);
                    vals[n++] = Double.NaN;
                }
                continue;
            }
            if (tok.equals("_")) {
                vals = grow(vals, n);
                kinds.add(SlotKind.OMITTED);
                n++;
                continue;
            }
            if (tok.startsWith("_x")) {
                int k = Integer.parseInt(tok.substring(2));
                for (int j = 0; j < k; j++) {
                    vals = grow(vals, n);
                    kinds.add(SlotKind.OMITTED);
                    n++;
                }
                continue;
            }
            if (tok.equals("stale")) {
                vals = grow(vals, n);
                kinds.add(SlotKind.FLOAT);
                vals[n++] = StaleNaN.VALUE;
                continue;
            }
            int x = tok.lastIndexOf('x');
            if (x > 0 && isDigits(tok, x + 1)) {
                int times = Integer.parseInt(tok.substring(x + 1));
                String head = tok.substring(0, x);
                int op = findOp(head);
                double start;
                double delta = 0;
                if (op < 0) {
                    start = parseNumber(head);
                } else {
                    start = parseNumber(head.substring(0, op));
                    delta = parseNumber(head.substring(op + 1));
                    if (head.charAt(op) == '-') {
                        delta = -delta;
                    }
                }
                double v = start;
                for (int j = 0; j <= times; j++) {
                    vals = grow(vals, n);
                    kinds.add(SlotKind.FLOAT);
                    vals[n++] = v;
                    v += delta;
                }
                continue;
            }
            vals = grow(vals, n);
            kinds.add(SlotKind.FLOAT);
            vals[n++] = parseNumber(tok);
        }
        return new Slots(kinds.toArray(new SlotKind[0]), java.util.Arrays.copyOf(vals, n));
    }

    private static boolean isDigits(String s, int from) {
        if (from >= s.length()) {
            return false;
        }
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Index of the '+'/'-' between start and delta, skipping a leading sign and exponent signs. */
    private static int findOp(String head) {
        for (int i = 1; i < head.length(); i++) {
            char c = head.charAt(i);
            if ((c == '+' || c == '-') && head.charAt(i - 1) != 'e' && head.charAt(i - 1) != 'E') {
                return i;
            }
        }
        return -1;
    }

    private static double[] grow(double[] a, int n) {
        return n < a.length ? a : java.util.Arrays.copyOf(a, a.length * 2);
    }

    /** Parses a float of the series notation: decimal, exponent, case-insensitive Inf/NaN. */
    static double parseNumber(String s) {
        String t = s.trim();
        String lower = t.toLowerCase(java.util.Locale.ROOT);
        switch (lower) {
            case "inf", "+inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "nan", "+nan", "-nan" -> {
                return Double.NaN;
            }
            default -> { }
        }
        if (lower.contains("x") || lower.contains("infinity") || lower.endsWith("d") || lower.endsWith("f")) {
            throw new NumberFormatException("bad number: " + s);
        }
        return Double.parseDouble(t);
    }

    /** Splits on whitespace, keeping {@code {{...}}} histogram literals (with suffixes) together. */
    static List<String> tokenize(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int st = i;
            int depth = 0;
            while (i < n) {
                if (s.startsWith("{{", i)) {
                    depth++;
                    i += 2;
                    continue;
                }
                if (s.startsWith("}}", i) && depth > 0) {
                    depth--;
                    i += 2;
                    continue;
                }
                if (depth == 0 && Character.isWhitespace(s.charAt(i))) {
                    break;
                }
                i++;
            }
            out.add(s.substring(st, i));
        }
        return out;
    }
}
