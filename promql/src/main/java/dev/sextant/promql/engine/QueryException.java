package dev.sextant.promql.engine;

/**
 * A query failed after parsing. {@link Kind} maps to the HTTP API's {@code errorType}: EXECUTION to
 * {@code execution} (422), TIMEOUT to {@code timeout} (503), CANCELED to {@code canceled}.
 */
public final class QueryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        EXECUTION,
        TIMEOUT,
        CANCELED,
        BAD_DATA
    }

    private final Kind kind;

    public QueryException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public QueryException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
