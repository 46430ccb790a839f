package dev.sextant.api.v1;

import dev.sextant.api.http.ApiResponse;
import dev.sextant.api.http.Handler;
import dev.sextant.tsdb.model.Matcher;
import java.util.List;

/**
 * {@code /api/v1/admin/tsdb/*}, only with {@code --web.enable-admin-api}; otherwise every call gets
 * Prometheus's {@code unavailable} error "admin APIs disabled".
 */
public final class AdminApi {
    /** What the admin endpoints ask of storage. Implementations are thread-safe. */
    public interface Operations {
        void deleteSeries(long mint, long maxt, Matcher... matchers);

        void cleanTombstones();

        /** Creates a snapshot and returns its directory name. */
        String snapshot(boolean skipHead);
    }

    private final boolean enabled;
    private final Operations ops;

    public AdminApi(boolean enabled, Operations ops) {
        this.enabled = enabled;
        this.ops = ops;
    }

    /** {@code POST|PUT /api/v1/admin/tsdb/delete_series?match[]=…&start=…&end=…}: 204. */
    public Handler deleteSeries() {
        return request -> guarded(() -> {
            List<String> match = request.params("match[]");
            if (match.isEmpty()) {
                throw new ApiException(ErrorType.BAD_DATA, "no match[] parameter provided");
            }
            List<Matcher[]> selectors = Selectors.parse(match);
            TimeRange range = TimeRange.of(request);
            for (Matcher[] ms : selectors) {
                ops.deleteSeries(range.start(), range.end(), ms);
            }
            return ApiResponse.noContent();
        });
    }

    /** {@code POST|PUT /api/v1/admin/tsdb/clean_tombstones}: 204. */
    public Handler cleanTombstones() {
        return request -> guarded(() -> {
            ops.cleanTombstones();
            return ApiResponse.noContent();
        });
    }

    /** {@code POST|PUT /api/v1/admin/tsdb/snapshot?skip_head=<bool>}: {@code {"name": …}}. */
    public Handler snapshot() {
        return request -> guarded(() -> {
            String skip = request.param("skip_head");
            boolean skipHead = false;
            if (skip != null && !skip.isEmpty()) {
                if (!skip.equals("true") && !skip.equals("false")) {
                    throw ApiException.invalidParam("skip_head", "strconv.ParseBool: parsing \"" + skip + "\": invalid syntax");
                }
                skipHead = skip.equals("true");
            }
            String name = ops.snapshot(skipHead);
            return Envelope.success(out -> {
                out.gen().writeStartObject();
                out.gen().writeStringField("name", name);
                out.gen().writeEndObject();
            });
        });
    }

    private ApiResponse guarded(QueryApi.Body body) {
        if (!enabled) {
            return Envelope.error(ErrorType.UNAVAILABLE, "admin APIs disabled");
        }
        try {
            return QueryApi.guarded(body);
        } catch (RuntimeException e) {
            return Envelope.error(ErrorType.INTERNAL, e.getMessage());
        }
    }
}
