package dev.sextant.promql.template;

import java.util.List;

/**
 * Prometheus's humanizing template functions: SI and binary prefixes, durations, percentages.
 * All print with Go's {@code %.4g}.
 *
 * <p>Thread-safety: stateless.
 */
public final class Humanize {
    private Humanize() {}

    private static final String[] BIG = {"k", "M", "G", "T", "P", "E", "Z", "Y"};
    private static final String[] SMALL = {"m", "u", "n", "p", "f", "a", "z", "y"};
    private static final String[] BINARY = {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"};

    private static String g4(double v) {
        return GoFormat.sprintf("%.4g", List.of(v));
    }

    /** {@code humanize}: 1234567 → {@code 1.235M}, 0.012 → {@code 12m}. */
    public static String humanize(double v) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            return g4(v);
        }
        String prefix = "";
        if (Math.abs(v) >= 1) {
            for (String p : BIG) {
                if (Math.abs(v) < 1000) {
                    break;
                }
                prefix = p;
                v /= 1000;
            }
        } else {
            for (String p : SMALL) {
                if (Math.abs(v) >= 1) {
                    break;
                }
                prefix = p;
                v *= 1000;
            }
        }
        return g4(v) + prefix;
    }

    /** {@code humanize1024}: 1048576 → {@code 1Mi}. */
    public static String humanize1024(double v) {
        if (Math.abs(v) <= 1 || Double.isNaN(v) || Double.isInfinite(v)) {
            return g4(v);
        }
        String prefix = "";
        for (String p : BINARY) {
            if (Math.abs(v) < 1024) {
                break;
            }
            prefix = p;
            v /= 1024;
        }
        return g4(v) + prefix;
    }

    /** {@code humanizeDuration} of seconds: 90 → {@code 1m 30s}, 0.25 → {@code 250ms}. */
    public static String duration(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return g4(v);
        }
        if (v == 0) {
            return g4(v) + "s";
        }
        String sign = "";
        if (v < 0) {
            sign = "-";
            v = -v;
        }
        if (v >= 1) {
            long total = goInt64(v);
            long seconds = total % 60;
            long minutes = (total / 60) % 60;
            long hours = (total / 3600) % 24;
            long days = total / 86400;
            if (days != 0) {
                return sign + days + "d " + hours + "h " + minutes + "m " + seconds + "s";
            }
            if (hours != 0) {
                return sign + hours + "h " + minutes + "m " + seconds + "s";
            }
            if (minutes != 0) {
                return sign + minutes + "m " + seconds + "s";
            }
            return sign + g4(v) + "s";
        }
        String prefix = "";
        for (String p : SMALL) {
            if (v >= 1) {
                break;
            }
            prefix = p;
            v *= 1000;
        }
        return sign + g4(v) + prefix + "s";
    }

    /** Go's float64 → int64 conversion on amd64: out of range (and NaN) gives the minimum int64. */
    static long goInt64(double v) {
        if (Double.isNaN(v) || v >= 0x1p63 || v < -0x1p63) {
            return Long.MIN_VALUE;
        }
        return (long) v;
    }

    /** {@code humanizePercentage}: 0.1234 → {@code 12.34%}. */
    public static String percentage(double v) {
        return g4(v * 100) + "%";
    }
}
