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
        // Fast path: integers that fit exactly need no digit search.
        double abs = Math.abs(v);
        if (abs < 1e15 && v == Math.rint(v)) {
            return Long.toString((long) v);
        }
        // Fast path: a value that is exactly the double nearest to m / 10^3 or m / 10^6 for an
        // integer m below 10^15 (gauges with a few decimals): m / 10^k is computed correctly
        // rounded, so the decimal m·10^-k parses back to v, and no other decimal of at most 15
        // significant digits does (doubles keep 15 digits apart), so it is the shortest.
        if (abs < 1e9) {
            String fixed = fixedDecimals(v, abs);
            if (fixed != null) {
                return fixed;
            }
        }
        // Fast path: where Double.toString writes plain digits (1e-3 <= |v| < 1e7) and needs at
        // most 15 significant digits, it is already the shortest decimal that round-trips (once
        // trailing zeros are cut: Java 17 sometimes writes "0.0020"). Its known excess digits only
        // appear in 16- and 17-digit outputs, which take the digit search below. PromFormatTest
        // compares every path with the BigDecimal search over a million values.
        String s = Double.toString(v);
        if (abs >= 1e-3 && abs < 1e7) {
            String plain = plainIfShort(s);
            if (plain != null) {
                return plain;
            }
        }
        String fast = shortestFast(s, v, abs);
        return fast != null ? fast : valueSlow(v);
    }

    private static String fixedDecimals(double v, double abs) {
        int k;
        long m;
        if (abs * 1e3 < 1e15 && (double) (m = Math.round(v * 1e3)) / 1e3 == v) {
            k = 3;
        } else if (abs * 1e6 < 1e15 && (double) (m = Math.round(v * 1e6)) / 1e6 == v) {
            k = 6;
        } else {
            return null;
        }
        if (m == 0) {
            return null;
        }
        int q = -k;
        while (m % 10 == 0) {
            m /= 10;
            q++;
        }
        boolean negative = m < 0;
        return render(negative, Long.toString(Math.abs(m)), q, true);
    }

    /**
     * The result of {@link #valueSlow} without BigDecimal, or null when undecided. Like the slow
     * path it takes Double.toString's n digits and tries the nearest decimal of n-1 digits; that
     * one is among T and T+1 (T: the digits cut to n-1), and a neighbour is tried too, so that a
     * candidate is accepted only when it is the single (n-1)-digit decimal that parses back to
     * {@code v}: then it is also the nearest one. Two round-tripping candidates (the nearest would
     * need the exact value) leave the decision to the slow path.
     */
    static String shortestFast(String s, double v, double abs) {
        long digits = 0;
        int n = 0;
        int fraction = 0;
        boolean afterDot = false;
        int exp = 0;
        int len = s.length();
        for (int i = v < 0 ? 1 : 0; i < len; i++) {
            char c = s.charAt(i);
            if (c == '.') {
                afterDot = true;
            } else if (c == 'E') {
                exp = Integer.parseInt(s, i + 1, len, 10);
                break;
            } else {
                if (n > 0 || c != '0') {
                    if (n == 18) {
                        return null;
                    }
                    digits = digits * 10 + (c - '0');
                    n++;
                }
                if (afterDot) {
                    fraction++;
                }
            }
        }
        int q = exp - fraction;
        while (digits != 0 && digits % 10 == 0) {
            digits /= 10;
            q++;
            n--;
        }
        if (n > 1) {
            long t = digits / 10;
            int tq = q + 1;
            boolean lo = roundTrips(t, tq, v);
            boolean hi = roundTrips(t + 1, tq, v);
            if (lo && hi) {
                return null;
            }
            if (lo) {
                if (roundTrips(t - 1, tq, v)) {
                    return null;
                }
                digits = t;
                q = tq;
            } else if (hi) {
                if (roundTrips(t + 2, tq, v)) {
                    return null;
                }
                digits = t + 1;
                q = tq;
            }
            while (digits != 0 && digits % 10 == 0) {
                digits /= 10;
                q++;
            }
        }
        if (digits == 0) {
            return null;
        }
        return render(v < 0, Long.toString(digits), q, abs >= 1e-6 && abs < 1e21);
    }

    private static boolean roundTrips(long digits, int q, double v) {
        if (digits <= 0) {
            return false;
        }
        double d;
        if (digits < (1L << 53) && q >= -22 && q <= 22) {
            // Both operands are exact doubles and IEEE multiplication and division round
            // correctly, so this is the double nearest to digits·10^q: what parsing gives.
            d = q >= 0 ? digits * POW10[q] : digits / POW10[-q];
        } else {
            d = Double.parseDouble(digits + "E" + q);
        }
        return d == Math.abs(v);
    }

    /** 10^0 .. 10^22, all exact doubles. */
    private static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    /** {@code digits × 10^q} in plain notation, or in Go's 'e' form. */
    private static String render(boolean negative, String digits, int q, boolean plain) {
        int k = digits.length();
        StringBuilder sb = new StringBuilder(k + 12);
        if (negative) {
            sb.append('-');
        }
        if (!plain) {
            sb.append(digits.charAt(0));
            if (k > 1) {
                sb.append('.').append(digits, 1, k);
            }
            int e = k - 1 + q;
            sb.append('e').append(e < 0 ? '-' : '+');
            if (Math.abs(e) < 10) {
                sb.append('0');
            }
            return sb.append(Math.abs(e)).toString();
        }
        if (q >= 0) {
            sb.append(digits);
            for (int i = 0; i < q; i++) {
                sb.append('0');
            }
        } else if (-q < k) {
            sb.append(digits, 0, k + q).append('.').append(digits, k + q, k);
        } else {
            sb.append("0.");
            for (int i = 0; i < -q - k; i++) {
                sb.append('0');
            }
            sb.append(digits);
        }
        return sb.toString();
    }

    /** {@code s} without trailing fraction zeros if it has at most 15 significant digits, else null. */
    private static String plainIfShort(String s) {
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        int digits = 0;
        boolean leading = true;
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (c >= '1' && c <= '9') {
                leading = false;
                digits++;
            } else if (c == '0' && !leading) {
                digits++;
            } else if (c == 'E') {
                return null;
            }
        }
        return digits <= 15 ? s.substring(0, end) : null;
    }

    /** The general path of {@link #value(double)} for finite, non-integer values. */
    static String valueSlow(double v) {
        double abs = Math.abs(v);
        BigDecimal shortest = shortest(v);
        if (abs >= 1e-6 && abs < 1e21) {
            return shortest.toPlainString();
        }
        return scientific(shortest);
    }

    /**
     * The shortest decimal that rounds back to {@code v}. Java 17's {@code Double.toString} always
     * round-trips but is occasionally one digit longer than needed; rounding to one digit fewer is
     * tried once (if n digits fail, fewer digits fail too, since the nearest n-digit decimal is at
     * least as close as any shorter one).
     */
    private static BigDecimal shortest(double v) {
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        int digits = d.precision();
        if (digits > 1) {
            BigDecimal shorter = new BigDecimal(v).round(new MathContext(digits - 1)).stripTrailingZeros();
            if (shorter.doubleValue() == v) {
                return shorter;
            }
        }
        return d;
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
