package dev.sextant.promql.promqltest;

import dev.sextant.promql.ast.Expr;
import dev.sextant.promql.ast.Printer;
import dev.sextant.promql.engine.QueryEngine;
import dev.sextant.promql.parser.QueryParser;
import dev.sextant.promql.engine.QueryOptions;
import dev.sextant.promql.engine.QueryResult;
import dev.sextant.promql.promqltest.SeriesNotation.SeriesLine;
import dev.sextant.promql.promqltest.SeriesNotation.SlotKind;
import dev.sextant.promql.promqltest.TestScript.Eval;
import dev.sextant.promql.promqltest.TestScript.ExpectedSeries;
import dev.sextant.promql.promqltest.TestScript.Expectation;
import dev.sextant.promql.value.Matrix;
import dev.sextant.promql.value.Sample;
import dev.sextant.promql.value.Scalar;
import dev.sextant.promql.value.SeriesPoints;
import dev.sextant.promql.value.StringValue;
import dev.sextant.promql.value.Value;
import dev.sextant.promql.value.Vector;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.StaleNaN;
import dev.sextant.tsdb.storage.Appendable;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.storage.Queryable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Executes a {@link TestScript} against fresh storages and reports one {@link Outcome} per eval.
 * Implements the main query check of the upstream runner (instant or range); the {@code @}-variants
 * and the range-mode cross-check are not performed.
 *
 * <p>Thread-safety: not thread-safe; one runner per script execution.
 *
 * @param <S> a storage that can be written and queried
 */
public final class TestRunner<S extends Appendable & Queryable> {
    private static final double EPSILON = 1e-6;

    /**
     * Result of one eval command. {@code message} explains a failure (null when passed);
     * {@code histogramData} tells that native-histogram samples were loaded in the eval's segment
     * (this engine stores floats only, so such evals may see different data).
     */
    public record Outcome(String file, int line, String expr, boolean passed, String message,
            boolean histogramData) {}

    private final QueryEngine engine;
    private final Supplier<S> storageFactory;

    public TestRunner(QueryEngine engine, Supplier<S> storageFactory) {
        this.engine = engine;
        this.storageFactory = storageFactory;
    }

    /** Runs every command; a failing load aborts the remaining evals (reported as failed). */
    public List<Outcome> run(TestScript script) {
        List<Outcome> out = new ArrayList<>();
        S storage = storageFactory.get();
        String loadError = null;
        boolean histograms = false;
        for (TestScript.Command c : script.commands()) {
            if (c instanceof TestScript.Clear) {
                storage = storageFactory.get();
                histograms = false;
            } else if (c instanceof TestScript.Load load) {
                histograms |= load.withNhcb() || load.series().stream().anyMatch(s -> java.util.Arrays.asList(
                        s.slots().kinds()).contains(SlotKind.HISTOGRAM));
                if (loadError == null) {
                    try {
                        load(storage, load);
                    } catch (RuntimeException e) {
                        loadError = "load at line " + load.line() + " failed: " + e;
                    }
                }
            } else if (c instanceof Eval eval) {
                if (loadError != null) {
                    out.add(new Outcome(script.name(), eval.line(), eval.expr(), false, loadError, histograms));
                    continue;
                }
                String msg;
                try {
                    msg = runEval(storage, eval);
                } catch (RuntimeException | StackOverflowError e) {
                    msg = "unexpected exception: " + e;
                }
                out.add(new Outcome(script.name(), eval.line(), eval.expr(), msg == null, msg, histograms));
            }
        }
        return out;
    }

    private static void load(Appendable storage, TestScript.Load load) {
        Appender app = storage.appender();
        Map<Labels, SeriesLine> unique = new HashMap<>();
        for (SeriesLine s : load.series()) {
            unique.put(s.labels(), s);
        }
        for (SeriesLine s : unique.values()) {
            long ref = 0;
            SeriesNotation.Slots slots = s.slots();
            for (int i = 0; i < slots.size(); i++) {
                if (slots.kinds()[i] == SlotKind.FLOAT) {
                    ref = app.append(ref, s.labels(), i * load.intervalMs(), slots.values()[i]);
                }
            }
        }
        app.commit();
    }

    /** Returns null on success, else a description of the mismatch. */
    private String runEval(Queryable storage, Eval eval) {
        String main = runEvalAt(storage, eval, eval.expr(), eval.startMs(), true);
        if (main != null || eval.range() || eval.rangeVector() || eval.string() != null) {
            return main;
        }
        return atVariants(storage, eval);
    }

