package dev.sextant.promql.ast;

/** A string literal, already unescaped. */
public record StringLiteral(String value, int pos) implements Expr {
    public StringLiteral(String value) {
        this(value, -1);
    }

    /** Positions are not part of a literal's identity. */
    @Override
    public boolean equals(Object other) {
        return other instanceof StringLiteral o && value.equals(o.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public ValueType type() {
        return ValueType.STRING;
    }
}
