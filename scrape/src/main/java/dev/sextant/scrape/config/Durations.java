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
        return dev.sextant.tsdb.model.PromDuration.parseMillis(s);
    }

    /** Renders like Prometheus's {@code model.Duration.String()}: {@code 1m30s}, {@code 15s}, {@code 0s}. */
    public static String format(long millis) {
        return dev.sextant.tsdb.model.PromDuration.format(millis);
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
