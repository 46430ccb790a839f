package dev.sextant.promql.engine;

import dev.sextant.promql.ast.Call;
import dev.sextant.promql.engine.EvalValue.Vec;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code histogram_quantile} over classic buckets (series with an {@code le} label), per
 * spec/promql.md §7.3.
 *
 * <p>Thread-safety: stateless.
 */
final class HistogramQuantile {
    private HistogramQuantile() {}

    private static final class Bucket {
        final double upper;
        double count;

        Bucket(double upper, double count) {
            this.upper = upper;
            this.count = count;
        }
    }

    private static final class Group {
        final Labels labels;
        final String metric;
        final List<Bucket> buckets = new ArrayList<>();

        Group(Labels labels, String metric) {
            this.labels = labels;
            this.metric = metric;
        }
    }

    /** histogram_fraction(lower, upper, v) over classic buckets. */
    static Vec fraction(Evaluator ev, Call c, long t) {
        double lower = ev.evalScalar(c.args().get(0), t);
        double upper = ev.evalScalar(c.args().get(1), t);
        Map<Labels, Group> groups = group(ev, ev.evalVector(c.args().get(2), t), c.args().get(2).pos());
        List<Elem> out = new ArrayList<>(groups.size());
        for (Group g : groups.values()) {
            out.add(new Elem(g.labels, fraction(lower, upper, g), true, 0));
        }
        return new Vec(out);
    }

    private static double fraction(double lower, double upper, Group g) {
        List<Bucket> b = prepare(g);
        if (b == null) {
            return Double.NaN;
        }
        double total = b.get(b.size() - 1).count;
        if (total == 0 || Double.isNaN(lower) || Double.isNaN(upper)) {
            return Double.NaN;
        }
        if (lower >= upper) {
            return 0;
        }
        return (rankAt(upper, b) - rankAt(lower, b)) / total;
    }

    /** The cumulative count at {@code x}, interpolating linearly inside the bucket holding x. */
    private static double rankAt(double x, List<Bucket> b) {
        double total = b.get(b.size() - 1).count;
        if (x == Double.POSITIVE_INFINITY) {
            return total;
        }
        for (int i = 0; i < b.size(); i++) {
            double up = b.get(i).upper;
            double lo = i == 0 ? (up > 0 ? 0 : Double.NEGATIVE_INFINITY) : b.get(i - 1).upper;
            double prev = i == 0 ? 0 : b.get(i - 1).count;
            if (x <= up) {
                if (x <= lo || Double.isInfinite(up) || Double.isInfinite(lo)) {
                    return prev;
                }
                return prev + (b.get(i).count - prev) * (x - lo) / (up - lo);
            }
        }
        return total;
    }

    /** Sorted, merged, monotonic buckets ending in +Inf, or null if unusable. */
    private static List<Bucket> prepare(Group g) {
        List<Bucket> b = g.buckets;
        b.sort((x, y) -> Double.compare(x.upper, y.upper));
        if (b.isEmpty() || b.get(b.size() - 1).upper != Double.POSITIVE_INFINITY) {
            return null;
        }
        List<Bucket> merged = new ArrayList<>(b.size());
        for (Bucket x : b) {
            if (!merged.isEmpty() && merged.get(merged.size() - 1).upper == x.upper) {
                merged.get(merged.size() - 1).count += x.count;
            } else {
                merged.add(new Bucket(x.upper, x.count));
            }
        }
        if (merged.size() < 2) {
            return null;
        }
        double prev = merged.get(0).count;
        for (int i = 1; i < merged.size(); i++) {
            if (merged.get(i).count < prev) {
                merged.get(i).count = prev;
            }
            prev = merged.get(i).count;
        }
        return merged;
    }

    /** histogram_quantiles(v, "label", q1, q2, ...): one output series per quantile, labelled with it. */
    static Vec quantiles(Evaluator ev, Call c, long t) {
        Vec in = ev.evalVector(c.args().get(0), t);
        String label = ((EvalValue.Str) ev.eval(c.args().get(1), t)).s();
        int argPos = c.args().get(0).pos();
        List<Elem> out = new ArrayList<>();
        java.util.Set<Labels> seen = new java.util.HashSet<>();
        for (int i = 2; i < c.args().size(); i++) {
            double q = ev.evalScalar(c.args().get(i), t);
            if (!(q >= 0 && q <= 1)) {
                ev.ctx.annotations.warn("quantile value should be between 0 and 1, got "
                        + SpecialFunctions.formatGo(q), c.args().get(i).pos());
            }
            Map<Labels, Group> groups = group(ev, in, argPos);
            for (Group g : groups.values()) {
                if (g.labels.has(label)) {
                    throw new QueryException(QueryException.Kind.EXECUTION, "label \"" + label
                            + "\" already exists in the input series");
                }
                Labels l = new LabelsBuilder(g.labels).set(label, formatQuantile(q)).build();
                if (!seen.add(l)) {
                    throw new QueryException(QueryException.Kind.EXECUTION,
                            "vector cannot contain metrics with the same labelset");
                }
                out.add(new Elem(l, quantile(ev, q, g, argPos), true, 0));
            }
        }
        return new Vec(out);
    }

