package dev.sextant.promql.ast;

/** PromQL's value types, named as Prometheus names them in errors and in the HTTP API. */
public enum ValueType {
    SCALAR("scalar"),
    STRING("string"),
    VECTOR("vector"),
    MATRIX("matrix");

    private final String apiName;

    ValueType(String apiName) {
        this.apiName = apiName;
    }

    /** The name used by the HTTP API's {@code resultType}. */
    public String apiName() {
        return apiName;
    }

    /** The name used in type-check errors ("instant vector", "range vector", ...). */
    public String documentedName() {
        return switch (this) {
            case SCALAR -> "scalar";
            case STRING -> "string";
            case VECTOR -> "instant vector";
            case MATRIX -> "range vector";
        };
    }
}
