package dev.sextant.api.json;

/**
 * Renders milliseconds as Prometheus prints durations: {@code 15d}, {@code 1h30m}, {@code 500ms},
 * {@code 0s}. Years and weeks are used only when they divide the value exactly (90d, not 12w6d).
 */
public final class PromDuration {
    private static final long SECOND = 1000;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;
    private static final long WEEK = 7 * DAY;
    private static final long YEAR = 365 * DAY;

    private PromDuration() {}

    public static String format(long ms) {
        if (ms == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        long rest = ms;
        if (rest < 0) {
            sb.append('-');
            rest = -rest;
        }
        if (rest % YEAR == 0) {
            return sb.append(rest / YEAR).append('y').toString();
        }
        if (rest % WEEK == 0) {
            return sb.append(rest / WEEK).append('w').toString();
        }
        rest = unit(sb, rest, DAY, "d");
        rest = unit(sb, rest, HOUR, "h");
        rest = unit(sb, rest, MINUTE, "m");
        rest = unit(sb, rest, SECOND, "s");
        unit(sb, rest, 1, "ms");
        return sb.toString();
    }

    private static long unit(StringBuilder sb, long rest, long size, String name) {
        long n = rest / size;
        if (n > 0) {
            sb.append(n).append(name);
        }
        return rest - n * size;
    }
}