    /**
     * Upstream's step-invariance check: every selector and subquery without {@code @} gets
     * {@code @ T}, and the printed query must give the same result at other evaluation times.
     */
    private String atVariants(Queryable storage, Eval eval) {
        Expr parsed = QueryParser.parse(eval.expr());
        if (AtInjector.timeDependent(parsed)) {
            return null;
        }
        long t = eval.startMs();
        String text = Printer.print(AtInjector.inject(parsed, t));
        long[] times = t == 0 ? new long[] {-1000, 0, 1000} : new long[] {-10 * t, 0, t / 5, t, 10 * t};
        for (long at : times) {
            String m = runEvalAt(storage, eval, text, at, false);
            if (m != null) {
                return "@-variant " + text + " at " + at + "ms: " + m;
            }
        }
        return null;
    }

    private String runEvalAt(Queryable storage, Eval eval, String expr, long time, boolean checkAnnotations) {
        QueryResult result;
        try {
            if (eval.range()) {
                result = engine.rangeQuery(storage, expr, eval.startMs(), eval.endMs(), eval.stepMs(),
                        QueryOptions.DEFAULTS);
            } else {
                result = engine.instantQuery(storage, expr, time, QueryOptions.DEFAULTS);
            }
        } catch (RuntimeException e) {
            if (!eval.expectsFail()) {
                return "unexpected error: " + e.getMessage();
            }
            for (Expectation x : eval.expectations()) {
                if (x.kind().equals("fail") && x.mode() != null && !matches(x, e.getMessage())) {
                    return "expected error " + x.mode() + ":" + x.text() + " but got: " + e.getMessage();
                }
            }
            return null;
        }
        if (eval.expectsFail()) {
            return "expected failure, got result " + result.value();
        }
        if (checkAnnotations) {
            String anno = checkAnnotations(eval, "warn", result.warnings());
            if (anno == null) {
                anno = checkAnnotations(eval, "info", result.infos());
            }
            if (anno != null) {
                return anno;
            }
        }
        String mismatch = compare(eval, result.value());
        if (mismatch != null || eval.range() || eval.rangeVector() || eval.string() != null) {
            return mismatch;
        }
        return rangeModeCrossCheck(storage, eval, expr, time);
    }

    /**
     * Upstream's range-mode check: the instant query's text, run as a range query from T-1m to T+1m
     * with a 1m step, must give the same result at T.
     */
    private String rangeModeCrossCheck(Queryable storage, Eval eval, String e, long t) {
        if (e.contains("start()") || e.contains("end()") || e.contains("range()") || e.contains("step()")) {
            return null;
        }
        Matrix m;
        try {
            m = (Matrix) engine.rangeQuery(storage, e, t - 60_000, t + 60_000, 60_000, QueryOptions.DEFAULTS)
                    .value();
        } catch (RuntimeException ex) {
            return "range-mode cross-check failed: " + ex.getMessage();
        }
        if (eval.ordered()) {
            return null;
        }
        for (int i = 0; i + 1 < m.series().size(); i++) {
            if (m.series().get(i).metric().compareTo(m.series().get(i + 1).metric()) > 0) {
                return "range-mode cross-check: matrix result is not sorted by labels";
            }
        }
        List<Sample> atT = new ArrayList<>();
        for (SeriesPoints sp : m.series()) {
            for (int i = 0; i < sp.count(); i++) {
                if (sp.timestamps()[i] == t) {
                    atT.add(new Sample(sp.metric(), t, sp.values()[i]));
                }
            }
        }
        String mismatch;
        if (eval.scalar() != null) {
            mismatch = atT.isEmpty() ? "no point at T" : close(eval.scalar(), atT.get(0).v()) ? null
                    : "expected scalar " + eval.scalar() + ", got " + atT.get(0).v();
        } else {
            mismatch = compareVector(eval, new Vector(atT));
        }
        return mismatch == null ? null : "range-mode cross-check: " + mismatch;
    }

    private static boolean matches(Expectation x, String actual) {
        if (x.mode() == null) {
            return true;
        }
        if (x.mode().equals("msg")) {
            return x.text().equals(actual);
        }
        return Pattern.compile(x.text()).matcher(actual).find();
    }

    private static String checkAnnotations(Eval eval, String kind, List<String> actual) {
        List<Expectation> expected = new ArrayList<>();
        boolean none = false;
        for (Expectation x : eval.expectations()) {
            if (x.kind().equals(kind)) {
                expected.add(x);
            } else if (x.kind().equals("no_" + kind)) {
                none = true;
            }
        }
        if (none && !actual.isEmpty()) {
            return "expected no " + kind + " annotations, got " + actual;
        }
        for (Expectation x : expected) {
            boolean found = false;
            for (String a : actual) {
                if (matches(x, a)) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                return "expected " + kind + " annotation " + (x.mode() == null ? "" : x.mode() + ":" + x.text())
                        + " not found in " + actual;
            }
        }
        if (!expected.isEmpty()) {
            for (String a : actual) {
                boolean ok = false;
                for (Expectation x : expected) {
                    if (matches(x, a)) {
                        ok = true;
                        break;
                    }
                }
                if (!ok) {
                    return "unexpected " + kind + " annotation: " + a;
                }
            }
        }
        return null;
    }

