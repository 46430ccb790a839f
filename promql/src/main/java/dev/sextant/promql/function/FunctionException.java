package dev.sextant.promql.function;

/** A function rejected its arguments at evaluation time (an execution error, HTTP 422). */
public final class FunctionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FunctionException(String message) {
        super(message);
    }
}
