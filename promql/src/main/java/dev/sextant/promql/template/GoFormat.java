package dev.sextant.promql.template;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

/**
 * Go's {@code fmt} formatting for the verbs rule templates use: {@code %s %d %f %e %g %v %q %x %%}
 * with flags {@code - + 0 space}, width and precision.
 *
 * <p>Floats are rounded from their exact binary value (half-even), as Go's {@code strconv} does;
 * {@code %v} and {@code %g} without precision use the shortest representation that round-trips.
 *
 * <p>Thread-safety: stateless.
 */
public final class GoFormat {
    private GoFormat() {}

    /** {@code fmt.Sprintf(format, args...)}. Bad verbs and missing arguments render as Go does ({@code %!d(...)}). */
    public static String sprintf(String format, List<Object> args) {
        StringBuilder out = new StringBuilder();
        int argi = 0;
        int n = format.length();
        for (int i = 0; i < n; i++) {
            char c = format.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            i++;
            if (i >= n) {
                out.append("%!(NOVERB)");
                break;
            }
            boolean minus = false;
            boolean plus = false;
            boolean zero = false;
            boolean space = false;
            for (; i < n; i++) {
                char f = format.charAt(i);
                if (f == '-') {
                    minus = true;
                } else if (f == '+') {
                    plus = true;
                } else if (f == '0') {
                    zero = true;
                } else if (f == ' ') {
                    space = true;
                } else if (f != '#') {
                    break;
                }
            }
            int width = -1;
            while (i < n && Character.isDigit(format.charAt(i))) {
                width = Math.max(width, 0) * 10 + (format.charAt(i++) - '0');
            }
            int prec = -1;
            if (i < n && format.charAt(i) == '.') {
                i++;
                prec = 0;
                while (i < n && Character.isDigit(format.charAt(i))) {
                    prec = prec * 10 + (format.charAt(i++) - '0');
                }
            }
            if (i >= n) {
                out.append("%!(NOVERB)");
                break;
            }
            char verb = format.charAt(i);
            if (verb == '%') {
                out.append('%');
                continue;
            }
            if (argi >= args.size()) {
                out.append("%!").append(verb).append("(MISSING)");
                continue;
            }
            Object arg = args.get(argi++);
            String s = formatOne(verb, arg, prec, plus, space);
            if (width > s.length()) {
                String pad = " ".repeat(width - s.length());
                if (minus) {
                    s = s + pad;
                } else if (zero && arg instanceof Number num && isFinite(num) && !s.isEmpty()) {
                    int signLen = s.charAt(0) == '-' || s.charAt(0) == '+' ? 1 : 0;
                    s = s.substring(0, signLen) + "0".repeat(width - s.length()) + s.substring(signLen);
                } else {
                    s = pad + s;
                }
            }
            out.append(s);
        }
        if (argi < args.size()) {
            out.append("%!(EXTRA ");
            for (int k = argi; k < args.size(); k++) {
                if (k > argi) {
                    out.append(", ");
                }
                Object a = args.get(k);
                out.append(typeName(a)).append('=').append(formatValue(a));
            }
            out.append(')');
        }
        return out.toString();
    }

    private static String formatOne(char verb, Object arg, int prec, boolean plus, boolean space) {
        String s;
        switch (verb) {
            case 'v' -> s = arg instanceof Double d && prec >= 0 ? formatFloat(d, 'g', prec) : formatValue(arg);
            case 's' -> {
                s = arg instanceof String str ? str : formatValue(arg);
                if (prec >= 0 && s.length() > prec) {
                    s = s.substring(0, prec);
                }
            }
            case 'q' -> s = arg instanceof String str ? quote(str) : bad(verb, arg);
            case 'd' -> s = isInteger(arg) ? Long.toString(((Number) arg).longValue()) : bad(verb, arg);
            case 'x', 'X' -> {
                if (isInteger(arg)) {
                    long l = ((Number) arg).longValue();
                    s = l < 0 ? "-" + Long.toHexString(-l) : Long.toHexString(l);
                } else if (arg instanceof String str) {
                    StringBuilder b = new StringBuilder();
                    for (byte by : str.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                        b.append(String.format("%02x", by & 0xff));
                    }
                    s = b.toString();
                } else {
                    s = bad(verb, arg);
                }
                if (verb == 'X') {
                    s = s.toUpperCase(java.util.Locale.ROOT);
                }
            }
            case 'e', 'f', 'g', 'E', 'F', 'G' -> {
                if (arg instanceof Number num && !isInteger(arg) || arg instanceof Double) {
                    double d = ((Number) arg).doubleValue();
                    char lower = Character.toLowerCase(verb);
                    s = formatFloat(d, lower, prec < 0 && lower != 'g' ? 6 : prec);
                    if (verb != lower) {
                        s = s.toUpperCase(java.util.Locale.ROOT);
                    }
                } else {
                    s = bad(verb, arg);
                }
            }
            case 't' -> s = arg instanceof Boolean ? arg.toString() : bad(verb, arg);
            default -> s = bad(verb, arg);
        }
        if ((plus || space) && arg instanceof Number && !s.startsWith("-") && !s.startsWith("+")) {
            s = (plus ? "+" : " ") + s;
        }
        return s;
    }

    private static boolean isFinite(Number n) {
        return !(n instanceof Double d) || Double.isFinite(d);
    }

    private static boolean isInteger(Object o) {
        return o instanceof Long || o instanceof Integer;
    }

    private static String bad(char verb, Object arg) {
        return "%!" + verb + "(" + typeName(arg) + "=" + formatValue(arg) + ")";
    }

