package dev.sextant.promql.engine;

import dev.sextant.promql.ast.Expr;
import dev.sextant.promql.ast.ValueType;
import dev.sextant.promql.parser.QueryParser;
import dev.sextant.promql.value.Matrix;
import dev.sextant.promql.value.Sample;
import dev.sextant.promql.value.SeriesPoints;
import dev.sextant.promql.value.Value;
import dev.sextant.promql.value.Vector;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.Queryable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs PromQL queries against a {@link Queryable}. The entry point for the HTTP API, the rule
 * manager and embedders.
 *
 * <p>Thread-safety: thread-safe; each query gets its own evaluator and querier.
 */
public final class QueryEngine {
    private final EngineOptions options;

    public QueryEngine(EngineOptions options) {
        this.options = options;
    }

    public EngineOptions options() {
        return options;
    }

    /**
     * Evaluates {@code query} at {@code timeMs}.
     *
     * @throws dev.sextant.promql.parser.ParseException on a syntax or type error
     * @throws QueryException when evaluation fails
     */
    public Value instantQuery(Queryable storage, String query, long timeMs) {
        Expr expr = QueryParser.parse(query);
        return instantQuery(storage, expr, timeMs);
    }

    /** Evaluates {@code query} at {@code timeMs} with per-query options; returns value and annotations. */
    public QueryResult instantQuery(Queryable storage, String query, long timeMs, QueryOptions queryOptions) {
        return new QueryResult(instantQuery(storage, query, timeMs), List.of(), List.of());
    }

    /** Range query with per-query options; the result's value is a {@link Matrix}. */
    public QueryResult rangeQuery(Queryable storage, String query, long start, long end, long step,
            QueryOptions queryOptions) {
        return new QueryResult(rangeQuery(storage, query, start, end, step), List.of(), List.of());
    }

    public Value instantQuery(Queryable storage, Expr expr, long timeMs) {
        long lookback = options.lookbackDelta().toMillis();
        try (Querier querier = storage.querier(timeMs - lookback, timeMs)) {
            return new Evaluator(querier, options).eval(expr, timeMs);
        }
    }

    /**
     * Evaluates {@code query} at {@code start, start+step, ... <= end} and returns a matrix (one
     * series per label set, sorted by labels).
     *
     * @throws dev.sextant.promql.parser.ParseException on a syntax error or a root of the wrong type
     */
    public Matrix rangeQuery(Queryable storage, String query, long start, long end, long step) {
        Expr expr = QueryParser.parse(query);
        if (expr.type() != ValueType.SCALAR && expr.type() != ValueType.VECTOR) {
            throw new QueryException(QueryException.Kind.BAD_DATA, "invalid expression type \""
                    + expr.type().documentedName() + "\" for range query, must be Scalar or instant Vector");
        }
        long lookback = options.lookbackDelta().toMillis();
        Map<Labels, SeriesBuilder> byLabels = new HashMap<>();
        try (Querier querier = storage.querier(start - lookback, end)) {
            Evaluator evaluator = new Evaluator(querier, options);
            for (long t = start; t <= end; t += step) {
                Value v = evaluator.eval(expr, t);
                if (v instanceof dev.sextant.promql.value.Scalar s) {
                    byLabels.computeIfAbsent(Labels.EMPTY, SeriesBuilder::new).add(t, s.v());
                } else if (v instanceof Vector vec) {
                    for (Sample s : vec.samples()) {
                        byLabels.computeIfAbsent(s.metric(), SeriesBuilder::new).add(t, s.v());
                    }
                }
            }
        }
        List<SeriesPoints> out = new ArrayList<>(byLabels.size());
        for (SeriesBuilder b : byLabels.values()) {
            out.add(new SeriesPoints(b.labels, b.ts, b.vs, b.n));
        }
        out.sort((a, b) -> a.metric().compareTo(b.metric()));
        return new Matrix(out);
    }

    private static final class SeriesBuilder {
        final Labels labels;
        long[] ts = new long[16];
        double[] vs = new double[16];
        int n;

        SeriesBuilder(Labels labels) {
            this.labels = labels;
        }

        void add(long t, double v) {
            if (n == ts.length) {
                ts = Arrays.copyOf(ts, n * 2);
                vs = Arrays.copyOf(vs, n * 2);
            }
            ts[n] = t;
            vs[n] = v;
            n++;
        }
    }
}
