package dev.sextant.api.v1;

import dev.sextant.api.http.ApiRequest;

/** The optional {@code start}/{@code end} of metadata endpoints, defaulting to all of time. */
record TimeRange(long start, long end) {
    /** Prometheus's minimum and maximum API times, kept far from overflow when shifted. */
    static final long MIN_TIME = -9_223_309_901_257_974L;
    static final long MAX_TIME = 9_223_309_901_257_974L;

    static TimeRange of(ApiRequest r) throws ApiException {
        String s = r.param("start");
        String e = r.param("end");
        long start = s == null || s.isEmpty() ? MIN_TIME : Params.parseTime("start", s);
        long end = e == null || e.isEmpty() ? MAX_TIME : Params.parseTime("end", e);
        if (end < start) {
            throw new ApiException(ErrorType.BAD_DATA, "end timestamp must not be before start time");
        }
        return new TimeRange(start, end);
    }
}
