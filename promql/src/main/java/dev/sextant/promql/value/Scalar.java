package dev.sextant.promql.value;

import dev.sextant.promql.ast.ValueType;

/** A scalar at time {@code t} (milliseconds). */
public record Scalar(long t, double v) implements Value {
    @Override
    public ValueType type() {
        return ValueType.SCALAR;
    }
}
