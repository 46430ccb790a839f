package dev.sextant.promql.ast;

/**
 * A parsed PromQL expression. Every node is an immutable record; {@link #type()} is the static type
 * the evaluator will produce.
 *
 * <p>Thread-safety: immutable, freely shared.
 */
public sealed interface Expr permits NumberLiteral, StringLiteral, VectorSelector, MatrixSelector, Subquery,
        UnaryExpr, BinaryExpr, AggregateExpr, Call, ParenExpr {
    ValueType type();

    /** 0-based character offset of the node's first token in the query text (-1 when unknown). */
    default int pos() {
        return -1;
    }
}
