package dev.sextant.promql.ast;

/** A number literal such as {@code 1}, {@code 0x1F}, {@code 1e3}, {@code Inf}, {@code NaN}. */
public record NumberLiteral(double value, int pos) implements Expr {
    public NumberLiteral(double value) {
        this(value, -1);
    }

    /** Positions are not part of a literal's identity. */
    @Override
    public boolean equals(Object other) {
        return other instanceof NumberLiteral o && Double.compare(value, o.value) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(value);
    }

    @Override
    public ValueType type() {
        return ValueType.SCALAR;
    }
}
