package dev.sextant.promql.ast;

/**
 * A parsed PromQL expression. Every node is an immutable record; {@link #type()} is the static type
 * the evaluator will produce.
 */
public sealed interface Expr permits NumberLiteral, StringLiteral, VectorSelector {
    ValueType type();
}
