package dev.sextant.promql.function;

import dev.sextant.promql.ast.FunctionSignature;

/**
 * One registry entry: a signature plus exactly one implementation. {@code range} for functions over
 * a range vector, {@code element} for per-sample functions; both null for functions the evaluator
 * implements itself (they need labels, the whole vector or query context).
 * {@code keepsName}: whether the result keeps {@code __name__}.
 */
public record FunctionDef(FunctionSignature signature, RangeFunction range, ElementFunction element,
        boolean keepsName) {}
