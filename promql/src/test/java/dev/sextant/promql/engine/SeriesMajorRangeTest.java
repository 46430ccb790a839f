package dev.sextant.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.promql.value.Matrix;
import dev.sextant.promql.value.SeriesPoints;
import dev.sextant.tsdb.memory.MemoryStorage;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.StaleNaN;
import dev.sextant.tsdb.storage.Appender;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Range queries evaluated series by series ({@link SeriesMajorRange}) against the same queries
 * forced through the step-by-step path: {@code -(-(q))} is no shape the series-major path takes,
 * negates twice (exactly) and drops the metric name, so results are compared without it.
 */
class SeriesMajorRangeTest {
    private static final long SEC = 1000;
    private final QueryEngine engine = new QueryEngine(EngineOptions.DEFAULTS);

    private static MemoryStorage data() {
        MemoryStorage storage = new MemoryStorage();
        Appender app = storage.appender();
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 30; i++) {
            Labels l = Labels.of("__name__", i % 3 == 0 ? "gauge" : "reqs_total", "instance", "i" + i, "job",
                    i % 2 == 0 ? "a" : "b");
            double v = 0;
            long t = r.nextLong(0, 20) * SEC;
            while (t < 1200 * SEC) {
                // Jittered, with gaps longer than the lookback, counter resets and stale markers.
                v = r.nextInt(20) == 0 ? 0 : v + r.nextInt(100) / 4.0;
                app.append(0, l, t, r.nextInt(40) == 0 ? StaleNaN.VALUE : v);
                t += r.nextInt(30) == 0 ? 400 * SEC : r.nextLong(5, 25) * SEC;
            }
        }
        app.commit();
        return storage;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "reqs_total", "{job=\"a\"}", "reqs_total offset 1m", "reqs_total @ 600", "gauge @ end()",
        "rate(reqs_total[1m])", "increase(reqs_total[2m] offset 30s)", "irate(reqs_total[1m])",
        "delta(gauge[3m])", "deriv(gauge[5m])", "changes(gauge[5m])", "resets(reqs_total[5m])",
        "max_over_time(gauge[1m])", "avg_over_time({job=\"b\"}[2m])", "count_over_time(reqs_total[30s])",
        "last_over_time(gauge[1m])", "stddev_over_time(gauge[5m] @ 900)", "present_over_time(gauge[1m])",
        "(sum_over_time(reqs_total[1m]))"
    })
    void sameAsStepByStep(String q) {
        MemoryStorage storage = data();
        for (long step : new long[] {7 * SEC, 15 * SEC, 60 * SEC}) {
            Matrix fast = engine.rangeQuery(storage, q, 0, 1300 * SEC, step);
            Matrix slow = engine.rangeQuery(storage, "-(-(" + q + "))", 0, 1300 * SEC, step);
            assertThat(lines(fast)).as("%s step %d", q, step).isEqualTo(lines(slow)).isNotEmpty();
        }
    }

    /** Gauges with NaN, signed zeros, infinities, long runs of equal values, stale markers and gaps. */
    private static MemoryStorage awkwardGauges(long seed) {
        MemoryStorage storage = new MemoryStorage();
        Appender app = storage.appender();
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 20; i++) {
            Labels l = Labels.of("__name__", "g", "i", "s" + i);
            long t = r.nextLong(0, 30) * SEC;
            double v = 0;
            while (t < 1200 * SEC) {
                v = switch (r.nextInt(12)) {
                    case 0 -> Double.NaN;
                    case 1 -> r.nextBoolean() ? 0.0 : -0.0;
                    case 2 -> r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                    case 3 -> StaleNaN.VALUE;
                    case 4, 5, 6 -> v; // repeats: ties in the window
                    default -> r.nextInt(-50, 50) / 4.0;
                };
                app.append(0, l, t, v);
                if (StaleNaN.isStale(v)) {
                    v = 1;
                }
                t += r.nextInt(25) == 0 ? 300 * SEC : r.nextLong(1, 40) * SEC;
            }
        }
        app.commit();
        return storage;
    }

    /** The sliding-window max/min (a monotonic deque) equals the scan of every window, bit for bit. */
    @ParameterizedTest
    @ValueSource(strings = {
        "max_over_time(g[1m])", "min_over_time(g[1m])", "max_over_time(g[5m])", "min_over_time(g[20s])",
        "max_over_time(g[2m] offset 45s)", "min_over_time(g[3m] @ 700)", "max_over_time(g[1m] offset -1m)"
    })
    void slidingExtremesAreTheScansOfEveryWindow(String q) {
        for (long seed = 1; seed <= 4; seed++) {
            MemoryStorage storage = awkwardGauges(seed);
            for (long step : new long[] {1 * SEC, 7 * SEC, 15 * SEC, 60 * SEC, 400 * SEC}) {
                Matrix fast = engine.rangeQuery(storage, q, 0, 1300 * SEC, step);
                Matrix slow = engine.rangeQuery(storage, "-(-(" + q + "))", 0, 1300 * SEC, step);
                assertThat(lines(fast)).as("%s seed %d step %d", q, seed, step).isEqualTo(lines(slow)).isNotEmpty();
            }
        }
    }

    @Test
    void keepsOrDropsTheNameLikeTheFunction() {
        MemoryStorage storage = data();
        Matrix sel = engine.rangeQuery(storage, "reqs_total", 0, 1300 * SEC, 60 * SEC);
        assertThat(sel.series().get(0).metric().metricName()).isEqualTo("reqs_total");
        Matrix last = engine.rangeQuery(storage, "last_over_time(reqs_total[1m])", 0, 1300 * SEC, 60 * SEC);
        assertThat(last.series().get(0).metric().metricName()).isEqualTo("reqs_total");
        Matrix rate = engine.rangeQuery(storage, "rate(reqs_total[1m])", 0, 1300 * SEC, 60 * SEC);
        assertThat(rate.series().get(0).metric().metricName()).isEmpty();
    }

    @Test
    void seriesThatMeetWithoutTheirNameStillFailOnlyWhereTheyOverlap() {
        MemoryStorage storage = new MemoryStorage();
        Appender app = storage.appender();
        for (long t = 0; t <= 600 * SEC; t += 15 * SEC) {
            app.append(0, Labels.of("__name__", "a_total", "x", "1"), t, t);
            if (t >= 300 * SEC) {
                app.append(0, Labels.of("__name__", "b_total", "x", "1"), t, t);
            }
        }
        app.commit();
        // Before b starts the two never share a step: a result; over the whole range: the error.
        Matrix early = engine.rangeQuery(storage, "rate({__name__=~\"a_total|b_total\"}[1m])", 0, 200 * SEC,
                15 * SEC);
        assertThat(early.series()).hasSize(1);
        assertThatThrownBy(() -> engine.rangeQuery(storage, "rate({__name__=~\"a_total|b_total\"}[1m])", 0,
                600 * SEC, 15 * SEC)).isInstanceOf(QueryException.class)
                .hasMessage("vector cannot contain metrics with the same labelset");
    }

    @Test
    void sampleLimitIsCheckedPerStep() {
        MemoryStorage storage = data();
        long total = engine.rangeQuery(storage, "count_over_time(reqs_total[1m])", 0, 1300 * SEC, 60 * SEC,
                QueryOptions.DEFAULTS).stats().totalQueryableSamples();
        assertThat(total).isGreaterThan(0);
        assertThatThrownBy(() -> engine.rangeQuery(storage, "count_over_time(reqs_total[1m])", 0, 1300 * SEC,
                60 * SEC, new QueryOptions(null, null, 5L))).isInstanceOf(QueryException.class)
                .hasMessage("query processing would load too many samples into memory in query execution");
    }

    private static List<String> lines(Matrix m) {
        List<String> out = new ArrayList<>();
        for (SeriesPoints s : m.series()) {
            String l = withoutName(s.metric());
            for (int i = 0; i < s.count(); i++) {
                out.add(l + " " + s.timestamps()[i] + " " + Double.doubleToLongBits(s.values()[i]));
            }
        }
        out.sort(null);
        return out;
    }

    private static String withoutName(Labels l) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < l.size(); i++) {
            if (!l.name(i).equals("__name__")) {
                sb.append(l.name(i)).append('=').append(l.value(i)).append(',');
            }
        }
        return sb.toString();
    }
}
