package dev.sextant.promql.engine;

import dev.sextant.promql.ast.BinaryExpr;
import dev.sextant.promql.ast.BinaryOp;
import dev.sextant.promql.ast.VectorMatching;
import dev.sextant.promql.engine.EvalValue.Sc;
import dev.sextant.promql.engine.EvalValue.Vec;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Binary operators: scalar/scalar, vector/scalar and vector/vector with one-to-one, many-to-one and
 * set matching (spec/promql.md §4).
 *
 * <p>Thread-safety: stateless apart from a reusable labels builder; one per evaluator.
 */
final class BinaryOps {
    private final LabelsBuilder builder = new LabelsBuilder();
    /** Match signatures per matching clause and label set; selector labels are shared across steps. */
    private final Map<VectorMatching, Map<Labels, Labels>> signatureCache = new java.util.IdentityHashMap<>();
    private final Map<VectorMatching, Map<Labels, Labels>> reducedCache = new java.util.IdentityHashMap<>();
    private final Map<Labels, Labels> droppedNames = new java.util.IdentityHashMap<>();

    EvalValue eval(BinaryExpr b, EvalValue lhs, EvalValue rhs) {
        BinaryOp op = b.op();
        if (lhs instanceof Sc l && rhs instanceof Sc r) {
            return new Sc(op.isComparison() ? (compare(op, l.v(), r.v()) ? 1 : 0) : arithmetic(op, l.v(), r.v()));
        }
        if (lhs instanceof Vec l && rhs instanceof Sc r) {
            return vectorScalar(b, l, r.v(), false);
        }
        if (lhs instanceof Sc l && rhs instanceof Vec r) {
            return vectorScalar(b, r, l.v(), true);
        }
        Vec l = (Vec) lhs;
        Vec r = (Vec) rhs;
        return switch (op) {
            case AND -> and(b.matching(), l, r, true);
            case UNLESS -> and(b.matching(), l, r, false);
            case OR -> or(b.matching(), l, r);
            default -> vectorVector(b, l, r);
        };
    }

    private static Vec vectorScalar(BinaryExpr b, Vec vec, double scalar, boolean scalarLeft) {
        BinaryOp op = b.op();
        List<Elem> out = new ArrayList<>(vec.elems().size());
        for (Elem e : vec.elems()) {
            double lv = scalarLeft ? scalar : e.v;
            double rv = scalarLeft ? e.v : scalar;
            if (op.isComparison()) {
                boolean keep = compare(op, lv, rv);
                if (b.returnBool()) {
                    out.add(e.withValue(keep ? 1 : 0, true));
                } else if (keep) {
                    out.add(e);
                }
            } else {
                out.add(e.withValue(arithmetic(op, lv, rv), true));
            }
        }
        return new Vec(out);
    }

    /** The match key of an element: labels restricted by on/ignoring, never {@code __name__} unless named by on. */
    private Labels signature(VectorMatching m, Labels l) {
        Map<Labels, Labels> cache = signatureCache.computeIfAbsent(m, k -> new java.util.IdentityHashMap<>());
        Labels sig = cache.get(l);
        if (sig == null) {
            sig = computeSignature(m, l);
            if (cache.size() < 100_000) {
                cache.put(l, sig);
            }
        }
        return sig;
    }

    private Labels computeSignature(VectorMatching m, Labels l) {
        builder.reset();
        if (m.on()) {
            for (String name : m.labels()) {
                String v = l.get(name);
                if (!v.isEmpty()) {
                    builder.set(name, v);
                }
            }
            return builder.build();
        }
        builder.reset(l);
        builder.delete(Labels.METRIC_NAME);
        for (String name : m.labels()) {
            builder.delete(name);
        }
        return builder.build();
    }

    private Vec and(VectorMatching m, Vec l, Vec r, boolean keepMatching) {
        Set<Labels> right = new HashSet<>();
        for (Elem e : r.elems()) {
            right.add(signature(m, e.labels));
        }
        List<Elem> out = new ArrayList<>();
        for (Elem e : l.elems()) {
            if (right.contains(signature(m, e.labels)) == keepMatching) {
                out.add(e);
            }
        }
        return new Vec(out);
    }

