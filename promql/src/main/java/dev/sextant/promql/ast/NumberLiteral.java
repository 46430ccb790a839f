package dev.sextant.promql.ast;

/** A number literal such as {@code 1}, {@code 0x1F}, {@code 1e3}, {@code Inf}, {@code NaN}. */
public record NumberLiteral(double value) implements Expr {
    @Override
    public ValueType type() {
        return ValueType.SCALAR;
    }
}
