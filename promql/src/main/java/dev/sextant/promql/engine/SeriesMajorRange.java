package dev.sextant.promql.engine;

import dev.sextant.promql.ast.Call;
import dev.sextant.promql.ast.Expr;
import dev.sextant.promql.ast.MatrixSelector;
import dev.sextant.promql.ast.ParenExpr;
import dev.sextant.promql.ast.VectorSelector;
import dev.sextant.promql.function.FunctionDef;
import dev.sextant.promql.function.FunctionException;
import dev.sextant.promql.function.FunctionRegistry;
import dev.sextant.promql.function.RangeFunction;
import dev.sextant.promql.function.RangeWindow;
import dev.sextant.promql.value.Matrix;
import dev.sextant.promql.value.SeriesPoints;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.StaleNaN;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Range queries whose root is a plain instant selector, or a one-argument range function over a
 * plain range selector ({@code rate(x[5m])}, {@code max_over_time(x[5m])}, ...), evaluated series by
 * series: each loaded series yields its result points for all steps at once, straight into its
 * result arrays, instead of one vector of elements per step that is then regrouped by labels. The
 * values are computed exactly as the step-by-step path computes them (same lookups, same windows,
 * same functions); sample counts per step are added up and checked against the limit afterwards.
 *
 * <p>Thread-safety: stateless; uses the evaluator of one query.
 */
final class SeriesMajorRange {
    private SeriesMajorRange() {}

    /** The query's matrix, or null when the root is not of a supported shape (the caller then steps). */
    static Matrix tryEval(Evaluator ev, Expr expr, long start, long end, long step) {
        Expr e = expr;
        while (e instanceof ParenExpr p) {
            e = p.expr();
        }
        int steps = (int) Math.min(Integer.MAX_VALUE - 8, (end - start) / step + 1);
        // As evalStep does before each step: a query already past its deadline (or canceled) stops.
        ev.ctx.checkDeadline();
        if (e instanceof VectorSelector vs && !vs.smoothed() && !vs.anchored()) {
            return selector(ev, vs, start, step, steps);
        }
        if (e instanceof Call c && c.args().size() == 1 && c.args().get(0) instanceof MatrixSelector ms
                && !ms.selector().smoothed() && !ms.selector().anchored()) {
            FunctionDef def = FunctionRegistry.of(c.function());
            if (def.range() != null) {
                try {
                    return function(ev, c, def, ms, start, step, steps);
                } catch (FunctionException ex) {
                    throw new QueryException(QueryException.Kind.EXECUTION, ex.getMessage(), ex);
                }
            }
        }
        return null;
    }

    private static Matrix selector(Evaluator ev, VectorSelector vs, long start, long step, int steps) {
        Evaluator.QueryContext ctx = ev.ctx;
        List<LoadedSeries> series = ev.loaded(vs);
        long off = ctx.millis(vs.offset());
        boolean at = vs.at() != null;
        long atT = at ? ctx.atTime(vs.at()) : 0;
        long lookback = ctx.lookbackMs;
        long[] counts = new long[steps];
        long[] ts = new long[steps];
        double[] vals = new double[steps];
        List<SeriesPoints> out = new ArrayList<>(series.size());
        int checked = 0;
        for (LoadedSeries s : series) {
            int n = 0;
            long[] sts = s.ts;
            int sn = s.n;
            // The steps' reference times only grow (or stay put under @), so the last sample at or
            // before each one is found by walking forward from the previous step's: one pass over
            // the series' samples instead of a binary search per step.
            int i = -1;
            for (int k = 0; k < steps; k++) {
                long t = start + k * step;
                long ref = (at ? atT : t) - off;
                while (i + 1 < sn && sts[i + 1] <= ref) {
                    i++;
                }
                if (i < 0 || sts[i] <= ref - lookback || StaleNaN.isStale(s.vs[i])) {
                    continue;
                }
                ts[n] = t;
                vals[n] = s.vs[i];
                n++;
                counts[k]++;
            }
            if (n > 0) {
                out.add(new SeriesPoints(s.labels, Arrays.copyOf(ts, n), Arrays.copyOf(vals, n), n));
            }
            if ((++checked & 63) == 0) {
                ctx.checkDeadline();
            }
        }
        ev.countSteps(start, step, counts);
        return new Matrix(out);
    }

