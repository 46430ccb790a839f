package dev.sextant.tsdb.model;

/**
 * The staleness marker: a specific NaN bit pattern that Prometheus writes when a series disappears.
 * It must be compared by bits, since every NaN compares unequal to itself.
 */
public final class StaleNaN {
    /** Prometheus's {@code value.StaleNaN} bit pattern. */
    public static final long BITS = 0x7ff0000000000002L;

    public static final double VALUE = Double.longBitsToDouble(BITS);

    private StaleNaN() {}

    public static boolean isStale(double v) {
        return Double.doubleToRawLongBits(v) == BITS;
    }
}
