package dev.sextant.promql.ast;

/** A binary operation; {@code matching} is non-null when both sides are vectors. */
public record BinaryExpr(BinaryOp op, Expr lhs, Expr rhs, VectorMatching matching, boolean returnBool, int pos)
        implements Expr {
    @Override
    public ValueType type() {
        return lhs.type() == ValueType.SCALAR && rhs.type() == ValueType.SCALAR ? ValueType.SCALAR
                : ValueType.VECTOR;
    }
}
