package dev.sextant.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.promql.ast.Expr;
import dev.sextant.promql.ast.VectorSelector;
import dev.sextant.promql.parser.QueryParser;
import dev.sextant.tsdb.memory.MemoryStorage;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.StaleNaN;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.storage.Querier;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Instant selectors evaluated at the query's own steps load only the newest sample at or before
 * each step: every step's answer is the same as with every sample loaded, and the loaded samples
 * per series are bounded by the steps, not by the samples in the range (dense data once ran a range
 * query out of heap).
 */
class StepDecimationTest {
    private static final long SEC = 1000;

    private static MemoryStorage denseData() {
        MemoryStorage storage = new MemoryStorage();
        Appender app = storage.appender();
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 12; i++) {
            Labels l = Labels.of("__name__", i % 3 == 0 ? "gauge" : "reqs_total", "instance", "i" + i, "job",
                    i % 2 == 0 ? "a" : "b");
            double v = 0;
            long t = r.nextLong(0, 500);
            while (t < 1200 * SEC) {
                v = r.nextInt(50) == 0 ? 0 : v + r.nextInt(100) / 4.0;
                // Dense (tens of samples per second), with stale markers and gaps past the lookback.
                app.append(0, l, t, r.nextInt(300) == 0 ? StaleNaN.VALUE : v);
                t += r.nextInt(2000) == 0 ? 400 * SEC : r.nextLong(1, 90);
            }
        }
        app.commit();
        return storage;
    }

    private static List<String> evaluate(MemoryStorage storage, String q, long start, long end, long step,
            boolean decimate, long[] loaded) {
        Expr expr = QueryParser.parse(q);
        Evaluator.QueryContext ctx = new Evaluator.QueryContext(start, end, step, 300 * SEC, 50_000_000L,
                System.nanoTime() + 60_000_000_000L, new Annotations(q));
        Map<VectorSelector, long[]> plan = new IdentityHashMap<>();
        Evaluator.plan(expr, start, end, ctx, plan);
        Map<VectorSelector, long[]> steps = new IdentityHashMap<>();
        if (decimate) {
            Evaluator.stepSelectors(expr, ctx, steps);
        }
        Evaluator ev = new Evaluator(ctx);
        List<String> out = new ArrayList<>();
        try (Querier querier = storage.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            ev.load(querier, plan, steps);
            loaded[0] = ev.loadedSamples();
            for (long t = start; t <= end; t += Math.max(1, step)) {
                EvalValue v = ev.evalStep(expr, t);
                List<String> rows = new ArrayList<>();
                if (v instanceof EvalValue.Vec vec) {
                    for (Elem e : vec.elems()) {
                        rows.add(e.labels + "=" + Double.doubleToRawLongBits(e.v) + "@" + e.ts);
                    }
                } else if (v instanceof EvalValue.Sc s) {
                    rows.add("scalar=" + Double.doubleToRawLongBits(s.v()));
                }
                rows.sort(null);
                out.add(t + " " + rows);
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "reqs_total", "count(reqs_total)", "sum by (job) (gauge)", "reqs_total offset 37s", "timestamp(gauge)",
        "gauge > bool 100", "reqs_total / on (instance) group_left gauge", "topk(2, reqs_total)",
        "absent(nope)", "scalar(gauge{instance=\"i0\"})", "label_replace(gauge, \"x\", \"$1\", \"job\", \"(.*)\")",
        "rate(reqs_total[1m]) * on (instance) group_left reqs_total", "gauge @ 600", "max_over_time(gauge[30s:7s])"
    })
    void sameAnswersWithBoundedSamples(String q) {
        MemoryStorage storage = denseData();
        for (long step : new long[] {7 * SEC, 15 * SEC, 60 * SEC}) {
            long[] all = new long[1];
            long[] kept = new long[1];
            List<String> full = evaluate(storage, q, 10 * SEC, 1300 * SEC, step, false, all);
            List<String> decimated = evaluate(storage, q, 10 * SEC, 1300 * SEC, step, true, kept);
            assertThat(decimated).as("%s step %d", q, step).isEqualTo(full);
            assertThat(kept[0]).as("%s step %d", q, step).isLessThanOrEqualTo(all[0]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"reqs_total", "count(reqs_total)", "sum by (job) (gauge offset 1m)"})
    void aRangeQueryKeepsAtMostOneSamplePerStepAndSeries(String q) {
        MemoryStorage storage = denseData();
        long[] all = new long[1];
        long[] kept = new long[1];
        evaluate(storage, q, 10 * SEC, 1300 * SEC, 15 * SEC, false, all);
        evaluate(storage, q, 10 * SEC, 1300 * SEC, 15 * SEC, true, kept);
        long steps = (1300 - 10) / 15 + 1;
        assertThat(all[0]).as("the fixture is dense").isGreaterThan(20 * 12 * steps);
        assertThat(kept[0]).isLessThanOrEqualTo(12 * (steps + 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"reqs_total", "count(gauge)", "timestamp(reqs_total offset 5s)"})
    void anInstantQueryKeepsTheNewestSampleOnly(String q) {
        MemoryStorage storage = denseData();
        long[] all = new long[1];
        long[] kept = new long[1];
        List<String> full = evaluate(storage, q, 700 * SEC, 700 * SEC, 0, false, all);
        List<String> decimated = evaluate(storage, q, 700 * SEC, 700 * SEC, 0, true, kept);
        assertThat(decimated).isEqualTo(full);
        assertThat(kept[0]).isLessThanOrEqualTo(12);
        assertThat(all[0]).isGreaterThan(12 * 100);
    }
}
