package dev.sextant.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.memory.MemoryStorage;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Appender;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sample counts and timings the engine reports with each result (the API's {@code stats}). */
class QueryStatsTest {
    private static final long MIN = 60_000;
    private final MemoryStorage storage = new MemoryStorage();
    private final QueryEngine engine = new QueryEngine(EngineOptions.DEFAULTS);

    /** 5 series, one sample a minute from 0 to 10m; a sixth series only from 6m. */
    @BeforeEach
    void load() {
        Appender app = storage.appender();
        for (int i = 0; i < 5; i++) {
            Labels l = Labels.of("__name__", "reqs_total", "instance", "i" + i);
            for (long t = 0; t <= 10 * MIN; t += MIN) {
                app.append(0, l, t, t / 1000.0);
            }
        }
        Labels late = Labels.of("__name__", "reqs_total", "instance", "late");
        for (long t = 6 * MIN; t <= 10 * MIN; t += MIN) {
            app.append(0, late, t, 1);
        }
        app.commit();
    }

    @Test
    void instantSelectorCountsOneSamplePerSeriesFound() {
        QueryStats s = engine.instantQuery(storage, "reqs_total", 10 * MIN, QueryOptions.DEFAULTS).stats();
        assertThat(s.totalQueryableSamples()).isEqualTo(6);
        assertThat(s.peakSamples()).isEqualTo(6);
        assertThat(s.totalQueryableSamplesPerStep()).isNull();
        assertThat(s.evalTotalNanos()).isPositive()
                .isGreaterThanOrEqualTo(s.queryPreparationNanos() + s.innerEvalNanos() + s.resultSortNanos());
    }

    @Test
    void rangeSelectorCountsThePointsOfEveryWindow() {
        // rate over (5m, 10m]: 5 points for each of the 6 series (the late one has 6m..10m = 5 too).
        QueryStats s = engine.instantQuery(storage, "rate(reqs_total[5m])", 10 * MIN, QueryOptions.DEFAULTS).stats();
        assertThat(s.totalQueryableSamples()).isEqualTo(30);
        assertThat(s.peakSamples()).isEqualTo(30);
    }

    @Test
    void rangeQueryWithPerStepStatsCountsEachStep() {
        QueryOptions all = new QueryOptions(null, null, null, true);
        // Steps 4m, 5m, 6m, 7m: 5 series each, plus the late series from 6m on.
        QueryResult r = engine.rangeQuery(storage, "reqs_total", 4 * MIN, 7 * MIN, MIN, all);
        QueryStats s = r.stats();
        assertThat(s.totalQueryableSamplesPerStep()).containsExactly(5, 5, 6, 6);
        assertThat(s.totalQueryableSamples()).isEqualTo(22);
        assertThat(s.peakSamples()).isEqualTo(6);
        assertThat(s.stepStartMs()).isEqualTo(4 * MIN);
        assertThat(s.stepMs()).isEqualTo(MIN);
    }

    @Test
    void perStepIsOffUnlessAskedAndLiteralsLoadNothing() {
        QueryStats s = engine.rangeQuery(storage, "reqs_total", 4 * MIN, 7 * MIN, MIN, QueryOptions.DEFAULTS).stats();
        assertThat(s.totalQueryableSamplesPerStep()).isNull();
        assertThat(s.totalQueryableSamples()).isEqualTo(22);
        QueryStats lit = engine.instantQuery(storage, "1 + 2", 0, new QueryOptions(null, null, null, true)).stats();
        assertThat(lit.totalQueryableSamples()).isZero();
        assertThat(lit.totalQueryableSamplesPerStep()).containsExactly(0);
    }
}
