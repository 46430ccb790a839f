package dev.sextant.promql.engine;

import dev.sextant.promql.value.Value;
import java.util.List;

/**
 * A query's value with its annotations, rendered as the HTTP API returns them ({@code PromQL
 * warning: ...}, {@code PromQL info: ...}), and what it cost ({@link QueryStats}).
 *
 * <p>Thread-safety: immutable.
 */
public record QueryResult(Value value, List<String> warnings, List<String> infos, QueryStats stats) {
    public QueryResult {
        warnings = List.copyOf(warnings);
        infos = List.copyOf(infos);
        stats = stats == null ? QueryStats.NONE : stats;
    }

    public QueryResult(Value value, List<String> warnings, List<String> infos) {
        this(value, warnings, infos, QueryStats.NONE);
    }
}
