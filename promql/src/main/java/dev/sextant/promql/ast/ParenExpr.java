package dev.sextant.promql.ast;

/** A parenthesised expression; kept so that {@code timestamp((x))} and printing behave as upstream. */
public record ParenExpr(Expr expr, int pos) implements Expr {
    @Override
    public ValueType type() {
        return expr.type();
    }
}
