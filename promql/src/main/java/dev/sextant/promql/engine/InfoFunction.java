package dev.sextant.promql.engine;

import dev.sextant.promql.ast.Call;
import dev.sextant.promql.ast.Expr;
import dev.sextant.promql.ast.ParenExpr;
import dev.sextant.promql.ast.VectorSelector;
import dev.sextant.promql.engine.EvalValue.Vec;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import dev.sextant.tsdb.model.Matcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The experimental {@code info(v, selector)}: adds data labels of info series (default {@code
 * target_info}) that share the identifying labels {@code instance} and {@code job}.
 *
 * <p>Thread-safety: stateless.
 */
final class InfoFunction {
    private InfoFunction() {}

    static Vec eval(Evaluator ev, Call c, long t) {
        Expr baseArg = c.args().get(0);
        VectorSelector infoSel = (VectorSelector) c.args().get(1);
        Vec base = ev.evalVector(baseArg, t);
        long[] r = {t, t};
        shift(baseArg, r, ev.ctx);
        long ref = r[1];
        List<Matcher> nameMatchers = new ArrayList<>();
        List<Matcher> dataMatchers = new ArrayList<>();
        for (Matcher m : infoSel.matchers()) {
            (m.name().equals(Labels.METRIC_NAME) ? nameMatchers : dataMatchers).add(m);
        }
        boolean dropWithoutMatch = false;
        for (Matcher m : dataMatchers) {
            dropWithoutMatch |= !m.matchesEmpty();
        }
        Map<String, List<Elem>> infoByIdentity = new HashMap<>();
        for (Elem e : ev.lookupAt(infoSel, ref)) {
            infoByIdentity.computeIfAbsent(identity(e.labels), k -> new ArrayList<>()).add(e);
        }
        List<Elem> out = new ArrayList<>(base.elems().size());
        for (Elem e : base.elems()) {
            if (isInfoSeries(e.labels, nameMatchers)) {
                out.add(e);
                continue;
            }
            List<Elem> infos = infoByIdentity.get(identity(e.labels));
            if (infos == null || infos.isEmpty()) {
                if (!dropWithoutMatch) {
                    out.add(e);
                }
                continue;
            }
            // Per info metric name the latest sample wins.
            Map<String, Elem> latest = new LinkedHashMap<>();
            for (Elem i : infos) {
                Elem prev = latest.get(i.labels.metricName());
                if (prev == null || i.ts > prev.ts) {
                    latest.put(i.labels.metricName(), i);
                }
            }
            LabelsBuilder b = new LabelsBuilder(e.labels);
            Map<String, String> added = new HashMap<>();
            for (Elem i : latest.values()) {
                for (int k = 0; k < i.labels.size(); k++) {
                    String name = i.labels.name(k);
                    if (name.equals(Labels.METRIC_NAME) || e.labels.has(name)) {
                        continue;
                    }
                    if (!dataMatchers.isEmpty() ? !named(dataMatchers, name)
                            : name.equals("instance") || name.equals("job")) {
                        continue;
                    }
                    String v = i.labels.value(k);
                    String prev = added.putIfAbsent(name, v);
                    if (prev != null && !prev.equals(v)) {
                        throw new QueryException(QueryException.Kind.EXECUTION, "conflicting label: " + name
                                + " has values \"" + prev + "\" and \"" + v + "\"");
                    }
                    b.set(name, v);
                }
            }
            out.add(new Elem(b.build(), e.v, e.dropName, e.ts));
        }
        return new Vec(out);
    }

    /**
     * Shifts the time interval {@code r} the way the base argument's samples are read: through
     * the first vector/range argument of functions and aggregations, subqueries ({@code @},
     * {@code offset}) and finally the selector's own {@code @} and {@code offset}.
     */
    static void shift(Expr e, long[] r, Evaluator.QueryContext ctx) {
        while (true) {
            if (e instanceof ParenExpr p) {
                e = p.expr();
            } else if (e instanceof dev.sextant.promql.ast.AggregateExpr a) {
                e = a.expr();
            } else if (e instanceof Call c) {
                Expr next = null;
                for (Expr arg : c.args()) {
                    if (arg.type() == dev.sextant.promql.ast.ValueType.VECTOR
                            || arg.type() == dev.sextant.promql.ast.ValueType.MATRIX) {
                        next = arg;
                        break;
                    }
                }
                if (next == null) {
                    return;
                }
                e = next;
            } else if (e instanceof dev.sextant.promql.ast.Subquery s) {
                apply(s.at(), s.offset(), r, ctx);
                e = s.expr();
            } else if (e instanceof dev.sextant.promql.ast.MatrixSelector m) {
                apply(m.selector().at(), m.selector().offset(), r, ctx);
                return;
            } else if (e instanceof VectorSelector vs) {
                apply(vs.at(), vs.offset(), r, ctx);
                return;
            } else {
                return;
            }
        }
    }

    private static void apply(dev.sextant.promql.ast.AtModifier at, dev.sextant.promql.ast.DurationExpr offset,
            long[] r, Evaluator.QueryContext ctx) {
        if (at != null) {
            r[0] = ctx.atTime(at);
            r[1] = r[0];
        }
        long off = ctx.millis(offset);
        r[0] -= off;
        r[1] -= off;
    }

    private static String identity(Labels l) {
        return l.get("instance") + "\u0000" + l.get("job");
    }

    private static boolean named(List<Matcher> matchers, String label) {
        for (Matcher m : matchers) {
            if (m.name().equals(label)) {
                return true;
            }
        }
        return false;
    }

    /** Series whose name satisfies every name matcher of the info selector pass through unchanged. */
    private static boolean isInfoSeries(Labels l, List<Matcher> nameMatchers) {
        String name = l.metricName();
        for (Matcher m : nameMatchers) {
            if (!m.matches(name)) {
                return false;
            }
        }
        return !nameMatchers.isEmpty();
    }
}
