package dev.sextant.promql.ast;

/** Unary minus (plus is dropped by the parser). */
public record UnaryExpr(Expr expr, int pos) implements Expr {
    @Override
    public ValueType type() {
        return expr.type();
    }
}