    /** Quantile label values are normalised float text, as Prometheus 3.x writes them ({@code 1.0}). */
    private static String formatQuantile(double q) {
        String s = SpecialFunctions.formatGo(q);
        if (Double.isFinite(q) && s.indexOf('.') < 0 && s.indexOf('e') < 0) {
            s += ".0";
        }
        return s;
    }

    static Vec eval(Evaluator ev, Call c, long t) {
        double q = ev.evalScalar(c.args().get(0), t);
        Vec in = ev.evalVector(c.args().get(1), t);
        int argPos = c.args().get(1).pos();
        Map<Labels, Group> groups = group(ev, in, argPos);
        List<Elem> out = new ArrayList<>(groups.size());
        for (Group g : groups.values()) {
            double v = quantile(ev, q, g, argPos);
            out.add(new Elem(g.labels, v, true, 0));
        }
        if (!(q >= 0 && q <= 1)) {
            ev.ctx.annotations.warn("quantile value should be between 0 and 1, got " + SpecialFunctions.formatGo(q),
                    c.args().get(0).pos());
        }
        return new Vec(out);
    }

    private static Map<Labels, Group> group(Evaluator ev, Vec in, int argPos) {
        Map<Labels, Group> groups = new LinkedHashMap<>();
        for (Elem e : in.elems()) {
            String le = e.labels.get("le");
            double upper;
            try {
                upper = parseLe(le);
            } catch (NumberFormatException ex) {
                upper = Double.NaN;
            }
            if (Double.isNaN(upper)) {
                ev.ctx.annotations.warn("bucket label \"le\" is missing or has a malformed value of \"" + le
                        + "\" for metric name \"" + e.labels.metricName() + "\"", argPos);
                continue;
            }
            Labels key = new LabelsBuilder(e.labels).delete("le").build();
            groups.computeIfAbsent(key, k -> new Group(k, e.labels.metricName())).buckets.add(new Bucket(upper, e.v));
        }
        return groups;
    }

    private static double parseLe(String le) {
        String s = le.trim();
        switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "+inf", "inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "nan" -> {
                return Double.NaN;
            }
            case "" -> {
                return Double.NaN;
            }
            default -> {
                if (s.endsWith("d") || s.endsWith("f") || s.endsWith("D") || s.endsWith("F")) {
                    return Double.NaN;
                }
                return Double.parseDouble(s);
            }
        }
    }

    private static double quantile(Evaluator ev, double q, Group g, int pos) {
        if (Double.isNaN(q)) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        List<Bucket> b = g.buckets;
        b.sort((x, y) -> Double.compare(x.upper, y.upper));
        if (b.isEmpty() || b.get(b.size() - 1).upper != Double.POSITIVE_INFINITY) {
            return Double.NaN;
        }
        List<Bucket> merged = new ArrayList<>(b.size());
        for (Bucket x : b) {
            if (!merged.isEmpty() && merged.get(merged.size() - 1).upper == x.upper) {
                merged.get(merged.size() - 1).count += x.count;
            } else {
                merged.add(new Bucket(x.upper, x.count));
            }
        }
        b = merged;
        if (b.size() < 2) {
            return Double.NaN;
        }
        boolean forced = false;
        double prev = b.get(0).count;
        for (int i = 1; i < b.size(); i++) {
            double cur = b.get(i).count;
            if (cur == prev) {
                continue;
            }
            if (almostEqual(prev, cur, 1e-12)) {
                b.get(i).count = prev;
            } else if (cur < prev) {
                b.get(i).count = prev;
                forced = true;
            }
            prev = b.get(i).count;
        }
        if (forced) {
            ev.ctx.annotations.info("input to histogram_quantile needed to be fixed for monotonicity (see "
                    + "https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric "
                    + "name \"" + g.metric + "\"", pos);
        }
        double total = b.get(b.size() - 1).count;
        if (total == 0 || Double.isNaN(total)) {
            return Double.NaN;
        }
        double rank = q * total;
        int idx = b.size() - 1;
        for (int i = 0; i < b.size() - 1; i++) {
            if (b.get(i).count >= rank) {
                idx = i;
                break;
            }
        }
        if (idx == b.size() - 1) {
            return b.get(b.size() - 2).upper;
        }
        if (idx == 0 && b.get(0).upper <= 0) {
            return b.get(0).upper;
        }
        double start = 0;
        double end = b.get(idx).upper;
        double count = b.get(idx).count;
        if (idx > 0) {
            start = b.get(idx - 1).upper;
            count -= b.get(idx - 1).count;
            rank -= b.get(idx - 1).count;
        }
        return start + (end - start) * (rank / count);
    }

    private static boolean almostEqual(double a, double b, double eps) {
        if (a == b) {
            return true;
        }
        double absSum = Math.abs(a) + Math.abs(b);
        double diff = Math.abs(a - b);
        if (a == 0 || b == 0 || absSum < Double.MIN_NORMAL) {
            return diff < eps * Double.MIN_NORMAL;
        }
        return diff / Math.min(absSum, Double.MAX_VALUE) < eps;
    }
}
