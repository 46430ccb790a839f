package dev.sextant.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares two query results point by point within a relative tolerance, the criterion of issue
 * #4 ("identical within 1e-9 relative error"). The digest of {@link QuerySetRunner} rounds to 6
 * significant digits, so two answers one ulp apart still get different digests whenever a value
 * sits on a rounding boundary (8.616875 against 8.616874999999997): with thousands of points per
 * range query that happens, and the digest alone reported correct answers as different.
 *
 * <p>Canonical form: one line per point, {@code {sorted labels}\tms\tvalue}, the value exactly as
 * the server wrote it, lines sorted.
 */
public final class ResultCompare {
    /** Relative tolerance below which two values count as the same. */
    public static final double REL_TOLERANCE = 1e-9;

    private ResultCompare() {}

    /** The canonical lines of a {@code data} object of a query answer. */
    public static List<String> canonicalLines(JsonNode data) {
        return canonicalLines(data, ResultCompare::line);
    }

    /**
     * One line per point of a query answer's {@code data}, written by {@code point} from the
     * series' sorted labels and the {@code [t, v]} pair, sorted.
     */
    static List<String> canonicalLines(JsonNode data, java.util.function.BiFunction<String, JsonNode, String> point) {
        List<String> lines = new ArrayList<>();
        String type = data.path("resultType").asText();
        JsonNode result = data.path("result");
        if (type.equals("scalar") || type.equals("string")) {
            lines.add(point.apply("{}", result));
        } else {
            for (JsonNode s : result) {
                Map<String, String> labels = new TreeMap<>();
                Iterator<Map.Entry<String, JsonNode>> it = s.path("metric").fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    labels.put(e.getKey(), e.getValue().asText());
                }
                String l = labels.toString();
                if (s.has("value")) {
                    lines.add(point.apply(l, s.get("value")));
                }
                for (JsonNode p : s.path("values")) {
                    lines.add(point.apply(l, p));
                }
            }
        }
        Collections.sort(lines);
        return lines;
    }

    private static String line(String labels, JsonNode p) {
        return labels + "\t" + Math.round(p.get(0).asDouble() * 1000) + "\t" + p.get(1).asText();
    }

    /**
     * Null when both results have the same points (labels and timestamps) with values within
     * {@link #REL_TOLERANCE}; otherwise a description of the first difference and the count.
     */
    public static String difference(List<String> a, List<String> b) {
        if (a.size() != b.size()) {
            return String.format(Locale.ROOT, "%d points against %d", a.size(), b.size());
        }
        int differing = 0;
        String first = null;
        double maxRel = 0;
        for (int i = 0; i < a.size(); i++) {
            String la = a.get(i);
            String lb = b.get(i);
            int ta = la.lastIndexOf('\t');
            int tb = lb.lastIndexOf('\t');
            if (ta != tb || !la.regionMatches(0, lb, 0, ta)) {
                return "different series or timestamps, first at: " + la.substring(0, Math.max(ta, 0)) + " / "
                        + lb.substring(0, Math.max(tb, 0));
            }
            double va = parse(la.substring(ta + 1));
            double vb = parse(lb.substring(tb + 1));
            double rel = relativeError(va, vb);
            if (rel > REL_TOLERANCE) {
                differing++;
                if (first == null) {
                    first = la + " against " + lb.substring(tb + 1);
                }
            }
            maxRel = Math.max(maxRel, rel);
        }
        return differing == 0 ? null
                : String.format(Locale.ROOT, "%d of %d values differ by more than %.0e (max %.3g), first: %s", differing,
                        a.size(), REL_TOLERANCE, maxRel, first);
    }

    /** Largest relative error between two results of the same shape, 0 when identical; NaN when the shapes differ. */
    public static double maxRelativeError(List<String> a, List<String> b) {
        if (a.size() != b.size()) {
            return Double.NaN;
        }
        double max = 0;
        for (int i = 0; i < a.size(); i++) {
            String la = a.get(i);
            String lb = b.get(i);
            int ta = la.lastIndexOf('\t');
            int tb = lb.lastIndexOf('\t');
            if (ta != tb || !la.regionMatches(0, lb, 0, ta)) {
                return Double.NaN;
            }
            max = Math.max(max, relativeError(parse(la.substring(ta + 1)), parse(lb.substring(tb + 1))));
        }
        return max;
    }

    static double relativeError(double a, double b) {
        if (Double.compare(a, b) == 0 || (Double.isNaN(a) && Double.isNaN(b))) {
            return 0;
        }
        if (Double.isNaN(a) || Double.isNaN(b) || Double.isInfinite(a) || Double.isInfinite(b)) {
            return Double.POSITIVE_INFINITY;
        }
        double scale = Math.max(Math.abs(a), Math.abs(b));
        return scale == 0 ? 0 : Math.abs(a - b) / scale;
    }

    static double parse(String v) {
        return switch (v) {
            case "NaN" -> Double.NaN;
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(v);
        };
    }
}
