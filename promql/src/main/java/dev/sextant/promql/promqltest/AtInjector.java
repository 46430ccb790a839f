package dev.sextant.promql.promqltest;

import dev.sextant.promql.ast.AggregateExpr;
import dev.sextant.promql.ast.AtModifier;
import dev.sextant.promql.ast.BinaryExpr;
import dev.sextant.promql.ast.Call;
import dev.sextant.promql.ast.Expr;
import dev.sextant.promql.ast.MatrixSelector;
import dev.sextant.promql.ast.ParenExpr;
import dev.sextant.promql.ast.Subquery;
import dev.sextant.promql.ast.UnaryExpr;
import dev.sextant.promql.ast.VectorSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Builds the {@code @}-variants of the upstream runner: pins every selector and subquery without
 * {@code @} to a fixed time.
 *
 * <p>Thread-safety: stateless.
 */
final class AtInjector {
    private static final Set<String> TIME_DEPENDENT = Set.of("time", "timestamp", "predict_linear", "day_of_month",
            "day_of_week", "day_of_year", "days_in_month", "hour", "minute", "month", "year", "start", "end",
            "range", "step");

    private AtInjector() {}

    static boolean timeDependent(Expr e) {
        if (e instanceof Call c) {
            if (TIME_DEPENDENT.contains(c.function().name())) {
                return true;
            }
            for (Expr a : c.args()) {
                if (timeDependent(a)) {
                    return true;
                }
            }
            return false;
        }
        if (e instanceof ParenExpr p) {
            return timeDependent(p.expr());
        }
        if (e instanceof UnaryExpr u) {
            return timeDependent(u.expr());
        }
        if (e instanceof BinaryExpr b) {
            return timeDependent(b.lhs()) || timeDependent(b.rhs());
        }
        if (e instanceof AggregateExpr a) {
            return timeDependent(a.expr()) || (a.param() != null && timeDependent(a.param()));
        }
        if (e instanceof Subquery s) {
            return timeDependent(s.expr());
        }
        return false;
    }

    static Expr inject(Expr e, long t) {
        AtModifier at = new AtModifier(AtModifier.Kind.TIME, t);
        if (e instanceof VectorSelector v) {
            return v.at() == null ? v.withAt(at) : v;
        }
        if (e instanceof MatrixSelector m) {
            return m.selector().at() == null ? new MatrixSelector(m.selector().withAt(at), m.range(), m.pos()) : m;
        }
        if (e instanceof Subquery s) {
            // Selectors inside a subquery are left alone: the subquery's own @ fixes their times.
            return s.at() == null ? new Subquery(s.expr(), s.range(), s.step(), s.offset(), at, s.pos()) : s;
        }
        if (e instanceof ParenExpr p) {
            return new ParenExpr(inject(p.expr(), t), p.pos());
        }
        if (e instanceof UnaryExpr u) {
            return new UnaryExpr(inject(u.expr(), t), u.pos());
        }
        if (e instanceof BinaryExpr b) {
            return new BinaryExpr(b.op(), inject(b.lhs(), t), inject(b.rhs(), t), b.matching(), b.returnBool(),
                    b.pos());
        }
        if (e instanceof AggregateExpr a) {
            return new AggregateExpr(a.op(), inject(a.expr(), t), a.param() == null ? null : inject(a.param(), t),
                    a.grouping(), a.without(), a.pos());
        }
        if (e instanceof Call c) {
            List<Expr> args = new ArrayList<>(c.args().size());
            for (Expr a : c.args()) {
                // info()'s second argument is a label filter, not a selector evaluated on its own.
                boolean infoFilter = c.function().name().equals("info") && !args.isEmpty();
                args.add(infoFilter ? a : inject(a, t));
            }
            return new Call(c.function(), args, c.pos());
        }
        return e;
    }
}
