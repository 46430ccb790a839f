package dev.sextant.promql.value;

import dev.sextant.promql.ast.ValueType;
import java.util.List;

/** An instant vector. The list is owned by the vector and not modified after construction. */
public record Vector(List<Sample> samples) implements Value {
    @Override
    public ValueType type() {
        return ValueType.VECTOR;
    }
}
