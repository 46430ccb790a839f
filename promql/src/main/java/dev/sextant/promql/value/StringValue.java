package dev.sextant.promql.value;

import dev.sextant.promql.ast.ValueType;

/** A string at time {@code t} (milliseconds). */
public record StringValue(long t, String v) implements Value {
    @Override
    public ValueType type() {
        return ValueType.STRING;
    }
}
