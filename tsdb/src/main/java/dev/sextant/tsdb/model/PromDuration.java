package dev.sextant.tsdb.model;

/**
 * Prometheus's duration syntax, shared by every module: {@code 1y2w3d4h5m6s7ms}, units in
 * decreasing order, each at most once ({@code y} = 365d, {@code w} = 7d), or {@code 0}; and its
 * canonical printing ({@code 1h30m}, {@code 15d}, {@code 0s}), where years and weeks are used only
 * when they divide the value exactly ({@code 90d}, not {@code 12w6d}).
 *
 * <p>Thread-safety: stateless.
 */
public final class PromDuration {
    private static final String[] UNITS = {"y", "w", "d", "h", "m", "s", "ms"};
    private static final long[] MILLIS = {
        365L * 24 * 3600_000, 7L * 24 * 3600_000, 24L * 3600_000, 3600_000L, 60_000L, 1000L, 1L
    };

    private PromDuration() {}

    /**
     * Parses a duration into milliseconds.
     *
     * @throws IllegalArgumentException {@code not a valid duration string: "…"} (or {@code empty
     *     duration string}), also when the value overflows
     */
    public static long parseMillis(String s) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException("empty duration string");
        }
        if (s.equals("0")) {
            return 0;
        }
        long total = 0;
        int i = 0;
        int lastUnit = -1;
        try {
            while (i < s.length()) {
                int start = i;
                while (i < s.length() && Character.isDigit(s.charAt(i))) {
                    i++;
                }
                if (i == start || i - start > 18) {
                    throw invalid(s);
                }
                long n = Long.parseLong(s, start, i, 10);
                int unit = -1;
                if (s.startsWith("ms", i)) {
                    unit = 6;
                    i += 2;
                } else if (i < s.length()) {
                    char u = s.charAt(i);
                    for (int k = 0; k < 6; k++) {
                        if (UNITS[k].charAt(0) == u) {
                            unit = k;
                        }
                    }
                    i++;
                }
                if (unit < 0 || unit <= lastUnit) {
                    throw invalid(s);
                }
                lastUnit = unit;
                total = Math.addExact(total, Math.multiplyExact(n, MILLIS[unit]));
            }
        } catch (ArithmeticException e) {
            throw invalid(s);
        }
        return total;
    }

    /** Renders like Prometheus's {@code model.Duration.String()}. */
    public static String format(long millis) {
        if (millis == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        long rest = millis;
        if (rest < 0) {
            sb.append('-');
            rest = -rest;
        }
        for (int k = 0; k < UNITS.length; k++) {
            if (k < 2 && rest % MILLIS[k] != 0) {
                continue;
            }
            long n = rest / MILLIS[k];
            if (n > 0) {
                sb.append(n).append(UNITS[k]);
                rest -= n * MILLIS[k];
            }
        }
        return sb.toString();
    }

    private static IllegalArgumentException invalid(String s) {
        return new IllegalArgumentException("not a valid duration string: \"" + s + "\"");
    }
}
