package dev.sextant.api.v1;

import dev.sextant.api.http.ApiRequest;
import dev.sextant.api.http.ApiResponse;
import dev.sextant.api.http.Handler;
import dev.sextant.promql.engine.QueryEngine;
import dev.sextant.promql.engine.QueryException;
import dev.sextant.promql.parser.ParseException;
import dev.sextant.promql.value.Value;
import dev.sextant.tsdb.storage.Queryable;
import java.util.function.LongSupplier;

/** {@code GET|POST /api/v1/query}: an instant query at {@code time} (default: now). */
public final class QueryHandler implements Handler {
    private final QueryEngine engine;
    private final Queryable storage;
    private final LongSupplier clock;

    public QueryHandler(QueryEngine engine, Queryable storage, LongSupplier clockMillis) {
        this.engine = engine;
        this.storage = storage;
        this.clock = clockMillis;
    }

    @Override
    public ApiResponse handle(ApiRequest request) {
        try {
            String t = request.param("time");
            long time = t == null || t.isEmpty() ? clock.getAsLong() : Params.parseTime("time", t);
            String query = request.param("query");
            Value value;
            try {
                value = engine.instantQuery(storage, query == null ? "" : query, time);
            } catch (ParseException e) {
                throw ApiException.invalidParam("query", e.getMessage());
            }
            return Envelope.success(out -> ResultEncoder.write(out, value));
        } catch (ApiException e) {
            return Envelope.error(e);
        } catch (QueryException e) {
            return Envelope.error(Errors.typeOf(e), e.getMessage());
        }
    }
}
