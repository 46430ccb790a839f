package dev.sextant.promql.engine;

import dev.sextant.promql.ast.Expr;
import dev.sextant.promql.ast.ValueType;
import dev.sextant.promql.ast.VectorSelector;
import dev.sextant.promql.engine.EvalValue.Mat;
import dev.sextant.promql.engine.EvalValue.Sc;
import dev.sextant.promql.engine.EvalValue.Str;
import dev.sextant.promql.engine.EvalValue.Vec;
import dev.sextant.promql.value.Matrix;
import dev.sextant.promql.value.Sample;
import dev.sextant.promql.value.Scalar;
import dev.sextant.promql.value.SeriesPoints;
import dev.sextant.promql.value.StringValue;
import dev.sextant.promql.value.Value;
import dev.sextant.promql.value.Vector;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.Queryable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs PromQL queries against a {@link Queryable}. The entry point for the HTTP API, the rule
 * manager and embedders.
 *
 * <p>Thread-safety: thread-safe; each query gets its own evaluator and querier.
 */
public final class QueryEngine {
    private final EngineOptions options;
    private final ParsedQueries parsed = new ParsedQueries();

    public QueryEngine(EngineOptions options) {
        this.options = options;
    }

    public EngineOptions options() {
        return options;
    }

    /** Parsed query texts this engine keeps (see {@link ParsedQueries}); for tests. */
    int parsedQueriesCached() {
        return parsed.size();
    }

    /**
     * Evaluates {@code query} at {@code timeMs}.
     *
     * @throws dev.sextant.promql.parser.ParseException on a syntax or type error
     * @throws QueryException when evaluation fails
     */
    public Value instantQuery(Queryable storage, String query, long timeMs) {
        return instantQuery(storage, query, timeMs, QueryOptions.DEFAULTS).value();
    }

    public Value instantQuery(Queryable storage, Expr expr, long timeMs) {
        return execute(storage, expr, null, timeMs, timeMs, 0, false, QueryOptions.DEFAULTS).value();
    }

    /**
     * Evaluates {@code query} at {@code timeMs} with per-query options; returns the value and the
     * warnings and infos Prometheus would report.
     */
    public QueryResult instantQuery(Queryable storage, String query, long timeMs, QueryOptions queryOptions) {
        Expr expr = parsed.parse(query);
        return execute(storage, expr, query, timeMs, timeMs, 0, false, queryOptions);
    }

    /**
     * Evaluates an already parsed expression (e.g. a rule's) at {@code timeMs}. Annotations carry
     * no positions since the text is unknown.
     */
    public QueryResult instantQuery(Queryable storage, Expr expr, long timeMs, QueryOptions queryOptions) {
        return execute(storage, expr, null, timeMs, timeMs, 0, false, queryOptions);
    }

    /**
     * Evaluates {@code query} at {@code start, start+step, ... <= end} and returns a matrix (one
     * series per label set, sorted by labels).
     *
     * @throws dev.sextant.promql.parser.ParseException on a syntax error
     * @throws QueryException BAD_DATA when the root is not a scalar or instant vector
     */
    public Matrix rangeQuery(Queryable storage, String query, long start, long end, long step) {
        return (Matrix) rangeQuery(storage, query, start, end, step, QueryOptions.DEFAULTS).value();
    }

    /** Range query with per-query options; the result's value is a {@link Matrix}. */
    public QueryResult rangeQuery(Queryable storage, String query, long start, long end, long step,
            QueryOptions queryOptions) {
        Expr expr = parsed.parse(query);
        if (expr.type() != ValueType.SCALAR && expr.type() != ValueType.VECTOR) {
            throw new QueryException(QueryException.Kind.BAD_DATA, "invalid expression type \""
                    + expr.type().documentedName() + "\" for range query, must be Scalar or instant Vector");
        }
        if (step <= 0) {
            throw new QueryException(QueryException.Kind.BAD_DATA,
                    "zero or negative query resolution step widths are not accepted. Try a positive integer");
        }
        if (end < start) {
            throw new QueryException(QueryException.Kind.BAD_DATA, "end timestamp must not be before start time");
        }
        return execute(storage, expr, query, start, end, step, true, queryOptions);
    }

