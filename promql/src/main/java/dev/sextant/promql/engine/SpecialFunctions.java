package dev.sextant.promql.engine;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.sextant.promql.ast.Call;
import dev.sextant.promql.ast.Expr;
import dev.sextant.promql.ast.MatrixSelector;
import dev.sextant.promql.ast.ParenExpr;
import dev.sextant.promql.ast.VectorSelector;
import dev.sextant.promql.engine.EvalValue.Mat;
import dev.sextant.promql.engine.EvalValue.Sc;
import dev.sextant.promql.engine.EvalValue.Str;
import dev.sextant.promql.engine.EvalValue.Vec;
import dev.sextant.promql.function.FunctionDef;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import dev.sextant.tsdb.model.Matcher;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Functions that need labels, whole vectors or query context: label_replace/label_join, sorting,
 * absent, scalar/vector, time and timestamp, histogram_quantile over classic buckets, and the
 * per-element dispatch for registry element functions.
 *
 * <p>Thread-safety: not thread-safe; one per evaluator.
 */
final class SpecialFunctions {
    private final Evaluator ev;
    /** label_replace regexes, compiled once per query rather than once per step. */
    private final java.util.Map<String, Pattern> patterns = new java.util.HashMap<>();

    SpecialFunctions(Evaluator ev) {
        this.ev = ev;
    }

    /** Applies a registry element function to each sample (with scalar parameters). */
    EvalValue elementCall(Call c, FunctionDef def, long t) {
        List<Expr> args = c.args();
        Vec in;
        if (args.isEmpty()) {
            in = new Vec(List.of(new Elem(Labels.EMPTY, t / 1000.0, false, t)));
        } else {
            in = ev.evalVector(args.get(0), t);
        }
        double[] params = new double[Math.max(0, args.size() - 1)];
        for (int i = 1; i < args.size(); i++) {
            params[i - 1] = ev.evalScalar(args.get(i), t);
        }
        if (c.function().name().equals("clamp") && params[0] > params[1]) {
            return new Vec(List.of());
        }
        List<Elem> out = new ArrayList<>(in.elems().size());
        for (Elem e : in.elems()) {
            out.add(e.withValue(def.element().apply(e.v, params), true));
        }
        return new Vec(out);
    }

    EvalValue call(Call c, long t) {
        List<Expr> args = c.args();
        String name = c.function().name();
        switch (name) {
            case "time":
                return new Sc(t / 1000.0);
            case "pi":
                return new Sc(Math.PI);
            case "start":
                return new Sc(ev.ctx.start / 1000.0);
            case "end":
                return new Sc(ev.ctx.end / 1000.0);
            case "range":
                return new Sc((ev.ctx.end - ev.ctx.start) / 1000.0);
            case "step":
                return new Sc(ev.ctx.step / 1000.0);
            case "min_of":
                return new Sc(Math.min(ev.evalScalar(args.get(0), t), ev.evalScalar(args.get(1), t)));
            case "max_of":
                return new Sc(Math.max(ev.evalScalar(args.get(0), t), ev.evalScalar(args.get(1), t)));
            case "vector":
                return new Vec(List.of(new Elem(Labels.EMPTY, ev.evalScalar(args.get(0), t), false, t)));
            case "scalar": {
                Vec v = ev.evalVector(args.get(0), t);
                return new Sc(v.elems().size() == 1 ? v.elems().get(0).v : Double.NaN);
            }
            case "timestamp":
                return timestamp(args.get(0), t);
            case "sort":
            case "sort_desc":
                return sort(ev.evalVector(args.get(0), t), name.equals("sort_desc"));
            case "sort_by_label":
            case "sort_by_label_desc":
                return sortByLabel(c, t, name.endsWith("_desc"));
            case "label_replace":
                return labelReplace(c, t);
            case "label_join":
                return labelJoin(c, t);
            case "absent":
                return absent(args.get(0), ev.evalVector(args.get(0), t).elems().isEmpty());
            case "absent_over_time":
                return absent(args.get(0), ((Mat) ev.eval(args.get(0), t)).windows().isEmpty());
            case "histogram_quantile":
                return HistogramQuantile.eval(ev, c, t);
            case "histogram_quantiles":
                return HistogramQuantile.quantiles(ev, c, t);
            case "histogram_fraction":
                return HistogramQuantile.fraction(ev, c, t);
            case "info":
                return InfoFunction.eval(ev, c, t);
            default:
                // Native-histogram functions: float samples carry no histogram, so nothing is returned.
                for (Expr a : args) {
                    ev.eval(a, t);
                }
                return new Vec(List.of());
        }
    }

    private EvalValue timestamp(Expr arg, long t) {
        Expr inner = arg;
        while (inner instanceof ParenExpr p) {
            inner = p.expr();
        }
        Vec v = ev.evalVector(arg, t);
        boolean direct = inner instanceof VectorSelector;
        List<Elem> out = new ArrayList<>(v.elems().size());
        for (Elem e : v.elems()) {
            out.add(e.withValue((direct ? e.ts : t) / 1000.0, true));
        }
        return new Vec(out);
    }

    private static Vec sort(Vec v, boolean desc) {
        List<Elem> out = new ArrayList<>(v.elems());
        out.sort((a, b) -> {
            boolean an = Double.isNaN(a.v);
            boolean bn = Double.isNaN(b.v);
            if (an || bn) {
                return Boolean.compare(an, bn);
            }
            return desc ? Double.compare(b.v, a.v) : Double.compare(a.v, b.v);
        });
        return new Vec(out);
    }

