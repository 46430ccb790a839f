package dev.sextant.api.http.security;

import java.math.BigDecimal;
import java.time.Duration;

/** Go's {@code time.ParseDuration} syntax ({@code 1s}, {@code 1m30s}, {@code 1.5h}, {@code 250ms}), which the toolkit's {@code rate_limit.interval} uses. */
final class GoDurations {
    private GoDurations() {}

    static Duration parse(String s) {
        String orig = s;
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.startsWith("-")) {
            throw new IllegalArgumentException("time: invalid duration \"" + orig + "\": must not be negative");
        }
        if (s.startsWith("+")) {
            s = s.substring(1);
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("time: invalid duration \"" + orig + "\"");
        }
        BigDecimal nanos = BigDecimal.ZERO;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            if (start == i) {
                throw new IllegalArgumentException("time: invalid duration \"" + orig + "\"");
            }
            BigDecimal n;
            try {
                n = new BigDecimal(s.substring(start, i));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("time: invalid duration \"" + orig + "\"");
            }
            int u = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            long unit = switch (s.substring(u, i)) {
                case "ns" -> 1L;
                case "us", "\u00b5s", "\u03bcs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                case "" -> throw new IllegalArgumentException("time: missing unit in duration \"" + orig + "\"");
                default -> throw new IllegalArgumentException("time: unknown unit \"" + s.substring(u, i)
                        + "\" in duration \"" + orig + "\"");
            };
            nanos = nanos.add(n.multiply(BigDecimal.valueOf(unit)));
        }
        return Duration.ofNanos(nanos.longValue());
    }
}
