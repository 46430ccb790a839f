package dev.sextant.promql.ast;

import java.util.List;

/** A function call. */
public record Call(FunctionSignature function, List<Expr> args, int pos) implements Expr {
    public Call {
        args = List.copyOf(args);
    }

    @Override
    public ValueType type() {
        return function.returnType();
    }
}
