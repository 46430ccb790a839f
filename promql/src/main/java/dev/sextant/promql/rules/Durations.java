package dev.sextant.promql.rules;

/**
 * Prometheus durations ({@code 1y2w3d4h5m6s7ms}; units in decreasing order, each at most once) and
 * their canonical printing ({@code 1h30m}).
 *
 * <p>Thread-safety: stateless.
 */
public final class Durations {
    private Durations() {}

    private static final String[] UNITS = {"y", "w", "d", "h", "m", "s", "ms"};
    private static final long[] MILLIS = {365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1};

    /**
     * Parses {@code s} to milliseconds.
     *
     * @throws IllegalArgumentException with Prometheus's wording on a malformed duration
     */
    public static long parse(String s) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException("empty duration string");
        }
        if (s.equals("0")) {
            return 0;
        }
        long total = 0;
        int i = 0;
        int lastUnit = -1;
        while (i < s.length()) {
            int st = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (st == i) {
                throw bad(s);
            }
            long n = Long.parseLong(s.substring(st, i));
            int unit = -1;
            for (int u = 0; u < UNITS.length; u++) {
                String name = UNITS[u];
                if (s.startsWith(name, i) && !(name.equals("m") && s.startsWith("ms", i))) {
                    unit = u;
                }
            }
            if (unit < 0 || unit <= lastUnit) {
                throw bad(s);
            }
            i += UNITS[unit].length();
            lastUnit = unit;
            total = Math.addExact(total, Math.multiplyExact(n, MILLIS[unit]));
        }
        return total;
    }

    private static IllegalArgumentException bad(String s) {
        return new IllegalArgumentException("not a valid duration string: \"" + s + "\"");
    }

    /** Prints milliseconds as Prometheus does: {@code 0s}, {@code 1m30s}, {@code 1d}, {@code 500ms}. */
    public static String format(long ms) {
        if (ms == 0) {
            return "0s";
        }
        StringBuilder b = new StringBuilder();
        long rest = ms;
        for (int u = 0; u < UNITS.length; u++) {
            long n = rest / MILLIS[u];
            if (n > 0) {
                b.append(n).append(UNITS[u]);
                rest -= n * MILLIS[u];
            }
        }
        return b.toString();
    }
}
