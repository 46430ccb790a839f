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
        Expr inner = baseArg;
        while (inner instanceof ParenExpr p) {
            inner = p.expr();
        }
        long ref = t;
        if (inner instanceof VectorSelector vs) {
            ref = (vs.at() != null ? ev.ctx.atTime(vs.at()) : t) - ev.ctx.millis(vs.offset());
        }
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