    static String typeName(Object o) {
        if (o == null) {
            return "<nil>";
        }
        if (o instanceof Double) {
            return "float64";
        }
        if (o instanceof Long || o instanceof Integer) {
            return "int";
        }
        if (o instanceof String) {
            return "string";
        }
        if (o instanceof Boolean) {
            return "bool";
        }
        if (o instanceof Map) {
            return "map[string]string";
        }
        return o.getClass().getSimpleName();
    }

    /** Go's {@code %v} (what {@code {{ x }}} prints). */
    public static String formatValue(Object o) {
        if (o == null) {
            return "<no value>";
        }
        if (o instanceof Double d) {
            return formatFloat(d, 'g', -1);
        }
        if (o instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder("map[");
            java.util.TreeMap<String, Object> sorted = new java.util.TreeMap<>();
            m.forEach((k, v) -> sorted.put(String.valueOf(k), v));
            boolean first = true;
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                if (!first) {
                    b.append(' ');
                }
                first = false;
                b.append(e.getKey()).append(':').append(formatValue(e.getValue()));
            }
            return b.append(']').toString();
        }
        if (o instanceof List<?> l) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    b.append(' ');
                }
                b.append(formatValue(l.get(i)));
            }
            return b.append(']').toString();
        }
        return o.toString();
    }

    /** Go's {@code %q} for a string: double-quoted with Go escapes. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /**
     * Formats {@code v} like Go's {@code strconv.FormatFloat(v, verb, prec, 64)} for verbs e, f, g,
     * with {@code prec = -1} meaning shortest; infinities print as {@code +Inf}/{@code -Inf}.
     */
    public static String formatFloat(double v, char verb, int prec) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        boolean neg = Double.doubleToRawLongBits(v) < 0;
        double a = Math.abs(v);
        String body = switch (verb) {
            case 'f' -> fixed(a, prec);
            case 'e' -> exponent(a, prec);
            default -> general(a, prec);
        };
        return neg ? "-" + body : body;
    }

    private static String fixed(double a, int prec) {
        BigDecimal bd = prec < 0 ? new BigDecimal(Double.toString(a)).stripTrailingZeros() : new BigDecimal(a)
                .setScale(prec, RoundingMode.HALF_EVEN);
        if (prec < 0 && bd.scale() < 0) {
            bd = bd.setScale(0);
        }
        return bd.toPlainString();
    }

    /** Significant digits (no trailing zeros) and decimal exponent {@code dp}: value = 0.digits × 10^dp. */
    private record Digits(String digits, int dp) {
        static Digits of(BigDecimal bd) {
            if (bd.signum() == 0) {
                return new Digits("", 0);
            }
            BigDecimal s = bd.stripTrailingZeros();
            String d = s.unscaledValue().toString();
            return new Digits(d, d.length() - s.scale());
        }
    }

    /**
     * The shortest decimal that parses back to {@code a}, like Go's {@code strconv} with precision -1.
     * Java 17's {@code Double.toString} is not always shortest (4.9E-324 for 5e-324), so try
     * increasing precisions of the correctly rounded exact value.
     */
    private static Digits shortest(double a) {
        if (a == 0) {
            return new Digits("", 0);
        }
        BigDecimal exact = new BigDecimal(a);
        for (int p = 1; p < 17; p++) {
            BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (r.doubleValue() == a) {
                return Digits.of(r);
            }
        }
        return Digits.of(exact.round(new MathContext(17, RoundingMode.HALF_EVEN)));
    }

    private static Digits rounded(double a, int significant) {
        if (a == 0) {
            return new Digits("", 0);
        }
        return Digits.of(new BigDecimal(a).round(new MathContext(significant, RoundingMode.HALF_EVEN)));
    }

    private static String exponent(double a, int prec) {
        Digits d = prec < 0 ? shortest(a) : rounded(a, prec + 1);
        int p = prec < 0 ? Math.max(d.digits.length() - 1, 0) : prec;
        return eForm(d, p);
    }

    private static String eForm(Digits d, int prec) {
        StringBuilder b = new StringBuilder();
        String digits = d.digits.isEmpty() ? "0" : d.digits;
        b.append(digits.charAt(0));
        if (prec > 0) {
            b.append('.');
            for (int i = 1; i <= prec; i++) {
                b.append(i < digits.length() ? digits.charAt(i) : '0');
            }
        }
        int exp = d.digits.isEmpty() ? 0 : d.dp - 1;
        b.append('e').append(exp < 0 ? '-' : '+');
        int ae = Math.abs(exp);
        if (ae < 10) {
            b.append('0');
        }
        return b.append(ae).toString();
    }

    private static String fForm(Digits d, int decimals) {
        StringBuilder b = new StringBuilder();
        String digits = d.digits;
        if (d.dp <= 0) {
            b.append('0');
        } else {
            for (int i = 0; i < d.dp; i++) {
                b.append(i < digits.length() ? digits.charAt(i) : '0');
            }
        }
        if (decimals > 0) {
            b.append('.');
            for (int i = 0; i < decimals; i++) {
                int idx = d.dp + i;
                b.append(idx >= 0 && idx < digits.length() ? digits.charAt(idx) : '0');
            }
        }
        return b.toString();
    }

    private static String general(double a, int prec) {
        boolean shortest = prec < 0;
        int p = prec == 0 ? 1 : prec;
        Digits d = shortest ? shortest(a) : rounded(a, p);
        int nd = d.digits.length();
        int eprec = shortest ? 6 : p;
        if (!shortest && eprec > nd && nd >= d.dp) {
            eprec = nd;
        }
        if (shortest) {
            eprec = 6; // strconv: the shortest form decides with precision 6
        }
        int exp = nd == 0 ? 0 : d.dp - 1;
        if (nd != 0 && (exp < -4 || exp >= eprec)) {
            return eForm(d, Math.max(nd - 1, 0));
        }
        return fForm(d, Math.max(nd - d.dp, 0));
    }
}
