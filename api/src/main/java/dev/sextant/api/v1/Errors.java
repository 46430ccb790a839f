package dev.sextant.api.v1;

import dev.sextant.promql.engine.QueryException;

/** Maps engine failures to Prometheus's error types. */
final class Errors {
    private Errors() {}

    static ErrorType typeOf(QueryException e) {
        return switch (e.kind()) {
            case TIMEOUT -> ErrorType.TIMEOUT;
            case CANCELED -> ErrorType.CANCELED;
            case BAD_DATA -> ErrorType.BAD_DATA;
            case EXECUTION -> ErrorType.EXECUTION;
        };
    }
}
