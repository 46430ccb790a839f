package dev.sextant.api.v1;

/** A request that must be answered with Prometheus's error envelope. */
public final class ApiException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorType type;

    public ApiException(ErrorType type, String message) {
        super(message);
        this.type = type;
    }

    public ErrorType type() {
        return type;
    }

    /** {@code invalid parameter "name": reason}, as Prometheus words it. */
    public static ApiException invalidParam(String name, String reason) {
        return new ApiException(ErrorType.BAD_DATA, "invalid parameter \"" + name + "\": " + reason);
    }
}
