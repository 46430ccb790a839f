package dev.sextant.promql.ast;

/** Aggregation operators; {@link #paramType()} is null for those without a parameter. */
public enum AggregateOp {
    SUM, AVG, COUNT, MIN, MAX, GROUP, STDDEV, STDVAR, TOPK(ValueType.SCALAR), BOTTOMK(ValueType.SCALAR),
    QUANTILE(ValueType.SCALAR), COUNT_VALUES(ValueType.STRING), LIMITK(ValueType.SCALAR),
    LIMIT_RATIO(ValueType.SCALAR);

    private final ValueType paramType;

    AggregateOp() {
        this(null);
    }

    AggregateOp(ValueType paramType) {
        this.paramType = paramType;
    }

    public ValueType paramType() {
        return paramType;
    }

    public String spelling() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Looks up an operator by its case-insensitive name; null if none. */
    public static AggregateOp of(String name) {
        for (AggregateOp op : values()) {
            if (op.name().equalsIgnoreCase(name)) {
                return op;
            }
        }
        return null;
    }
}