    private QueryResult execute(Queryable storage, Expr expr, String text, long start, long end, long step,
            boolean range, QueryOptions qo) {
        long began = System.nanoTime();
        Duration lookback = qo.lookbackDelta() != null && !qo.lookbackDelta().isZero() ? qo.lookbackDelta()
                : options.lookbackDelta();
        Duration timeout = options.timeout();
        if (qo.timeout() != null && qo.timeout().compareTo(timeout) < 0) {
            timeout = qo.timeout();
        }
        long maxSamples = qo.maxSamples() != null ? qo.maxSamples() : options.maxSamples();
        Annotations annotations = new Annotations(text);
        Evaluator.QueryContext ctx = new Evaluator.QueryContext(start, end, step, lookback.toMillis(), maxSamples,
                System.nanoTime() + timeout.toNanos(), annotations);
        if (qo.budget() != null) {
            ctx.budgeted = true;
            ctx.budgetNanos = began + qo.budget().toNanos();
        }
        Map<VectorSelector, long[]> plan = new IdentityHashMap<>();
        Evaluator.plan(expr, start, end, ctx, plan);
        long mint = Long.MAX_VALUE;
        long maxt = Long.MIN_VALUE;
        for (long[] r : plan.values()) {
            mint = Math.min(mint, r[0]);
            maxt = Math.max(maxt, r[1]);
        }
        if (range) {
            warnIneffectiveSort(expr, annotations);
        }
        Evaluator evaluator = new Evaluator(ctx);
        if (qo.perStepStats()) {
            evaluator.sampleStats.enablePerStep(start, end, range ? step : 0);
        }
        Value value;
        long prepared;
        long[] sortNanos = new long[1];
        if (plan.isEmpty()) {
            prepared = System.nanoTime();
            value = range ? evalRange(evaluator, expr, start, end, step, sortNanos)
                    : evalInstant(evaluator, expr, start, sortNanos);
        } else {
            try (Querier querier = storage.querier(mint, maxt)) {
                Map<VectorSelector, long[]> stepSelectors = new IdentityHashMap<>();
                Evaluator.stepSelectors(expr, ctx, stepSelectors);
                evaluator.load(querier, plan, stepSelectors);
                prepared = System.nanoTime();
                value = range ? evalRange(evaluator, expr, start, end, step, sortNanos)
                        : evalInstant(evaluator, expr, start, sortNanos);
            }
        }
        long done = System.nanoTime();
        SampleStats ss = evaluator.sampleStats;
        QueryStats stats = new QueryStats(ss.total, ss.peak, start, range ? step : 0, ss.perStep, prepared - began,
                done - prepared - sortNanos[0], sortNanos[0], done - began);
        return new QueryResult(value, annotations.warnings(), annotations.infos(), stats);
    }

    private static void warnIneffectiveSort(Expr e, Annotations annotations) {
        if (e instanceof dev.sextant.promql.ast.Call c) {
            if (c.function().name().startsWith("sort")) {
                annotations.warn("sort is ineffective for range queries since results are always ordered by labels",
                        c.pos());
            }
            for (Expr a : c.args()) {
                warnIneffectiveSort(a, annotations);
            }
        } else if (e instanceof dev.sextant.promql.ast.ParenExpr p) {
            warnIneffectiveSort(p.expr(), annotations);
        } else if (e instanceof dev.sextant.promql.ast.UnaryExpr u) {
            warnIneffectiveSort(u.expr(), annotations);
        } else if (e instanceof dev.sextant.promql.ast.BinaryExpr b) {
            warnIneffectiveSort(b.lhs(), annotations);
            warnIneffectiveSort(b.rhs(), annotations);
        } else if (e instanceof dev.sextant.promql.ast.AggregateExpr a) {
            warnIneffectiveSort(a.expr(), annotations);
        } else if (e instanceof dev.sextant.promql.ast.Subquery s) {
            warnIneffectiveSort(s.expr(), annotations);
        }
    }

    private static Value evalInstant(Evaluator ev, Expr expr, long t, long[] sortNanos) {
        EvalValue v = ev.evalStep(expr, t);
        if (v instanceof Sc s) {
            return new Scalar(t, s.v());
        }
        if (v instanceof Str s) {
            return new StringValue(t, s.s());
        }
        if (v instanceof Vec vec) {
            List<Sample> out = new ArrayList<>(vec.elems().size());
            Set<Labels> seen = new HashSet<>();
            for (Elem e : vec.elems()) {
                Labels l = e.effectiveLabels();
                if (!seen.add(l)) {
                    throw duplicate();
                }
                out.add(new Sample(l, t, e.v));
            }
            return new Vector(out);
        }
        List<SeriesPoints> out = new ArrayList<>();
        Set<Labels> seen = new HashSet<>();
        for (Window w : ((Mat) v).windows()) {
            Labels l = w.dropName ? Names.dropMetricName(w.labels) : w.labels;
            if (!seen.add(l)) {
                throw duplicate();
            }
            out.add(new SeriesPoints(l, Arrays.copyOfRange(w.ts, w.from, w.to), Arrays.copyOfRange(w.vs, w.from, w.to),
                    w.to - w.from));
        }
        long sortStart = System.nanoTime();
        out.sort((a, b) -> a.metric().compareTo(b.metric()));
        sortNanos[0] = System.nanoTime() - sortStart;
        return new Matrix(out);
    }

