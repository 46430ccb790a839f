package dev.sextant.scrape.config;

/**
 * Prometheus's {@code <duration>}: {@code ((\d+)y)?((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?}
 * or {@code 0}, held as milliseconds. Years are 365 days, weeks 7 days.
 *
 * <p>Thread-safety: stateless.
 */
public final class Durations {
    private static final String[] UNITS = {"y", "w", "d", "h", "m", "s", "ms"};
    private static final long[] MILLIS = {
        365L * 24 * 3600_000, 7L * 24 * 3600_000, 24L * 3600_000, 3600_000L, 60_000L, 1000L, 1L
    };

    private Durations() {}

    /** Parses a duration, or throws {@link IllegalArgumentException} naming the text. */
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
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (i == start || i - start > 18) {
                throw new IllegalArgumentException("not a valid duration string: \"" + s + "\"");
            }
            long n = Long.parseLong(s, start, i, 10);
            int unit = -1;
            if (s.startsWith("ms", i)) {
                unit = 6;
                i += 2;
            } else if (i < s.length()) {
                String u = s.substring(i, i + 1);
                for (int k = 0; k < 6; k++) {
                    if (UNITS[k].equals(u)) {
                        unit = k;
                    }
                }
                i++;
            }
            if (unit < 0 || unit <= lastUnit) {
                throw new IllegalArgumentException("not a valid duration string: \"" + s + "\"");
            }
            lastUnit = unit;
            total = Math.addExact(total, Math.multiplyExact(n, MILLIS[unit]));
        }
        return total;
    }

    /** Renders like Prometheus's {@code model.Duration.String()}: {@code 1m30s}, {@code 15s}, {@code 0s}. */
    public static String format(long millis) {
        if (millis == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        long rest = millis;
        for (int k = 0; k < UNITS.length; k++) {
            long n = rest / MILLIS[k];
            if (n > 0) {
                sb.append(n).append(UNITS[k]);
                rest -= n * MILLIS[k];
            }
        }
        return sb.toString();
    }

    /**
     * Parses Prometheus's {@code <size>}: a number with a unit {@code B KB MB GB TB PB EB} (powers of
     * 1024), or a bare number of bytes.
     */
    public static long parseSize(String s) {
        String t = s.trim();
        int i = 0;
        while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("not a valid size: \"" + s + "\"");
        }
        double n = Double.parseDouble(t.substring(0, i));
        String unit = t.substring(i).trim().toUpperCase(java.util.Locale.ROOT);
        long mul = switch (unit) {
            case "", "B" -> 1L;
            case "KB", "KIB" -> 1L << 10;
            case "MB", "MIB" -> 1L << 20;
            case "GB", "GIB" -> 1L << 30;
            case "TB", "TIB" -> 1L << 40;
            case "PB", "PIB" -> 1L << 50;
            case "EB", "EIB" -> 1L << 60;
            default -> throw new IllegalArgumentException("not a valid size unit in \"" + s + "\"");
        };
        return (long) (n * mul);
    }
}
