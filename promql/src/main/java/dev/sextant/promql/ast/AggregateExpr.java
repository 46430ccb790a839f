package dev.sextant.promql.ast;

import java.util.List;

/** An aggregation; {@code param} is null unless the operator takes one. */
public record AggregateExpr(AggregateOp op, Expr expr, Expr param, List<String> grouping, boolean without,
        int pos) implements Expr {
    public AggregateExpr {
        grouping = List.copyOf(grouping);
    }

    @Override
    public ValueType type() {
        return ValueType.VECTOR;
    }
}
