package dev.sextant.api.json;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Number rendering exactly as Prometheus's HTTP API writes it.
 *
 * <ul>
 *   <li>Timestamps (int64 ms) become seconds: whole seconds without a fraction, otherwise a dot and
 *       exactly three digits ({@code 1435781451.050}).
 *   <li>Sample values become the shortest decimal that parses back to the same double, in plain
 *       notation when {@code 1e-6 <= |v| < 1e21} (or 0), otherwise in Go's {@code 'e'} form
 *       ({@code 1e-07}, {@code 1.5e+21}); {@code NaN}, {@code +Inf}, {@code -Inf} spelled so.
 * </ul>
 *
 * <p>Thread-safety: stateless.
 */
public final class PromFormat {
    private PromFormat() {}

    /** Appends the JSON number for millisecond timestamp {@code ms}. */
    public static StringBuilder appendTimestamp(StringBuilder sb, long ms) {
        long abs = ms;
        if (ms < 0) {
            sb.append('-');
            abs = -ms; // Long.MIN_VALUE ms is never a real timestamp.
        }
        sb.append(abs / 1000);
        long frac = abs % 1000;
        if (frac != 0) {
            sb.append('.');
            if (frac < 100) {
                sb.append('0');
            }
            if (frac < 10) {
                sb.append('0');
            }
            sb.append(frac);
        }
        return sb;
    }

    public static String timestamp(long ms) {
        return appendTimestamp(new StringBuilder(16), ms).toString();
    }

    /** NaN, the infinities and the zeros as Go and Prometheus write them; null for any other value. */
    private static String special(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return (Double.doubleToRawLongBits(v) < 0) ? "-0" : "0";
        }
        return null;
    }

    /** Renders a sample value as Prometheus does (without quotes). */
    public static String value(double v) {
        String special = special(v);
        if (special != null) {
            return special;
        }
        char[] c = new char[ShortestDouble.MAX_CHARS];
        return new String(c, 0, ShortestDouble.write(v, c, 0));
    }

    /**
     * Writes what {@link #value(double)} returns into {@code out} at {@code pos} (room for 32
     * chars needed); returns the new end. No allocation.
     */
    public static int value(double v, char[] out, int pos) {
        if (v == 0 || !Double.isFinite(v)) {
            String special = special(v);
            special.getChars(0, special.length(), out, pos);
            return pos + special.length();
        }
        return ShortestDouble.write(v, out, pos);
    }

    /**
     * What {@link #value(double)} must return for a finite, non-zero value, by exact BigDecimal
     * search: the reference that {@code PromFormatTest} and {@code ShortestDoubleTest} hold the
     * fast path to. Slow; not used by the server.
     */
    static String valueSlow(double v) {
        double abs = Math.abs(v);
        BigDecimal shortest = exactShortest(v);
        if (abs >= 1e-6 && abs < 1e21) {
            return shortest.toPlainString();
        }
        return scientific(shortest);
    }

    /**
     * The shortest decimal that rounds back to {@code v}, the nearest to {@code v} among several
     * (ties to an even last digit), found by trying 1, 2, ... significant digits: at each length
     * the decimals just below and just above the exact value of {@code v} are the only candidates
     * (both are needed: at a power of two the interval below is half as wide as the one above).
     * Not derived from {@code Double.toString}, which in Java 17 can be two digits too long
     * ({@code 1.55844686297477888E17}, shortest {@code 155844686297477900}).
     */
    static BigDecimal exactShortest(double v) {
        BigDecimal exact = new BigDecimal(v);
        for (int n = 1; n <= 17; n++) {
            BigDecimal lo = exact.round(new MathContext(n, java.math.RoundingMode.FLOOR));
            BigDecimal hi = exact.round(new MathContext(n, java.math.RoundingMode.CEILING));
            boolean loOk = lo.doubleValue() == v;
            boolean hiOk = hi.doubleValue() == v;
            if (loOk && hiOk && lo.compareTo(hi) != 0) {
                int c = exact.subtract(lo).abs().compareTo(hi.subtract(exact).abs());
                if (c == 0) {
                    c = lo.unscaledValue().testBit(0) ? 1 : -1;
                }
                return (c <= 0 ? lo : hi).stripTrailingZeros();
            }
            if (loOk) {
                return lo.stripTrailingZeros();
            }
            if (hiOk) {
                return hi.stripTrailingZeros();
            }
        }
        return exact.round(MathContext.DECIMAL64).stripTrailingZeros();
    }

    /** The decimal {@link #value(double)} writes, as a BigDecimal (finite, non-zero {@code v}). */
    private static BigDecimal shortest(double v) {
        char[] c = new char[ShortestDouble.MAX_CHARS];
        return new BigDecimal(c, 0, ShortestDouble.write(v, c, 0)).stripTrailingZeros();
    }

    /**
     * Go's {@code strconv.FormatFloat(v, 'g', -1, 64)}, the form the text exposition format uses:
     * exponent form when the decimal exponent is below -4 or at least 6, so {@code 1e+06}, {@code
     * 123456}, {@code 1.234567e+06}, {@code 0.0001}, {@code 1e-05}.
     */
    public static String goG(double v) {
        String special = special(v);
        if (special != null) {
            return special;
        }
        BigDecimal d = shortest(v);
        BigDecimal abs = d.abs();
        int digits = abs.unscaledValue().toString().length();
        int exp = digits - 1 - abs.scale();
        // Go decides with precision 6 whenever it formats the shortest representation.
        if (exp < -4 || exp >= 6) {
            return scientific(d);
        }
        return d.toPlainString();
    }

    /**
     * Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}: the shortest round-tripping digits, never
     * in exponent form ({@code 1e-07} is {@code 0.0000001}); {@code NaN}, {@code +Inf}, {@code -Inf}.
     */
    public static String goF(double v) {
        String special = special(v);
        if (special != null) {
            return special;
        }
        return shortest(v).toPlainString();
    }

    /** Go's {@code strconv.FormatFloat(v, 'e', -1, 64)} for a non-zero finite value. */
    private static String scientific(BigDecimal d) {
        BigDecimal abs = d.abs();
        String digits = abs.unscaledValue().toString();
        int exp = digits.length() - 1 - abs.scale();
        StringBuilder sb = new StringBuilder(24);
        if (d.signum() < 0) {
            sb.append('-');
        }
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        sb.append('e').append(exp < 0 ? '-' : '+');
        int e = Math.abs(exp);
        if (e < 10) {
            sb.append('0');
        }
        sb.append(e);
        return sb.toString();
    }
}