    private static Matrix function(Evaluator ev, Call c, FunctionDef def, MatrixSelector ms, long start, long step,
            int steps) {
        Evaluator.QueryContext ctx = ev.ctx;
        VectorSelector vs = ms.selector();
        List<LoadedSeries> series = ev.loaded(vs);
        boolean dropName = !def.keepsName();
        Labels[] labels = new Labels[series.size()];
        Set<Labels> distinct = dropName ? new HashSet<>() : null;
        for (int i = 0; i < labels.length; i++) {
            Labels l = series.get(i).labels;
            if (dropName) {
                l = Names.dropMetricName(l);
                if (!distinct.add(l)) {
                    // Two series meet once the name is gone: whether a step holds both decides
                    // between a result and an error, which the step-by-step path settles.
                    return null;
                }
            }
            labels[i] = l;
        }
        String name = c.function().name();
        boolean counterCheck = name.equals("rate") || name.equals("increase");
        long off = ctx.millis(vs.offset());
        boolean at = vs.at() != null;
        long atT = at ? ctx.atTime(vs.at()) : 0;
        long range = ctx.millis(ms.range());
        RangeFunction fn = def.range();
        RangeWindow w = new RangeWindow();
        w.boundaryValues = false;
        long[] counts = new long[steps];
        long[] ts = new long[steps];
        double[] vals = new double[steps];
        // max/min_over_time: a monotonic deque per series instead of a scan of every window.
        int extreme = name.equals("max_over_time") ? 1 : name.equals("min_over_time") ? -1 : 0;
        int[] deque = extreme != 0 ? new int[16] : null;
        List<SeriesPoints> out = new ArrayList<>(series.size());
        for (int si = 0; si < labels.length; si++) {
            LoadedSeries s = series.get(si);
            int n = 0;
            // Steps come in increasing time (or all at one @ time), so both window ends only move
            // forward: each series' samples are passed over once for all steps. lo and hi are what
            // lastAtOrBefore(from) + 1 and lastAtOrBefore(ref) + 1 would give.
            long[] fts = s.fts;
            double[] fvs = s.fvs;
            int len = s.fn;
            int lo = 0;
            int hi = 0;
            if (deque != null && deque.length < len) {
                deque = new int[Math.max(len, deque.length * 2)];
            }
            int head = 0;
            int tail = 0;
            for (int k = 0; k < steps; k++) {
                long t = start + k * step;
                long ref = (at ? atT : t) - off;
                long from = ref - range;
                while (hi < len && fts[hi] <= ref) {
                    if (extreme != 0) {
                        double v = fvs[hi];
                        // NaN never wins against a number (see OverTimeFunctions.max/min); among
                        // equal values the earliest does, so only strictly worse ones are dropped.
                        if (!Double.isNaN(v)) {
                            if (extreme > 0) {
                                while (tail > head && fvs[deque[tail - 1]] < v) {
                                    tail--;
                                }
                            } else {
                                while (tail > head && fvs[deque[tail - 1]] > v) {
                                    tail--;
                                }
                            }
                            deque[tail++] = hi;
                        }
                    }
                    hi++;
                }
                while (lo < hi && fts[lo] <= from) {
                    lo++;
                }
                while (head < tail && deque[head] < lo) {
                    head++;
                }
                if (hi <= lo) {
                    continue;
                }
                counts[k] += hi - lo;
                double r;
                if (extreme != 0) {
                    // A window of only NaNs gives its first value, as the scan does.
                    r = head < tail ? fvs[deque[head]] : fvs[lo];
                } else {
                    w.ts = fts;
                    w.vs = fvs;
                    w.from = lo;
                    w.to = hi;
                    w.windowStart = from;
                    w.windowEnd = ref;
                    w.evalTime = t;
                    r = fn.apply(w);
                }
                if (RangeFunction.isNoValue(r)) {
                    continue;
                }
                if (counterCheck && !s.counterNameChecked) {
                    s.counterNameChecked = true;
                    ev.warnIfNotCounter(s.labels, ms.pos());
                }
                ts[n] = t;
                vals[n] = r;
                n++;
            }
            if (n > 0) {
                out.add(new SeriesPoints(labels[si], Arrays.copyOf(ts, n), Arrays.copyOf(vals, n), n));
            }
            if (((si + 1) & 63) == 0) {
                ctx.checkDeadline();
            }
        }
        ev.countSteps(start, step, counts);
        return new Matrix(out);
    }
}
