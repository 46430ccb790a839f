package dev.sextant.api.v1;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Parsing of the HTTP API's timestamp and duration parameters, as Prometheus accepts them. */
public final class Params {
    private Params() {}

    /**
     * Parses a timestamp: Unix seconds with an optional fraction (rounded to milliseconds), or RFC
     * 3339. Returns milliseconds.
     *
     * @throws ApiException bad_data {@code invalid parameter "name": cannot parse "v" to a valid timestamp}
     */
    public static long parseTime(String name, String v) throws ApiException {
        try {
            double secs = Double.parseDouble(v);
            if (!Double.isNaN(secs) && !Double.isInfinite(secs) && looksNumeric(v)) {
                if (secs * 1000 < TimeRange.MIN_TIME || secs * 1000 > TimeRange.MAX_TIME) {
                    throw ApiException.invalidParam(name, "cannot parse \"" + v + "\" to a valid timestamp");
                }
                double whole = secs < 0 ? Math.ceil(secs) : Math.floor(secs);
                double frac = Math.round((secs - whole) * 1000) / 1000.0;
                return (long) whole * 1000 + Math.round(frac * 1000);
            }
        } catch (NumberFormatException ignored) {
            // fall through to RFC 3339
        }
        try {
            OffsetDateTime t = OffsetDateTime.parse(v);
            return t.toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw ApiException.invalidParam(name, "cannot parse \"" + v + "\" to a valid timestamp");
        }
    }

    /**
     * Parses a duration: float seconds, or a Prometheus duration ({@code 1h30m}, {@code 500ms}).
     * Returns milliseconds.
     *
     * @throws ApiException bad_data {@code invalid parameter "name": cannot parse "v" to a valid duration}
     */
    public static long parseDuration(String name, String v) throws ApiException {
        try {
            double secs = Double.parseDouble(v);
            if (looksNumeric(v)) {
                double ms = secs * 1000;
                if (Double.isNaN(ms) || Double.isInfinite(ms) || ms > Long.MAX_VALUE || ms < Long.MIN_VALUE) {
                    throw ApiException.invalidParam(name, "cannot parse \"" + v + "\" to a valid duration. It overflows int64");
                }
                return Math.round(ms);
            }
        } catch (NumberFormatException ignored) {
            // fall through to duration syntax
        }
        long ms = parsePrometheusDuration(v);
        if (ms < 0) {
            throw ApiException.invalidParam(name, "cannot parse \"" + v + "\" to a valid duration");
        }
        return ms;
    }

    /** Java accepts "1d" or "0x1p3" as doubles in some forms; Go's ParseFloat does not take suffixes. */
    private static boolean looksNumeric(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == 'd' || c == 'D' || c == 'f' || c == 'F') {
                return false;
            }
        }
        return true;
    }

    /** Prometheus's model.ParseDuration; returns -1 when invalid. */
    static long parsePrometheusDuration(String s) {
        try {
            return dev.sextant.tsdb.model.PromDuration.parseMillis(s);
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }
}
