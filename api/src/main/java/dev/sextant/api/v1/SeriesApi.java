package dev.sextant.api.v1;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sextant.api.http.ApiRequest;
import dev.sextant.api.http.ApiResponse;
import dev.sextant.api.http.Handler;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.Queryable;
import dev.sextant.tsdb.storage.SeriesSet;
import dev.sextant.tsdb.storage.StorageException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The metadata endpoints over stored series: {@code series}, {@code labels}, {@code label/<name>/values}. */
public final class SeriesApi {
    private final Queryable storage;

    public SeriesApi(Queryable storage) {
        this.storage = storage;
    }

    /** {@code GET|POST /api/v1/series}. */
    public Handler series() {
        return request -> QueryApi.guarded(() -> {
            List<String> match = request.params("match[]");
            if (match.isEmpty()) {
                throw new ApiException(ErrorType.BAD_DATA, "no match[] parameter provided");
            }
            List<Matcher[]> selectors = Selectors.parse(match);
            TimeRange range = TimeRange.of(request);
            int limit = Limit.of(request);
            Set<Labels> seen = new LinkedHashSet<>();
            boolean truncated = false;
            try (Querier q = storage.querier(range.start(), range.end())) {
                outer:
                for (Matcher[] ms : selectors) {
                    SeriesSet set = q.select(selectors.size() > 1, null, ms);
                    while (set.next()) {
                        seen.add(set.at().labels());
                        if (limit > 0 && seen.size() > limit) {
                            truncated = true;
                            break outer;
                        }
                    }
                    failOn(set.error());
                }
            }
            List<Labels> result = new ArrayList<>(seen);
            if (truncated) {
                result = result.subList(0, limit);
            }
            List<Labels> out = result;
            return Envelope.success(o -> {
                JsonGenerator g = o.gen();
                g.writeStartArray();
                for (Labels l : out) {
                    g.writeStartObject();
                    for (int i = 0; i < l.size(); i++) {
                        g.writeStringField(l.name(i), l.value(i));
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
            }, truncated ? List.of(Limit.TRUNCATED) : List.of(), List.of());
        });
    }

    /** {@code GET|POST /api/v1/labels}. */
    public Handler labelNames() {
        return request -> QueryApi.guarded(() -> {
            List<Matcher[]> selectors = Selectors.parse(request.params("match[]"));
            TimeRange range = TimeRange.of(request);
            int limit = Limit.of(request);
            TreeSet<String> names = new TreeSet<>();
            try (Querier q = storage.querier(range.start(), range.end())) {
                if (selectors.isEmpty()) {
                    names.addAll(q.labelNames());
                } else {
                    for (Matcher[] ms : selectors) {
                        names.addAll(q.labelNames(ms));
                    }
                }
            }
            return strings(names, limit);
        });
    }

    /** {@code GET /api/v1/label/<name>/values} (POST accepted too, as Grafana may send it). */
    public Handler labelValues() {
        return request -> QueryApi.guarded(() -> {
            String raw = request.path().substring("/api/v1/label/".length());
            if (!raw.endsWith("/values")) {
                return Envelope.error(ErrorType.NOT_FOUND, "not found");
            }
            String name = LabelNameEscaping.unescape(raw.substring(0, raw.length() - "/values".length()));
            if (name == null || name.isEmpty()) {
                throw new ApiException(ErrorType.BAD_DATA, "invalid label name: \"" + raw + "\"");
            }
            List<Matcher[]> selectors = Selectors.parse(request.params("match[]"));
            TimeRange range = TimeRange.of(request);
            int limit = Limit.of(request);
            TreeSet<String> values = new TreeSet<>();
            try (Querier q = storage.querier(range.start(), range.end())) {
                if (selectors.isEmpty()) {
                    values.addAll(q.labelValues(name));
                } else {
                    for (Matcher[] ms : selectors) {
                        values.addAll(q.labelValues(name, ms));
                    }
                }
            }
            return strings(values, limit);
        });
    }

    private static ApiResponse strings(TreeSet<String> sorted, int limit) {
        List<String> list = new ArrayList<>(sorted);
        boolean truncated = limit > 0 && list.size() > limit;
        List<String> out = truncated ? list.subList(0, limit) : list;
        return Envelope.success(o -> {
            JsonGenerator g = o.gen();
            g.writeStartArray();
            for (String s : out) {
                g.writeString(s);
            }
            g.writeEndArray();
        }, truncated ? List.of(Limit.TRUNCATED) : List.of(), List.of());
    }

    private static void failOn(Throwable error) {
        if (error != null) {
            throw new StorageException(error.getMessage(), error);
        }
    }

}