    private static QueryException duplicate() {
        return new QueryException(QueryException.Kind.EXECUTION, "vector cannot contain metrics with the same labelset");
    }

    private static Matrix evalRange(Evaluator ev, Expr expr, long start, long end, long step, long[] sortNanos) {
        Matrix seriesMajor = SeriesMajorRange.tryEval(ev, expr, start, end, step);
        if (seriesMajor != null) {
            // The series-major paths build their list fresh for this query: sorted in place.
            List<SeriesPoints> out = seriesMajor.series();
            long sortStart = System.nanoTime();
            out.sort((a, b) -> a.metric().compareTo(b.metric()));
            sortNanos[0] = System.nanoTime() - sortStart;
            return new Matrix(out);
        }
        Map<Labels, Evaluator.SeriesBuilder> byLabels = new HashMap<>();
        // Result label sets repeat at every step; drop names once per input label set.
        Map<Labels, Labels> dropped = new IdentityHashMap<>();
        // The previous step's elements (label set objects, name dropping) and their builders: the
        // next step usually has the same ones in the same order, found by reference.
        Labels[] prevIn = new Labels[0];
        boolean[] prevDrop = new boolean[0];
        Evaluator.SeriesBuilder[] prevB = new Evaluator.SeriesBuilder[0];
        int prevN = 0;
        Labels[] curIn = prevIn;
        boolean[] curDrop = prevDrop;
        Evaluator.SeriesBuilder[] curB = prevB;
        for (long t = start; t <= end; t += step) {
            EvalValue v = ev.evalStep(expr, t);
            if (v instanceof Sc s) {
                byLabels.computeIfAbsent(Labels.EMPTY, Evaluator.SeriesBuilder::new).add(t, s.v());
                continue;
            }
            List<Elem> elems = ((Vec) v).elems();
            int size = elems.size();
            if (curIn.length < size) {
                curIn = new Labels[size];
                curDrop = new boolean[size];
                curB = new Evaluator.SeriesBuilder[size];
            }
            int j = 0;
            for (int i = 0; i < size; i++) {
                Elem e = elems.get(i);
                Evaluator.SeriesBuilder b = null;
                for (int p = j, lim = Math.min(prevN, j + 4); p < lim; p++) {
                    if (prevIn[p] == e.labels && prevDrop[p] == e.dropName) {
                        b = prevB[p];
                        j = p + 1;
                        break;
                    }
                }
                if (b == null) {
                    Labels l = e.labels;
                    if (e.dropName) {
                        l = dropped.get(e.labels);
                        if (l == null) {
                            l = Names.dropMetricName(e.labels);
                            if (dropped.size() < 1_000_000) {
                                dropped.put(e.labels, l);
                            }
                        }
                    }
                    b = byLabels.computeIfAbsent(l, Evaluator.SeriesBuilder::new);
                }
                // Two elements of one step with the same result labels meet in one builder.
                if (b.n > 0 && b.ts[b.n - 1] == t) {
                    throw duplicate();
                }
                b.add(t, e.v);
                curIn[i] = e.labels;
                curDrop[i] = e.dropName;
                curB[i] = b;
            }
            Labels[] ti = prevIn;
            boolean[] td = prevDrop;
            Evaluator.SeriesBuilder[] tb = prevB;
            prevIn = curIn;
            prevDrop = curDrop;
            prevB = curB;
            prevN = size;
            curIn = ti;
            curDrop = td;
            curB = tb;
        }
        List<SeriesPoints> out = new ArrayList<>(byLabels.size());
        for (Evaluator.SeriesBuilder b : byLabels.values()) {
            out.add(new SeriesPoints(b.labels, b.ts, b.vs, b.n));
        }
        long sortStart = System.nanoTime();
        out.sort((a, b) -> a.metric().compareTo(b.metric()));
        sortNanos[0] = System.nanoTime() - sortStart;
        return new Matrix(out);
    }
}
