package dev.sextant.promql.function;

/** A function over one series' range window. */
@FunctionalInterface
public interface RangeFunction {
    /**
     * Computes the result for one window.
     *
     * @return the value, or {@link #NO_VALUE} (compared by raw bits) when the series yields nothing
     */
    double apply(RangeWindow w);

    /** A NaN payload no computation produces; marks "no output". */
    double NO_VALUE = Double.longBitsToDouble(0x7ff00000000000ffL);

    static boolean isNoValue(double v) {
        return Double.doubleToRawLongBits(v) == 0x7ff00000000000ffL;
    }
}
