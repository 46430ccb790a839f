package dev.sextant.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.promql.value.Matrix;
import dev.sextant.promql.value.Vector;
import dev.sextant.tsdb.memory.MemoryStorage;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Appender;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Per-query options, limits and annotations of {@link QueryEngine}. */
class QueryOptionsTest {
    private static final long MIN = 60_000;
    private final MemoryStorage storage = new MemoryStorage();
    private final QueryEngine engine = new QueryEngine(EngineOptions.DEFAULTS);

    @BeforeEach
    void load() {
        Appender app = storage.appender();
        for (int i = 0; i < 20; i++) {
            Labels l = Labels.of("__name__", "reqs_total", "instance", "i" + i);
            for (long t = 0; t <= 10 * MIN; t += MIN) {
                app.append(0, l, t, t / 1000.0 * (i + 1));
            }
        }
        app.commit();
    }

    @Test
    void timeoutFailsWithPrometheusText() {
        QueryOptions opts = new QueryOptions(null, Duration.ofNanos(1), null);
        assertThatThrownBy(() -> engine.rangeQuery(storage, "sum(rate(reqs_total[5m]))", 0, 10 * MIN, 1000, opts))
                .isInstanceOfSatisfying(QueryException.class,
                        e -> assertThat(e.kind()).isEqualTo(QueryException.Kind.TIMEOUT))
                .hasMessage("query timed out in expression evaluation");
    }

    @Test
    void budgetStopsEvaluationWithoutAnErrorAndAGenerousOneChangesNothing() throws Exception {
        QueryOptions tiny = QueryOptions.DEFAULTS.withBudget(Duration.ofNanos(1));
        Thread.sleep(1); // the budget is counted from the query's start; any check after 1 ns stops it
        assertThatThrownBy(() -> engine.rangeQuery(storage, "sum(rate(reqs_total[5m]))", 0, 10 * MIN, 1000, tiny))
                .isInstanceOf(OverBudgetException.class);
        assertThatThrownBy(() -> engine.instantQuery(storage, "reqs_total", 10 * MIN, tiny))
                .isInstanceOf(OverBudgetException.class);
        assertThatThrownBy(() -> engine.rangeQuery(storage, "max_over_time(reqs_total[3m])", 0, 10 * MIN, MIN, tiny))
                .isInstanceOf(OverBudgetException.class);
        QueryOptions generous = QueryOptions.DEFAULTS.withBudget(Duration.ofMinutes(5));
        for (String q : new String[] {"sum(rate(reqs_total[5m]))", "max_over_time(reqs_total[3m])", "reqs_total"}) {
            Matrix a = (Matrix) engine.rangeQuery(storage, q, 0, 10 * MIN, MIN, generous).value();
            Matrix b = (Matrix) engine.rangeQuery(storage, q, 0, 10 * MIN, MIN, QueryOptions.DEFAULTS).value();
            assertThat(a.series()).hasSameSizeAs(b.series()).isNotEmpty();
            for (int i = 0; i < a.series().size(); i++) {
                assertThat(a.series().get(i).metric()).isEqualTo(b.series().get(i).metric());
                assertThat(java.util.Arrays.copyOf(a.series().get(i).values(), a.series().get(i).count()))
                        .containsExactly(java.util.Arrays.copyOf(b.series().get(i).values(), b.series().get(i).count()));
            }
        }
        // The options keep their other settings.
        QueryOptions o = new QueryOptions(Duration.ofMinutes(1), Duration.ofSeconds(9), 7L, true).withBudget(Duration.ofMillis(3));
        assertThat(o).isEqualTo(new QueryOptions(Duration.ofMinutes(1), Duration.ofSeconds(9), 7L, true, Duration.ofMillis(3)));
        assertThat(new QueryOptions(null, null, null).budget()).isNull();
    }

    @Test
    void maxSamplesFailsWithPrometheusText() {
        QueryOptions opts = new QueryOptions(null, null, 10L);
        assertThatThrownBy(() -> engine.instantQuery(storage, "reqs_total", 10 * MIN, opts))
                .isInstanceOfSatisfying(QueryException.class,
                        e -> assertThat(e.kind()).isEqualTo(QueryException.Kind.EXECUTION))
                .hasMessage("query processing would load too many samples into memory in query execution");
        QueryResult ok = engine.instantQuery(storage, "reqs_total", 10 * MIN, new QueryOptions(null, null, 20L));
        assertThat(((Vector) ok.value()).samples()).hasSize(20);
    }

    @Test
    void lookbackDeltaOverride() {
        // The last sample is at 10m; at 12m it is visible with the default 5m lookback but not with 1m.
        assertThat(((Vector) engine.instantQuery(storage, "reqs_total", 12 * MIN, QueryOptions.DEFAULTS).value())
                .samples()).hasSize(20);
        QueryOptions shortLookback = new QueryOptions(Duration.ofMinutes(1), null, null);
        assertThat(((Vector) engine.instantQuery(storage, "reqs_total", 12 * MIN, shortLookback).value()).samples())
                .isEmpty();
    }

    @Test
    void annotationsAreReturnedWithPositions() {
        QueryResult r = engine.instantQuery(storage, "quantile(2, reqs_total)", 10 * MIN, QueryOptions.DEFAULTS);
        assertThat(r.warnings()).containsExactly(
                "PromQL warning: quantile value should be between 0 and 1, got 2 (1:10)");
        QueryResult info = engine.instantQuery(storage, "rate(foo_gauge[5m])", 10 * MIN, QueryOptions.DEFAULTS);
        assertThat(info.infos()).isEmpty();
    }

    @Test
    void rangeQueryComputesRatePerStep() {
        Matrix m = (Matrix) engine.rangeQuery(storage, "rate(reqs_total{instance=\"i0\"}[5m])", 5 * MIN, 10 * MIN,
                MIN, QueryOptions.DEFAULTS).value();
        assertThat(m.series()).hasSize(1);
        assertThat(m.series().get(0).count()).isEqualTo(6);
        assertThat(m.series().get(0).values()[0]).isEqualTo(1.0);
        assertThat(m.series().get(0).metric()).isEqualTo(Labels.of("instance", "i0"));
    }

    @Test
    void duplicateLabelsetsAfterNameDroppingFail() {
        Appender app = storage.appender();
        app.append(0, Labels.of("__name__", "other_total", "instance", "i0"), 10 * MIN, 1);
        app.commit();
        assertThatThrownBy(() -> engine.instantQuery(storage, "{instance=\"i0\"} * 2", 10 * MIN))
                .isInstanceOf(QueryException.class)
                .hasMessage("vector cannot contain metrics with the same labelset");
    }

    @Test
    void interruptedThreadCancelsTheQuery() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> engine.instantQuery(storage, "sum(reqs_total)", 10 * MIN))
                    .isInstanceOfSatisfying(QueryException.class,
                            e -> assertThat(e.kind()).isEqualTo(QueryException.Kind.CANCELED));
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void subqueryResultsAreTheSameForInstantAndRangeEvaluation() {
        String q = "max_over_time(rate(reqs_total{instance=\"i1\"}[2m])[5m:1m])";
        Matrix m = (Matrix) engine.rangeQuery(storage, q, 6 * MIN, 10 * MIN, MIN, QueryOptions.DEFAULTS).value();
        for (int i = 0; i < m.series().get(0).count(); i++) {
            long t = m.series().get(0).timestamps()[i];
            Vector v = (Vector) engine.instantQuery(storage, q, t);
            assertThat(v.samples().get(0).v()).isEqualTo(m.series().get(0).values()[i]);
        }
    }
}
