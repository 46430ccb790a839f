package dev.sextant.api.v1;

/** Prometheus's {@code errorType} values and the HTTP status each one is answered with. */
public enum ErrorType {
    BAD_DATA("bad_data", 400),
    EXECUTION("execution", 422),
    TIMEOUT("timeout", 503),
    CANCELED("canceled", 499),
    INTERNAL("internal", 500),
    UNAVAILABLE("unavailable", 500),
    NOT_FOUND("not_found", 404),
    NOT_ACCEPTABLE("not_acceptable", 406);

    private final String wireName;
    private final int httpStatus;

    ErrorType(String wireName, int httpStatus) {
        this.wireName = wireName;
        this.httpStatus = httpStatus;
    }

    public String wireName() {
        return wireName;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
