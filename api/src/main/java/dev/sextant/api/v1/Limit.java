package dev.sextant.api.v1;

import dev.sextant.api.http.ApiRequest;

/** The {@code limit} parameter: a non-negative integer, 0 or absent meaning unlimited. */
final class Limit {
    static final String TRUNCATED = "results truncated due to limit";

    private Limit() {}

    static int of(ApiRequest r) throws ApiException {
        String v = r.param("limit");
        if (v == null || v.isEmpty()) {
            return 0;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 0) {
                throw ApiException.invalidParam("limit", "limit must be non-negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.invalidParam("limit", "cannot parse \"" + v + "\" to a valid limit");
        }
    }
}
