package dev.sextant.promql.ast;

/** A range vector selector {@code sel[range]}; offset and {@code @} live on the inner selector. */
public record MatrixSelector(VectorSelector selector, DurationExpr range, int pos) implements Expr {
    @Override
    public ValueType type() {
        return ValueType.MATRIX;
    }
}
