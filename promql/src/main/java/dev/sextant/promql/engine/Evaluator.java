package dev.sextant.promql.engine;

import dev.sextant.promql.ast.AggregateExpr;
import dev.sextant.promql.ast.AtModifier;
import dev.sextant.promql.ast.BinaryExpr;
import dev.sextant.promql.ast.Call;
import dev.sextant.promql.ast.DurationExpr;
import dev.sextant.promql.ast.Expr;
import dev.sextant.promql.ast.MatrixSelector;
import dev.sextant.promql.ast.NumberLiteral;
import dev.sextant.promql.ast.ParenExpr;
import dev.sextant.promql.ast.StringLiteral;
import dev.sextant.promql.ast.Subquery;
import dev.sextant.promql.ast.UnaryExpr;
import dev.sextant.promql.ast.ValueType;
import dev.sextant.promql.ast.VectorSelector;
import dev.sextant.promql.engine.EvalValue.Mat;
import dev.sextant.promql.engine.EvalValue.Sc;
import dev.sextant.promql.engine.EvalValue.Str;
import dev.sextant.promql.engine.EvalValue.Vec;
import dev.sextant.promql.function.FunctionDef;
import dev.sextant.promql.function.FunctionException;
import dev.sextant.promql.function.FunctionRegistry;
import dev.sextant.promql.function.RangeFunction;
import dev.sextant.promql.function.RangeWindow;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.model.StaleNaN;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.SampleIterator;
import dev.sextant.tsdb.storage.SelectHints;
import dev.sextant.tsdb.storage.SeriesSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates one expression tree at a sequence of timestamps. Every selector's series are selected
 * from storage once per query, over the union of all windows the query needs (see {@link #plan}),
 * and each step then binary-searches the loaded arrays.
 *
 * <p>Thread-safety: not thread-safe; one per query.
 */
final class Evaluator {
    static final long DEFAULT_SUBQUERY_STEP_MS = 60_000;

    final QueryContext ctx;
    private final Map<VectorSelector, List<LoadedSeries>> data = new IdentityHashMap<>();
    private final Map<Subquery, SubqueryStore> subqueryStore = new IdentityHashMap<>();
    private final RangeWindow window = new RangeWindow();
    private long[] scratchTs = new long[64];
    private double[] scratchVs = new double[64];
    private final BinaryOps binaryOps;
    private final Aggregations aggregations;
    private final SpecialFunctions specials;
    private long samplesInStep;
    /** Samples held after {@link #load}, over all selectors (for tests). */
    private long loadedSamples;
    /** Sample counts for the API's stats (read by QueryEngine after evaluation). */
    final SampleStats sampleStats = new SampleStats();
    /** Set while evaluating the range argument of rate/increase: smoothing uses the reset-adjusted counter. */
    private boolean counterSmoothing;

    Evaluator(QueryContext ctx) {
        this.ctx = ctx;
        this.binaryOps = new BinaryOps();
        this.aggregations = new Aggregations(this);
        this.specials = new SpecialFunctions(this);
    }

    /** The time ranges each selector needs for a query over {@code [start, end]}. */
    static void plan(Expr e, long start, long end, QueryContext ctx, Map<VectorSelector, long[]> out) {
        if (e instanceof VectorSelector vs) {
            addRange(out, vs, start, end, ctx, ctx.lookbackMs);
        } else if (e instanceof MatrixSelector ms) {
            addRange(out, ms.selector(), start, end, ctx, ctx.millis(ms.range()));
        } else if (e instanceof Subquery sq) {
            long s = sq.at() != null ? ctx.atTime(sq.at()) : start;
            long en = sq.at() != null ? ctx.atTime(sq.at()) : end;
            long off = ctx.millis(sq.offset());
            plan(sq.expr(), s - off - ctx.millis(sq.range()), en - off, ctx, out);
        } else if (e instanceof ParenExpr p) {
            plan(p.expr(), start, end, ctx, out);
        } else if (e instanceof UnaryExpr u) {
            plan(u.expr(), start, end, ctx, out);
        } else if (e instanceof BinaryExpr b) {
            plan(b.lhs(), start, end, ctx, out);
            plan(b.rhs(), start, end, ctx, out);
        } else if (e instanceof AggregateExpr a) {
            plan(a.expr(), start, end, ctx, out);
            if (a.param() != null) {
                plan(a.param(), start, end, ctx, out);
            }
        } else if (e instanceof Call c) {
            for (Expr arg : c.args()) {
                plan(arg, start, end, ctx, out);
            }
            if (c.function().name().equals("info")) {
                // Info series are read as of the time the base samples were read (@, offset, subqueries).
                long[] r = {start, end};
                InfoFunction.shift(c.args().get(0), r, ctx);
                addRange(out, (VectorSelector) c.args().get(1), r[0], r[1], ctx, ctx.lookbackMs);
            }
        }
    }

    private static void addRange(Map<VectorSelector, long[]> out, VectorSelector vs, long start, long end,
            QueryContext ctx, long back) {
        long s = vs.at() != null ? ctx.atTime(vs.at()) : start;
        long en = vs.at() != null ? ctx.atTime(vs.at()) : end;
        long off = ctx.millis(vs.offset());
        long mint = s - off - back;
        long maxt = en - off;
        if (vs.anchored() || vs.smoothed()) {
            // The boundary values come from samples up to a lookback delta outside the window.
            mint -= ctx.lookbackMs;
            if (vs.smoothed()) {
                maxt += ctx.lookbackMs;
            }
        }
        long[] r = out.get(vs);
        if (r == null) {
            out.put(vs, new long[] {mint, maxt});
        } else {
            r[0] = Math.min(r[0], mint);
            r[1] = Math.max(r[1], maxt);
        }
    }

    /**
     * The instant vector selectors of {@code e} that are evaluated only at the query's own step
     * times (not inside a subquery or a range selector, without {@code @}, not anchored or smoothed,
     * not under {@code info}), mapped to the first step time shifted by their offset. Such a selector
     * needs, per step, only the newest sample at or before it, so {@link #load} keeps just those:
     * memory per series is then bounded by the number of steps, not by the samples in the range.
     */
    static void stepSelectors(Expr e, QueryContext ctx, Map<VectorSelector, long[]> out) {
        if (e instanceof VectorSelector vs) {
            if (vs.at() == null && !vs.anchored() && !vs.smoothed()) {
                out.put(vs, new long[] {ctx.start - ctx.millis(vs.offset()), Math.max(1, ctx.step)});
            }
        } else if (e instanceof ParenExpr p) {
            stepSelectors(p.expr(), ctx, out);
        } else if (e instanceof UnaryExpr u) {
            stepSelectors(u.expr(), ctx, out);
        } else if (e instanceof BinaryExpr b) {
            stepSelectors(b.lhs(), ctx, out);
            stepSelectors(b.rhs(), ctx, out);
        } else if (e instanceof AggregateExpr a) {
            stepSelectors(a.expr(), ctx, out);
            if (a.param() != null) {
                stepSelectors(a.param(), ctx, out);
            }
        } else if (e instanceof Call c && !c.function().name().equals("info")) {
            for (Expr arg : c.args()) {
                stepSelectors(arg, ctx, out);
            }
        }
    }

    /** Selects every planned selector's series once. */
    void load(Querier querier, Map<VectorSelector, long[]> plan) {
        load(querier, plan, Map.of());
    }

    /** As {@link #load(Querier, Map)}, keeping only the samples the steps read for {@code stepSelectors}. */
    void load(Querier querier, Map<VectorSelector, long[]> plan, Map<VectorSelector, long[]> stepSelectors) {
        SampleIterator reuse = null;
        long total = 0;
        long checked = 0;
        for (Map.Entry<VectorSelector, long[]> e : plan.entrySet()) {
            long mint = e.getValue()[0];
            long maxt = e.getValue()[1];
            Matcher[] matchers = e.getKey().matchers().toArray(new Matcher[0]);
            long[] steps = stepSelectors.get(e.getKey());
            boolean decimate = steps != null;
            long base = decimate ? steps[0] : 0;
            long stepMs = decimate ? steps[1] : 1;
            SeriesSet set = querier.select(false, SelectHints.of(mint, maxt), matchers);
            List<LoadedSeries> list = new ArrayList<>();
            while (set.next()) {
                SampleIterator it = set.at().iterator(reuse);
                reuse = it;
                // Decode into the reused scratch arrays, then copy once at the exact size: no
                // growing per series.
                int n = 0;
                if (it.seek(mint + 1)) {
                    do {
                        long t = it.atT();
                        if (t > maxt) {
                            break;
                        }
                        if (decimate && n > 0) {
                            // The previous sample is read by a step only if this one comes after
                            // the first step at or after it; otherwise this one replaces it.
                            long prev = scratchTs[n - 1];
                            long k = prev <= base ? 0 : (prev - base + stepMs - 1) / stepMs;
                            if (t <= base + k * stepMs) {
                                n--;
                            }
                        }
                        if (n == scratchTs.length) {
                            scratchTs = Arrays.copyOf(scratchTs, n * 2);
                            scratchVs = Arrays.copyOf(scratchVs, n * 2);
                        }
                        scratchTs[n] = t;
                        scratchVs[n] = it.atV();
                        n++;
                    } while (it.next());
                }
                if (it.error() != null) {
                    throw new QueryException(QueryException.Kind.EXECUTION, it.error().getMessage(), it.error());
                }
                if (n > 0) {
                    LoadedSeries ls = new LoadedSeries(set.at().labels(), Arrays.copyOf(scratchTs, n),
                            Arrays.copyOf(scratchVs, n));
                    ls.seal();
                    list.add(ls);
                    total += n;
                }
                if ((++checked & 255) == 0) {
                    ctx.checkDeadline();
                }
            }
            if (set.error() != null) {
                throw new QueryException(QueryException.Kind.EXECUTION, set.error().getMessage(), set.error());
            }
            data.put(e.getKey(), list);
        }
        loadedSamples = total;
    }

    long loadedSamples() {
        return loadedSamples;
    }

    /** Evaluates the root at one step; resets the per-step sample count. */
    EvalValue evalStep(Expr expr, long t) {
        samplesInStep = 0;
        sampleStats.step(t);
        ctx.checkDeadline();
        return eval(expr, t);
    }

    /** Sample counts of a range query evaluated series by series: per step, as evalStep would count them. */
    void countSteps(long start, long step, long[] perStep) {
        for (int k = 0; k < perStep.length; k++) {
            samplesInStep = 0;
            sampleStats.step(start + k * step);
            countSamples(perStep[k]);
        }
    }

    void countSamples(long n) {
        samplesInStep += n;
        sampleStats.add(n, samplesInStep);
        if (samplesInStep > ctx.maxSamples) {
            throw new QueryException(QueryException.Kind.EXECUTION,
                    "query processing would load too many samples into memory in query execution");
        }
    }

    EvalValue eval(Expr expr, long t) {
        if (expr instanceof NumberLiteral n) {
            return new Sc(n.value());
        }
        if (expr instanceof StringLiteral s) {
            return new Str(s.value());
        }
        if (expr instanceof ParenExpr p) {
            return eval(p.expr(), t);
        }
        if (expr instanceof VectorSelector vs) {
            return selectInstant(vs, t);
        }
        if (expr instanceof MatrixSelector ms) {
            return selectRange(ms, t);
        }
        if (expr instanceof Subquery sq) {
            return subquery(sq, t);
        }
        if (expr instanceof UnaryExpr u) {
            return negate(eval(u.expr(), t));
        }
        if (expr instanceof BinaryExpr b) {
            return binaryOps.eval(b, eval(b.lhs(), t), eval(b.rhs(), t));
        }
        if (expr instanceof AggregateExpr a) {
            return aggregations.eval(a, t);
        }
        return call((Call) expr, t);
    }

    double evalScalar(Expr e, long t) {
        return ((Sc) eval(e, t)).v();
    }

    Vec evalVector(Expr e, long t) {
        return (Vec) eval(e, t);
    }

    private static EvalValue negate(EvalValue v) {
        if (v instanceof Sc s) {
            return new Sc(-s.v());
        }
        List<Elem> in = ((Vec) v).elems();
        List<Elem> out = new ArrayList<>(in.size());
        for (Elem e : in) {
            out.add(e.withValue(-e.v, true));
        }
        return new Vec(out);
    }

    private Vec selectInstant(VectorSelector vs, long t) {
        long ref = (vs.at() != null ? ctx.atTime(vs.at()) : t) - ctx.millis(vs.offset());
        List<LoadedSeries> series = data.get(vs);
        List<Elem> out = new ArrayList<>(series.size());
        if (vs.smoothed()) {
            for (LoadedSeries s : series) {
                int i = LoadedSeries.lastAtOrBefore(s.fts, s.fn, ref);
                if (i < 0 || s.fts[i] <= ref - ctx.lookbackMs) {
                    continue;
                }
                out.add(new Elem(s.labels, interpolate(s, i, ref), false, ref));
            }
            countSamples(out.size());
            return new Vec(out);
        }
        for (LoadedSeries s : series) {
            int i = LoadedSeries.lastAtOrBefore(s.ts, s.n, ref);
            if (i < 0 || s.ts[i] <= ref - ctx.lookbackMs || StaleNaN.isStale(s.vs[i])) {
                continue;
            }
            out.add(new Elem(s.labels, s.vs[i], false, s.ts[i]));
        }
        countSamples(out.size());
        return new Vec(out);
    }

    /** The value at {@code t} linearly interpolated between float sample i (at or before t) and the next one. */
    private double interpolate(LoadedSeries s, int i, long t) {
        if (s.fts[i] == t || i + 1 >= s.fn || s.fts[i + 1] > t + ctx.lookbackMs) {
            return s.fvs[i];
        }
        double frac = (double) (t - s.fts[i]) / (s.fts[i + 1] - s.fts[i]);
        return s.fvs[i] + (s.fvs[i + 1] - s.fvs[i]) * frac;
    }

    /** Anchored: the window plus the last sample before it; smoothed: values interpolated at both edges. */
    private Mat selectExtendedRange(VectorSelector vs, long start, long ref) {
        List<LoadedSeries> series = data.get(vs);
        List<Window> out = new ArrayList<>(series.size());
        long count = 0;
        for (LoadedSeries s : series) {
            int hi = LoadedSeries.lastAtOrBefore(s.fts, s.fn, ref) + 1;
            int lo = LoadedSeries.lastAtOrBefore(s.fts, s.fn, start) + 1;
            Window w;
            if (vs.anchored()) {
                if (hi <= lo) {
                    // Anchored needs at least one sample inside the window.
                    continue;
                }
                if (lo > 0 && s.fts[lo - 1] > start - ctx.lookbackMs) {
                    lo--;
                }
                w = new Window(s.labels, s.fts, s.fvs, lo, hi, start, ref, false);
            } else {
                w = smoothedWindow(s, lo, hi, start, ref);
                if (w == null) {
                    continue;
                }
            }
            w.boundaryValues = true;
            out.add(w);
            count += w.to - w.from;
        }
        countSamples(count);
        return new Mat(out);
    }

    /**
     * The window's samples with values interpolated at both edges from the neighbouring samples
     * (within the lookback delta). For counter functions the interpolation runs over the
     * reset-adjusted counter, so a reset between two samples does not distort the edge values.
     */
    private Window smoothedWindow(LoadedSeries s, int lo, int hi, long start, long ref) {
        int p = lo > 0 && s.fts[lo - 1] > start - ctx.lookbackMs ? lo - 1 : lo;
        int q = hi < s.fn && s.fts[hi] <= ref + ctx.lookbackMs ? hi : hi - 1;
        if (hi == lo && (p == lo || q < hi)) {
            // No sample inside: both neighbours are needed to interpolate.
            return null;
        }
        double[] adj = new double[q - p + 1];
        adj[0] = s.fvs[p];
        for (int k = p + 1; k <= q; k++) {
            double prev = s.fvs[k - 1];
            double cur = s.fvs[k];
            adj[k - p] = counterSmoothing ? adj[k - p - 1] + (cur >= prev ? cur - prev : cur) : cur;
        }
        int inside = hi - lo;
        long[] ts = new long[inside + 2];
        double[] vs = new double[inside + 2];
        ts[0] = start;
        vs[0] = p < lo ? lerp(s.fts[p], adj[0], s.fts[lo], adj[lo - p], start) : adj[lo - p];
        int k = 1;
        for (int i = lo; i < hi; i++) {
            if (s.fts[i] == ref) {
                continue;
            }
            ts[k] = s.fts[i];
            vs[k] = adj[i - p];
            k++;
        }
        ts[k] = ref;
        vs[k] = q >= hi && s.fts[hi - 1] != ref ? lerp(s.fts[hi - 1], adj[hi - 1 - p], s.fts[hi], adj[hi - p], ref)
                : adj[hi - 1 - p];
        k++;
        return new Window(s.labels, ts, vs, 0, k, start, ref, false);
    }

    private static double lerp(long t1, double v1, long t2, double v2, long t) {
        return v1 + (v2 - v1) * ((double) (t - t1) / (t2 - t1));
    }

    private Mat selectRange(MatrixSelector ms, long t) {
        VectorSelector vs = ms.selector();
        long ref = (vs.at() != null ? ctx.atTime(vs.at()) : t) - ctx.millis(vs.offset());
        long range = ctx.millis(ms.range());
        long start = ref - range;
        if (vs.anchored() || vs.smoothed()) {
            return selectExtendedRange(vs, start, ref);
        }
        List<LoadedSeries> series = data.get(vs);
        List<Window> out = new ArrayList<>(series.size());
        long count = 0;
        for (LoadedSeries s : series) {
            int hi = LoadedSeries.lastAtOrBefore(s.fts, s.fn, ref) + 1;
            int lo = LoadedSeries.lastAtOrBefore(s.fts, s.fn, start) + 1;
            if (hi > lo) {
                out.add(new Window(s.labels, s.fts, s.fvs, lo, hi, start, ref, false));
                count += hi - lo;
            }
        }
        countSamples(count);
        return new Mat(out);
    }

    private Mat subquery(Subquery sq, long t) {
        long ref = (sq.at() != null ? ctx.atTime(sq.at()) : t) - ctx.millis(sq.offset());
        long range = ctx.millis(sq.range());
        long step = sq.step() != null ? ctx.millis(sq.step()) : DEFAULT_SUBQUERY_STEP_MS;
        if (step <= 0) {
            step = DEFAULT_SUBQUERY_STEP_MS;
        }
        long start = ref - range;
        long first = Math.floorDiv(start, step) * step;
        if (first <= start) {
            first += step;
        }
        // Inner steps are epoch-aligned, so consecutive outer steps share most of them. The inner
        // results are appended once to per-series arrays (like loaded selector data) and each outer
        // step takes its window by binary search; only a window reaching before the stored range
        // (non-monotonic evaluation times, e.g. with @) is recomputed from scratch.
        SubqueryStore store = subqueryStore.computeIfAbsent(sq, k -> new SubqueryStore());
        if (store.minT != Long.MIN_VALUE && (first < store.minT || step != store.step)) {
            return subqueryUncached(sq, first, step, start, ref);
        }
        if (store.minT == Long.MIN_VALUE) {
            store.minT = first;
            store.step = step;
        }
        for (long it = Math.max(first, store.maxT + step); it <= ref; it += step) {
            ctx.checkDeadline();
            store.append(it, eval(sq.expr(), it));
            store.maxT = it;
        }
        List<Window> out = new ArrayList<>(store.series.size());
        long count = 0;
        for (SeriesBuilder b : store.series.values()) {
            int hi = LoadedSeries.lastAtOrBefore(b.ts, b.n, ref) + 1;
            int lo = LoadedSeries.lastAtOrBefore(b.ts, b.n, start) + 1;
            if (hi > lo) {
                out.add(new Window(b.labels, b.ts, b.vs, lo, hi, start, ref, b.dropName));
                count += hi - lo;
            }
        }
        countSamples(count);
        return new Mat(out);
    }

    private Mat subqueryUncached(Subquery sq, long first, long step, long start, long ref) {
        SubqueryStore tmp = new SubqueryStore();
        long count = 0;
        for (long it = first; it <= ref; it += step) {
            ctx.checkDeadline();
            count += tmp.append(it, eval(sq.expr(), it));
        }
        countSamples(count);
        List<Window> out = new ArrayList<>(tmp.series.size());
        for (SeriesBuilder b : tmp.series.values()) {
            out.add(new Window(b.labels, b.ts, b.vs, 0, b.n, start, ref, b.dropName));
        }
        return new Mat(out);
    }

    /** A subquery's inner results of one query, per series, in evaluation-time order. */
    private static final class SubqueryStore {
        final Map<Labels, SeriesBuilder> series = new LinkedHashMap<>();
        long minT = Long.MIN_VALUE;
        long maxT = Long.MIN_VALUE / 2;
        long step;

        int append(long t, EvalValue v) {
            if (v instanceof Vec vec) {
                for (Elem e : vec.elems()) {
                    SeriesBuilder b = series.computeIfAbsent(e.labels, SeriesBuilder::new);
                    b.add(t, e.v);
                    b.dropName = e.dropName;
                }
                return vec.elems().size();
            }
            if (v instanceof Sc sc) {
                series.computeIfAbsent(Labels.EMPTY, SeriesBuilder::new).add(t, sc.v());
                return 1;
            }
            return 0;
        }
    }

    private EvalValue call(Call c, long t) {
        FunctionDef def = FunctionRegistry.of(c.function());
        try {
            if (def.range() != null) {
                return rangeCall(c, def, t);
            }
            if (def.element() != null) {
                return specials.elementCall(c, def, t);
            }
            return specials.call(c, t);
        } catch (FunctionException e) {
            throw new QueryException(QueryException.Kind.EXECUTION, e.getMessage(), e);
        }
    }

    private Vec rangeCall(Call c, FunctionDef def, long t) {
        Mat m = null;
        double[] params = new double[c.args().size() - 1];
        int p = 0;
        Expr matrixArg = null;
        for (Expr a : c.args()) {
            if (a.type() == ValueType.MATRIX) {
                matrixArg = a;
                checkExtendedModifier(c, a);
                if (a instanceof MatrixSelector ms && !ms.selector().anchored() && !ms.selector().smoothed()) {
                    continue;
                }
                String fn = c.function().name();
                counterSmoothing = fn.equals("rate") || fn.equals("increase");
                try {
                    m = (Mat) eval(a, t);
                } finally {
                    counterSmoothing = false;
                }
            } else {
                params[p++] = evalScalar(a, t);
            }
        }
        String name = c.function().name();
        if (name.equals("quantile_over_time") && !(params[0] >= 0 && params[0] <= 1)) {
            ctx.annotations.warn("quantile value should be between 0 and 1, got " + SpecialFunctions.formatGo(params[0]),
                    c.args().get(0).pos());
        }
        boolean counterCheck = name.equals("rate") || name.equals("increase");
        RangeWindow w = window;
        w.params = params;
        w.evalTime = t;
        if (m == null) {
            return rangeCallOnSelector(c, def, (MatrixSelector) matrixArg, t, counterCheck);
        }
        List<Elem> out = new ArrayList<>(m.windows().size());
        for (Window win : m.windows()) {
            w.ts = win.ts;
            w.vs = win.vs;
            w.from = win.from;
            w.to = win.to;
            w.windowStart = win.start;
            w.windowEnd = win.end;
            w.boundaryValues = win.boundaryValues;
            double r = def.range().apply(w);
            if (RangeFunction.isNoValue(r)) {
                continue;
            }
            if (counterCheck && matrixArg instanceof MatrixSelector) {
                warnIfNotCounter(win.labels, matrixArg.pos());
            }
            out.add(new Elem(win.labels, r, win.dropName || !def.keepsName(), 0));
        }
        return new Vec(out);
    }

    /**
     * Fast path for a function applied directly to a range selector: windows are located in the
     * loaded arrays and handed to the function without materialising a range vector.
     */
    private Vec rangeCallOnSelector(Call c, FunctionDef def, MatrixSelector ms, long t, boolean counterCheck) {
        VectorSelector vs = ms.selector();
        long ref = (vs.at() != null ? ctx.atTime(vs.at()) : t) - ctx.millis(vs.offset());
        long start = ref - ctx.millis(ms.range());
        List<LoadedSeries> series = data.get(vs);
        List<Elem> out = new ArrayList<>(series.size());
        RangeWindow w = window;
        w.windowStart = start;
        w.windowEnd = ref;
        w.boundaryValues = false;
        boolean dropName = !def.keepsName();
        long count = 0;
        for (LoadedSeries s : series) {
            int hi = LoadedSeries.lastAtOrBefore(s.fts, s.fn, ref) + 1;
            int lo = LoadedSeries.lastAtOrBefore(s.fts, s.fn, start) + 1;
            if (hi <= lo) {
                continue;
            }
            count += hi - lo;
            w.ts = s.fts;
            w.vs = s.fvs;
            w.from = lo;
            w.to = hi;
            double r = def.range().apply(w);
            if (RangeFunction.isNoValue(r)) {
                continue;
            }
            if (counterCheck && !s.counterNameChecked) {
                // The annotation is per metric name and deduplicated: one check per series and query.
                s.counterNameChecked = true;
                warnIfNotCounter(s.labels, ms.pos());
            }
            out.add(new Elem(s.labels, r, dropName, 0));
        }
        countSamples(count);
        return new Vec(out);
    }

    void warnIfNotCounter(Labels labels, int pos) {
        String metric = labels.metricName();
        if (!metric.isEmpty() && !metric.endsWith("_total") && !metric.endsWith("_sum")
                && !metric.endsWith("_count") && !metric.endsWith("_bucket")) {
            ctx.annotations.info("metric might not be a counter, name does not end in "
                    + "_total/_sum/_count/_bucket: \"" + metric + "\"", pos);
        }
    }

    private static void checkExtendedModifier(Call c, Expr arg) {
        if (!(arg instanceof MatrixSelector ms)) {
            return;
        }
        String fn = c.function().name();
        if (ms.selector().smoothed() && !fn.equals("delta") && !fn.equals("increase") && !fn.equals("rate")) {
            throw new QueryException(QueryException.Kind.EXECUTION,
                    "smoothed modifier can only be used with: delta, increase, rate - not with " + fn);
        }
        if (ms.selector().anchored() && !fn.equals("changes") && !fn.equals("delta") && !fn.equals("increase")
                && !fn.equals("rate") && !fn.equals("resets")) {
            throw new QueryException(QueryException.Kind.EXECUTION,
                    "anchored modifier can only be used with: changes, delta, increase, rate, resets - not with " + fn);
        }
    }

    /** Instant lookup of a selector's series at {@code ref}, ignoring its own modifiers. */
    List<Elem> lookupAt(VectorSelector vs, long ref) {
        List<LoadedSeries> series = data.get(vs);
        List<Elem> out = new ArrayList<>(series.size());
        for (LoadedSeries s : series) {
            int i = LoadedSeries.lastAtOrBefore(s.ts, s.n, ref);
            if (i < 0 || s.ts[i] <= ref - ctx.lookbackMs || StaleNaN.isStale(s.vs[i])) {
                continue;
            }
            out.add(new Elem(s.labels, s.vs[i], false, s.ts[i]));
        }
        return out;
    }

    /** The series of a selector, for absent() and friends. */
    List<LoadedSeries> loaded(VectorSelector vs) {
        return data.get(vs);
    }

    /** Accumulates one series' points; also used for range query results. */
    static final class SeriesBuilder {
        final Labels labels;
        long[] ts = new long[8];
        double[] vs = new double[8];
        int n;
        boolean dropName;

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

    /** Shared per-query settings. */
    static final class QueryContext {
        final long start;
        final long end;
        final long step;
        final long lookbackMs;
        final long maxSamples;
        final long deadlineNanos;
        /** With {@link #budgeted}: evaluation stops with {@link OverBudgetException} past this. */
        long budgetNanos;
        boolean budgeted;
        final Annotations annotations;

        QueryContext(long start, long end, long step, long lookbackMs, long maxSamples, long deadlineNanos,
                Annotations annotations) {
            this.start = start;
            this.end = end;
            this.step = step;
            this.lookbackMs = lookbackMs;
            this.maxSamples = maxSamples;
            this.deadlineNanos = deadlineNanos;
            this.annotations = annotations;
        }

        long millis(DurationExpr d) {
            return d == null ? 0 : d.millis(step, end - start);
        }

        long atTime(AtModifier at) {
            return switch (at.kind()) {
                case START -> start;
                case END -> end;
                case TIME -> at.timeMs();
            };
        }

        void checkDeadline() {
            if (Thread.currentThread().isInterrupted()) {
                throw new QueryException(QueryException.Kind.CANCELED, "query was canceled in expression evaluation");
            }
            long now = System.nanoTime();
            if (now - deadlineNanos > 0) {
                throw new QueryException(QueryException.Kind.TIMEOUT, "query timed out in expression evaluation");
            }
            if (budgeted && now - budgetNanos > 0) {
                throw new OverBudgetException();
            }
        }
    }
}