    private Vec sortByLabel(Call c, long t, boolean desc) {
        Vec v = ev.evalVector(c.args().get(0), t);
        List<String> labels = new ArrayList<>();
        for (int i = 1; i < c.args().size(); i++) {
            labels.add(((Str) ev.eval(c.args().get(i), t)).s());
        }
        List<Elem> out = new ArrayList<>(v.elems());
        out.sort((a, b) -> {
            for (String l : labels) {
                int cmp = NaturalOrder.compare(a.labels.get(l), b.labels.get(l));
                if (cmp != 0) {
                    return desc ? -cmp : cmp;
                }
            }
            int cmp = a.labels.compareTo(b.labels);
            return desc ? -cmp : cmp;
        });
        return new Vec(out);
    }

    private Vec labelReplace(Call c, long t) {
        Vec v = ev.evalVector(c.args().get(0), t);
        String dst = ((Str) ev.eval(c.args().get(1), t)).s();
        String repl = ((Str) ev.eval(c.args().get(2), t)).s();
        String src = ((Str) ev.eval(c.args().get(3), t)).s();
        String re = ((Str) ev.eval(c.args().get(4), t)).s();
        Pattern p = patterns.get(re);
        if (p == null) {
            try {
                p = Pattern.compile("^(?s:" + re + ")$");
            } catch (PatternSyntaxException e) {
                throw new QueryException(QueryException.Kind.EXECUTION,
                        "invalid regular expression in label_replace(): " + re);
            }
            patterns.put(re, p);
        }
        if (!validLabelName(dst)) {
            throw new QueryException(QueryException.Kind.EXECUTION,
                    "invalid destination label name in label_replace(): " + dst);
        }
        List<Elem> out = new ArrayList<>(v.elems().size());
        for (Elem e : v.elems()) {
            com.google.re2j.Matcher m = p.matcher(e.labels.get(src));
            if (!m.matches()) {
                out.add(e);
                continue;
            }
            String value = expand(repl, m);
            Labels labels = new LabelsBuilder(e.labels).set(dst, value).build();
            boolean drop = e.dropName && !dst.equals(Labels.METRIC_NAME);
            out.add(new Elem(labels, e.v, drop, e.ts));
        }
        return new Vec(out);
    }

    /** Go regexp's template expansion ({@code $1}, {@code ${name}}, {@code $$}), as relabeling uses it. */
    static String expand(String template, com.google.re2j.Matcher m) {
        return dev.sextant.tsdb.model.RegexTemplate.expand(m, template);
    }



    private Vec labelJoin(Call c, long t) {
        Vec v = ev.evalVector(c.args().get(0), t);
        String dst = ((Str) ev.eval(c.args().get(1), t)).s();
        String sep = ((Str) ev.eval(c.args().get(2), t)).s();
        List<String> srcs = new ArrayList<>();
        for (int i = 3; i < c.args().size(); i++) {
            srcs.add(((Str) ev.eval(c.args().get(i), t)).s());
        }
        if (!validLabelName(dst)) {
            throw new QueryException(QueryException.Kind.EXECUTION, "invalid destination label name in label_join(): "
                    + dst);
        }
        List<Elem> out = new ArrayList<>(v.elems().size());
        for (Elem e : v.elems()) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < srcs.size(); i++) {
                if (i > 0) {
                    sb.append(sep);
                }
                sb.append(e.labels.get(srcs.get(i)));
            }
            Labels labels = new LabelsBuilder(e.labels).set(dst, sb.toString()).build();
            out.add(new Elem(labels, e.v, e.dropName && !dst.equals(Labels.METRIC_NAME), e.ts));
        }
        return new Vec(out);
    }

    /** Prometheus 3.x accepts any non-empty valid UTF-8 label name. */
    static boolean validLabelName(String s) {
        return !s.isEmpty() && !dev.sextant.promql.parser.Strings.hasInvalidUtf8(s);
    }

    /** absent()/absent_over_time(): labels from the selector's equality matchers, once each. */
    private static Vec absent(Expr arg, boolean empty) {
        if (!empty) {
            return new Vec(List.of());
        }
        Expr inner = arg;
        while (inner instanceof ParenExpr p) {
            inner = p.expr();
        }
        VectorSelector vs = inner instanceof VectorSelector s ? s
                : inner instanceof MatrixSelector m ? m.selector() : null;
        LabelsBuilder b = new LabelsBuilder();
        if (vs != null) {
            Set<String> seen = new HashSet<>();
            for (Matcher m : vs.matchers()) {
                if (m.name().equals(Labels.METRIC_NAME)) {
                    continue;
                }
                if (m.type() == Matcher.Type.EQUAL && seen.add(m.name())) {
                    b.set(m.name(), m.value());
                } else {
                    seen.add(m.name());
                    b.delete(m.name());
                }
            }
        }
        return new Vec(List.of(new Elem(b.build(), 1, false, 0)));
    }

    /** Go's strconv.FormatFloat(v, 'f', -1, 64) with Prometheus's spellings of the specials. */
    static String formatGo(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0" : "0";
        }
        String s = new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
        return s;
    }
}