    private static String compare(Eval eval, Value value) {
        if (eval.string() != null) {
            if (value instanceof StringValue s && s.v().equals(eval.string())) {
                return null;
            }
            return "expected string \"" + eval.string() + "\", got " + value;
        }
        if (eval.scalar() != null) {
            if (value instanceof Scalar s) {
                return close(eval.scalar(), s.v()) ? null : "expected scalar " + eval.scalar() + ", got " + s.v();
            }
            return "expected scalar " + eval.scalar() + ", got " + value;
        }
        if (value instanceof Matrix m) {
            return compareMatrix(eval, m);
        }
        if (value instanceof Vector v) {
            if (eval.range() || eval.rangeVector()) {
                return "expected range vector, got instant vector";
            }
            return compareVector(eval, v);
        }
        return "expected vector or matrix result, got " + value;
    }

    private static String compareVector(Eval eval, Vector v) {
        Map<Labels, ExpectedSeries> byLabels = new HashMap<>();
        for (ExpectedSeries e : eval.results()) {
            byLabels.put(e.series().labels(), e);
        }
        boolean ordered = eval.ordered();
        int seen = 0;
        for (int i = 0; i < v.samples().size(); i++) {
            Sample s = v.samples().get(i);
            ExpectedSeries e = byLabels.get(s.metric());
            if (e == null) {
                return "unexpected series " + s.metric() + " " + s.v() + " in result";
            }
            if (ordered && e.position() != i + 1) {
                return "expected " + s.metric() + " at position " + e.position() + ", got position " + (i + 1);
            }
            if (e.series().slots().kinds()[0] != SlotKind.FLOAT) {
                return "expected histogram for " + s.metric() + ", got float " + s.v();
            }
            double want = e.series().slots().values()[0];
            if (!close(want, s.v())) {
                return "expected " + want + " for " + s.metric() + ", got " + s.v();
            }
            seen++;
        }
        if (seen != eval.results().size()) {
            return "expected " + eval.results().size() + " series, got " + v.samples().size() + ": " + v.samples();
        }
        return null;
    }

    private static String compareMatrix(Eval eval, Matrix m) {
        if (eval.ordered()) {
            return "expected ordered result, but result is a matrix";
        }
        long start = eval.rangeVector() ? eval.rangeVectorStart() : eval.startMs();
        long step = eval.rangeVector() ? eval.rangeVectorStep() : eval.stepMs();
        Map<Labels, ExpectedSeries> byLabels = new HashMap<>();
        for (ExpectedSeries e : eval.results()) {
            byLabels.put(e.series().labels(), e);
        }
        for (int i = 0; i + 1 < m.series().size(); i++) {
            if (m.series().get(i).metric().compareTo(m.series().get(i + 1).metric()) > 0) {
                return "matrix result is not sorted by labels";
            }
        }
        int seen = 0;
        for (SeriesPoints sp : m.series()) {
            ExpectedSeries e = byLabels.get(sp.metric());
            if (e == null) {
                return "unexpected series " + sp.metric() + " in result";
            }
            seen++;
            SeriesNotation.Slots slots = e.series().slots();
            int k = 0;
            for (int i = 0; i < slots.size(); i++) {
                SlotKind kind = slots.kinds()[i];
                if (kind == SlotKind.OMITTED) {
                    continue;
                }
                if (kind == SlotKind.HISTOGRAM) {
                    return "expected histogram points for " + sp.metric() + ", engine returns floats only";
                }
                long ts = start + i * step;
                if (k >= sp.count()) {
                    return "expected " + slots.size() + " points for " + sp.metric() + ", got " + sp.count()
                            + " (missing t=" + ts + ")";
                }
                if (sp.timestamps()[k] != ts || !close(slots.values()[i], sp.values()[k])) {
                    return "for " + sp.metric() + " expected " + slots.values()[i] + " @" + ts + ", got "
                            + sp.values()[k] + " @" + sp.timestamps()[k];
                }
                k++;
            }
            if (k != sp.count()) {
                return "expected " + k + " points for " + sp.metric() + ", got " + sp.count();
            }
        }
        if (seen != eval.results().size()) {
            return "expected " + eval.results().size() + " series, got " + m.series().size();
        }
        return null;
    }

    /** Prometheus's float comparison for test results (see spec §8.6). */
    static boolean close(double a, double b) {
        boolean sa = StaleNaN.isStale(a);
        boolean sb = StaleNaN.isStale(b);
        if (sa || sb) {
            return sa && sb;
        }
        if (Double.isNaN(a) && Double.isNaN(b)) {
            return true;
        }
        if (a == b) {
            return true;
        }
        double absSum = Math.abs(a) + Math.abs(b);
        double diff = Math.abs(a - b);
        if (a == 0 || b == 0 || absSum < Double.MIN_NORMAL) {
            return diff < EPSILON * Double.MIN_NORMAL;
        }
        return diff / Math.min(absSum, Double.MAX_VALUE) < EPSILON;
    }
}
