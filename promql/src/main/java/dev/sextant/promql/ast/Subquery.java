package dev.sextant.promql.ast;

/** {@code expr[range:step]} with optional offset and {@code @}; {@code step} null means the default. */
public record Subquery(Expr expr, DurationExpr range, DurationExpr step, DurationExpr offset, AtModifier at,
        int pos) implements Expr {
    @Override
    public ValueType type() {
        return ValueType.MATRIX;
    }
}
