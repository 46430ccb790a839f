package dev.sextant.scrape.exposition;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * Number parsing and Go-compatible float rendering for the exposition parsers. The parse fast path
 * handles plain decimals without allocating; anything else falls back to {@link Double#parseDouble}.
 * Stateless and thread-safe.
 */
public final class FloatText {
    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
        1e18, 1e19, 1e20, 1e21, 1e22
    };

    /** Marker bits returned for unparsable text (a NaN with a payload no exposition produces). */
    static final double INVALID = Double.longBitsToDouble(0x7ff8dead0000beefL);

    private FloatText() {}

    /**
     * Parses {@code buf[from,to)}. Returns a NaN for invalid input: callers check with
     * {@link #isNaNText} whether the text really said NaN.
     */
    public static double parse(byte[] buf, int from, int to) {
        int n = to - from;
        if (n <= 0) {
            return INVALID;
        }
        int p = from;
        boolean neg = false;
        if (buf[p] == '-' || buf[p] == '+') {
            neg = buf[p] == '-';
            p++;
        }
        // Fast path: digits [. digits] with at most 15 significant digits and no exponent. The result is
        // exact then: the mantissa fits in 53 bits and one multiplication/division by an exact power of
        // ten rounds once (the classic Clinger fast path).
        long mant = 0;
        int digits = 0;
        int frac = 0;
        boolean dot = false;
        boolean fast = p < to;
        for (int i = p; i < to; i++) {
            byte b = buf[i];
            if (b >= '0' && b <= '9') {
                if (mant != 0 || b != '0') {
                    digits++;
                }
                mant = mant * 10 + (b - '0');
                if (dot) {
                    frac++;
                }
                if (digits > 15) {
                    fast = false;
                    break;
                }
            } else if (b == '.' && !dot) {
                dot = true;
            } else {
                fast = false;
                break;
            }
        }
        if (fast && (to - p) > (dot ? 1 : 0) && frac <= 22) {
            double d = frac == 0 ? (double) mant : mant / POW10[frac];
            return neg ? -d : d;
        }
        return slow(buf, from, to);
    }

    private static double slow(byte[] buf, int from, int to) {
        String s = new String(buf, from, to - from, StandardCharsets.US_ASCII);
        String t = s;
        int sign = 1;
        if (t.startsWith("+") || t.startsWith("-")) {
            sign = t.charAt(0) == '-' ? -1 : 1;
            t = t.substring(1);
        }
        if (t.equalsIgnoreCase("inf") || t.equalsIgnoreCase("infinity")) {
            return sign * Double.POSITIVE_INFINITY;
        }
        if (t.equalsIgnoreCase("nan")) {
            return Double.NaN;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            // Reject Java-only spellings (trailing d/f, "Infinity" mixed forms already handled).
            if (!(c >= '0' && c <= '9') && c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-'
                    && c != 'x' && c != 'X' && c != 'p' && c != 'P' && !(c >= 'a' && c <= 'f') && !(c >= 'A' && c <= 'F')) {
                return INVALID;
            }
        }
        if (s.endsWith("d") || s.endsWith("D") || s.endsWith("f") || s.endsWith("F")) {
            if (!(s.contains("x") || s.contains("X"))) {
                return INVALID;
            }
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return INVALID;
        }
    }

    /** Whether the text spells NaN (so a NaN result is the value, not an error). */
    public static boolean isNaNText(byte[] buf, int from, int to) {
        int p = from;
        if (p < to && (buf[p] == '+' || buf[p] == '-')) {
            p++;
        }
        return to - p == 3 && (buf[p] | 0x20) == 'n' && (buf[p + 1] | 0x20) == 'a' && (buf[p + 2] | 0x20) == 'n';
    }

    /**
     * Canonical text of a float label value ({@code le}, {@code quantile}) as Prometheus 3.x writes it:
     * Go's {@code strconv.FormatFloat(v, 'g', -1, 64)} plus {@code .0} when it has neither {@code .}
     * nor {@code e}. Unparsable text is returned unchanged.
     */
    public static String canonical(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        double v = parse(b, 0, b.length);
        if (Double.isNaN(v)) {
            return isNaNText(b, 0, b.length) ? "NaN" : s;
        }
        String g = formatG(v);
        if (g.indexOf('.') < 0 && g.indexOf('e') < 0 && !g.endsWith("Inf")) {
            g = g + ".0";
        }
        return g;
    }

    /** Go's {@code strconv.FormatFloat(v, 'g', -1, 64)}. */
    public static String formatG(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0" : "0";
        }
        BigDecimal bd = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
        String digits = bd.unscaledValue().toString();
        int exp = digits.length() - 1 - bd.scale(); // decimal exponent of the first digit
        StringBuilder sb = new StringBuilder();
        if (v < 0) {
            sb.append('-');
        }
        if (exp < -4 || exp >= 6) { // shortest formatting decides with precision 6, like Go
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append('e').append(exp < 0 ? '-' : '+');
            int ae = Math.abs(exp);
            if (ae < 10) {
                sb.append('0');
            }
            sb.append(ae);
        } else if (exp < 0) {
            sb.append("0.");
            for (int i = -1; i > exp; i--) {
                sb.append('0');
            }
            sb.append(digits);
        } else if (digits.length() <= exp + 1) {
            sb.append(digits);
            for (int i = digits.length(); i <= exp; i++) {
                sb.append('0');
            }
        } else {
            sb.append(digits, 0, exp + 1).append('.').append(digits, exp + 1, digits.length());
        }
        return sb.toString();
    }
}