    private Vec or(VectorMatching m, Vec l, Vec r) {
        Set<Labels> left = new HashSet<>();
        List<Elem> out = new ArrayList<>(l.elems());
        for (Elem e : l.elems()) {
            left.add(signature(m, e.labels));
        }
        for (Elem e : r.elems()) {
            if (!left.contains(signature(m, e.labels))) {
                out.add(e);
            }
        }
        return new Vec(out);
    }

    private Vec vectorVector(BinaryExpr b, Vec lhs, Vec rhs) {
        VectorMatching m = b.matching();
        BinaryOp op = b.op();
        boolean swap = m.card() == VectorMatching.Cardinality.ONE_TO_MANY;
        Vec many = swap ? rhs : lhs;
        Vec one = swap ? lhs : rhs;
        Map<Labels, Elem> oneSide = new HashMap<>();
        for (Elem e : one.elems()) {
            Labels sig = signature(m, e.labels);
            Elem prev = oneSide.putIfAbsent(sig, e);
            if (prev != null) {
                throw new QueryException(QueryException.Kind.EXECUTION, "found duplicate series for the match group "
                        + sig + " on the " + (swap ? "left" : "right") + " hand-side of the operation: ["
                        + prev.labels + ", " + e.labels + "];many-to-many matching not allowed: matching labels must "
                        + "be unique on one side");
            }
        }
        boolean dropName = !op.isComparison() || b.returnBool();
        List<Elem> out = new ArrayList<>();
        Set<Labels> usedOne = m.fillLeft() != null ? new HashSet<>() : null;
        Map<Labels, Labels> matchedOne = new HashMap<>();
        Set<Labels> resultLabels = new HashSet<>();
        for (Elem e : many.elems()) {
            Labels sig = signature(m, e.labels);
            Elem o = oneSide.get(sig);
            if (o == null) {
                if (m.fillRight() != null) {
                    fillMissingOne(b, e, m.fillRight(), swap, dropName, out);
                }
                continue;
            }
            if (usedOne != null) {
                usedOne.add(sig);
            }
            if (m.card() == VectorMatching.Cardinality.ONE_TO_ONE && matchedOne.putIfAbsent(sig, sig) != null) {
                throw new QueryException(QueryException.Kind.EXECUTION, "multiple matches for labels: many-to-one "
                        + "matching must be explicit (group_left/group_right)");
            }
            Elem le = swap ? o : e;
            Elem re = swap ? e : o;
            double value;
            if (op.isComparison()) {
                boolean keep = compare(op, le.v, re.v);
                if (!b.returnBool() && !keep) {
                    continue;
                }
                value = b.returnBool() ? (keep ? 1 : 0) : le.v;
            } else {
                value = arithmetic(op, le.v, re.v);
            }
            Labels labels = resultLabels(m, e, o, dropName);
            if (m.card() != VectorMatching.Cardinality.ONE_TO_ONE
                    && !resultLabels.add(dropName ? dropped(labels) : labels)) {
                throw new QueryException(QueryException.Kind.EXECUTION,
                        "multiple matches for labels: grouping labels must ensure unique matches");
            }
            boolean keepDrop = dropName || e.dropName;
            out.add(new Elem(labels, value, keepDrop, 0));
        }
        if (usedOne != null) {
            for (Elem o : one.elems()) {
                Labels sig = signature(m, o.labels);
                if (!usedOne.contains(sig)) {
                    fillMissingMany(b, o, sig, m.fillLeft(), swap, out);
                }
            }
        }
        return new Vec(out);
    }

    /** A "many"-side element without a match: the one side's value is the fill value. */
    private void fillMissingOne(BinaryExpr b, Elem e, double fill, boolean swap, boolean dropName, List<Elem> out) {
        double lv = swap ? fill : e.v;
        double rv = swap ? e.v : fill;
        Double value = apply(b, lv, rv);
        if (value == null) {
            return;
        }
        VectorMatching m = b.matching();
        Labels labels = resultLabels(m, e, null, dropName);
        out.add(new Elem(labels, value, dropName || e.dropName, 0));
    }

