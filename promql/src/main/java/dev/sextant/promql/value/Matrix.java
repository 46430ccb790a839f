package dev.sextant.promql.value;

import dev.sextant.promql.ast.ValueType;
import java.util.List;

/** A range vector, or the result of a range query: series with their points. */
public record Matrix(List<SeriesPoints> series) implements Value {
    @Override
    public ValueType type() {
        return ValueType.MATRIX;
    }
}
