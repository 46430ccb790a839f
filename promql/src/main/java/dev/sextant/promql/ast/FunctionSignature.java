package dev.sextant.promql.ast;

import java.util.List;

/**
 * A function's name and types. {@code variadic}: 0 = exact arity; n &gt; 0 = up to n optional
 * trailing arguments; -1 = any number of repetitions of the last argument type.
 */
public record FunctionSignature(String name, List<ValueType> argTypes, int variadic, ValueType returnType,
        boolean experimental) {
    public FunctionSignature {
        argTypes = List.copyOf(argTypes);
    }
}
