package dev.sextant.promql.value;

import dev.sextant.promql.ast.ValueType;

/** The result of evaluating an expression: scalar, string, instant vector or range vector (matrix). */
public sealed interface Value permits Scalar, StringValue, Vector, Matrix {
    ValueType type();
}
