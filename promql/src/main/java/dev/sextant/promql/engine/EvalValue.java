package dev.sextant.promql.engine;

import java.util.List;

/** Intermediate values of the evaluator: scalar, string, instant vector, range vector. */
sealed interface EvalValue {
    record Sc(double v) implements EvalValue {}

    record Str(String s) implements EvalValue {}

    record Vec(List<Elem> elems) implements EvalValue {}

    record Mat(List<Window> windows) implements EvalValue {}
}