    /** A "one"-side element nothing matched: the many side's value is the fill value. */
    private void fillMissingMany(BinaryExpr b, Elem o, Labels sig, double fill, boolean swap, List<Elem> out) {
        double lv = swap ? o.v : fill;
        double rv = swap ? fill : o.v;
        Double value = apply(b, lv, rv);
        if (value == null) {
            return;
        }
        VectorMatching m = b.matching();
        Labels labels = m.card() == VectorMatching.Cardinality.ONE_TO_ONE ? resultLabels(m, o, null, true) : sig;
        out.add(new Elem(labels, value, true, 0));
    }

    /** The operation's value for one pair, or null when a comparison filters it out. */
    private static Double apply(BinaryExpr b, double lv, double rv) {
        BinaryOp op = b.op();
        if (op.isComparison()) {
            boolean keep = compare(op, lv, rv);
            if (b.returnBool()) {
                return keep ? 1.0 : 0.0;
            }
            return keep ? lv : null;
        }
        return arithmetic(op, lv, rv);
    }

    private Labels resultLabels(VectorMatching m, Elem many, Elem one, boolean dropName) {
        // Fast paths: the result labels depend on the "many" side only; selector label sets are
        // shared across steps, so they are computed once.
        if (m.include().isEmpty()) {
            if (m.card() != VectorMatching.Cardinality.ONE_TO_ONE || (!m.on() && m.labels().isEmpty())) {
                return many.labels;
            }
            if (m.on()) {
                return signature(m, many.labels);
            }
            Map<Labels, Labels> cache = reducedCache.computeIfAbsent(m, k -> new java.util.IdentityHashMap<>());
            Labels r = cache.get(many.labels);
            if (r == null) {
                builder.reset(many.labels);
                for (String name : m.labels()) {
                    builder.delete(name);
                }
                r = builder.build();
                if (cache.size() < 100_000) {
                    cache.put(many.labels, r);
                }
            }
            return r;
        }
        builder.reset(many.labels);
        if (m.card() == VectorMatching.Cardinality.ONE_TO_ONE) {
            if (m.on()) {
                builder.reset();
                for (String name : m.labels()) {
                    String v = many.labels.get(name);
                    if (!v.isEmpty()) {
                        builder.set(name, v);
                    }
                }
            } else {
                for (String name : m.labels()) {
                    builder.delete(name);
                }
            }
        }
        for (String name : m.include()) {
            String v = one == null ? "" : one.labels.get(name);
            if (v.isEmpty()) {
                builder.delete(name);
            } else {
                builder.set(name, v);
            }
        }
        return builder.build();
    }

    private Labels dropped(Labels l) {
        Labels d = droppedNames.get(l);
        if (d == null) {
            d = Names.dropMetricName(l);
            if (droppedNames.size() < 100_000) {
                droppedNames.put(l, d);
            }
        }
        return d;
    }

    static boolean compare(BinaryOp op, double a, double b) {
        return switch (op) {
            case EQL -> a == b;
            case NEQ -> a != b;
            case GTR -> a > b;
            case LSS -> a < b;
            case GTE -> a >= b;
            case LTE -> a <= b;
            default -> throw new IllegalStateException("not a comparison: " + op);
        };
    }

    static double arithmetic(BinaryOp op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MOD -> a % b;
            case POW -> pow(a, b);
            case ATAN2 -> Math.atan2(a, b);
            default -> throw new IllegalStateException("not arithmetic: " + op);
        };
    }

    /** Go's math.Pow special cases where Java's differ. */
    static double pow(double a, double b) {
        if (b == 0 || a == 1) {
            return 1;
        }
        if (a == -1 && Double.isInfinite(b)) {
            return 1;
        }
        return Math.pow(a, b);
    }
}
