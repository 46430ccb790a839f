package dev.sextant.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.promql.value.Matrix;
import dev.sextant.promql.value.Sample;
import dev.sextant.promql.value.Scalar;
import dev.sextant.promql.value.StringValue;
import dev.sextant.promql.value.Vector;
import dev.sextant.tsdb.memory.MemoryStorage;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.StaleNaN;
import dev.sextant.tsdb.storage.Appender;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QueryEngineTest {
    private static final long MIN = 60_000;
    private final MemoryStorage storage = new MemoryStorage();
    private final QueryEngine engine = new QueryEngine(EngineOptions.DEFAULTS);

    @BeforeEach
    void load() {
        Appender app = storage.appender();
        Labels a = Labels.of("__name__", "up", "job", "api", "instance", "a:9090");
        Labels b = Labels.of("__name__", "up", "job", "api", "instance", "b:9090");
        Labels c = Labels.of("__name__", "up", "job", "db", "instance", "c:9090");
        for (long t = 0; t <= 10 * MIN; t += MIN) {
            app.append(0, a, t, 1);
            app.append(0, b, t, t < 5 * MIN ? 1 : 0);
        }
        app.append(0, c, 0, 1);
        app.append(0, b, 10 * MIN + 1000, StaleNaN.VALUE);
        app.commit();
    }

    @Test
    void numberAndStringLiterals() {
        assertThat(engine.instantQuery(storage, "42", 1000)).isEqualTo(new Scalar(1000, 42));
        assertThat(engine.instantQuery(storage, "\"hi\"", 1000)).isEqualTo(new StringValue(1000, "hi"));
    }

    @Test
    void selectorTakesNewestSampleWithinLookbackStampedWithEvalTime() {
        Vector v = (Vector) engine.instantQuery(storage, "up{job=\"api\"}", 4 * MIN + 30_000);
        assertThat(v.samples()).extracting(Sample::t).containsOnly(4 * MIN + 30_000);
        assertThat(values(v)).containsExactlyInAnyOrder("a:9090=1.0", "b:9090=1.0");
    }

    @Test
    void lookbackIsLeftOpenFiveMinutes() {
        // c has its only sample at t=0: visible up to t=5m-1ms... and exactly at 5m it falls out of (t-5m, t].
        assertThat(values((Vector) engine.instantQuery(storage, "up{job=\"db\"}", 5 * MIN - 1))).containsExactly("c:9090=1.0");
        assertThat(((Vector) engine.instantQuery(storage, "up{job=\"db\"}", 5 * MIN)).samples()).isEmpty();
    }

    @Test
    void staleMarkerHidesSeries() {
        assertThat(values((Vector) engine.instantQuery(storage, "up{job=\"api\"}", 10 * MIN + 2000)))
                .containsExactly("a:9090=1.0");
    }

    @Test
    void allFourMatcherTypes() {
        long t = 3 * MIN;
        assertThat(values((Vector) engine.instantQuery(storage, "up{instance=\"a:9090\"}", t))).containsExactly("a:9090=1.0");
        assertThat(values((Vector) engine.instantQuery(storage, "up{instance!=\"a:9090\"}", t)))
                .containsExactlyInAnyOrder("b:9090=1.0", "c:9090=1.0");
        assertThat(values((Vector) engine.instantQuery(storage, "up{instance=~\"[ab]:.*\"}", t)))
                .containsExactlyInAnyOrder("a:9090=1.0", "b:9090=1.0");
        assertThat(values((Vector) engine.instantQuery(storage, "up{instance!~\"[ab]:.*\"}", t))).containsExactly("c:9090=1.0");
    }

    @Test
    void rangeQueryEvaluatesEachStep() {
        Matrix m = engine.rangeQuery(storage, "up{instance=\"b:9090\"}", 4 * MIN, 6 * MIN, MIN);
        assertThat(m.series()).hasSize(1);
        assertThat(m.series().get(0).count()).isEqualTo(3);
        assertThat(m.series().get(0).values()[0]).isEqualTo(1.0);
        assertThat(m.series().get(0).values()[2]).isEqualTo(0.0);
    }

    @Test
    void rangeQueryRejectsStringRoot() {
        assertThatThrownBy(() -> engine.rangeQuery(storage, "\"x\"", 0, 10, 1))
                .isInstanceOf(QueryException.class)
                .hasMessageContaining("invalid expression type \"string\" for range query");
    }

    private static List<String> values(Vector v) {
        return v.samples().stream().map(s -> s.metric().get("instance") + "=" + s.v()).toList();
    }
}
