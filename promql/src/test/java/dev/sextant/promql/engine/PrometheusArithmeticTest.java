package dev.sextant.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.promql.value.Vector;
import dev.sextant.tsdb.memory.MemoryStorage;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Appender;
import org.junit.jupiter.api.Test;

/**
 * Results must equal Prometheus's to the last bit where Prometheus's arithmetic is defined by its
 * operation order, not only within the promqltest tolerance (1e-6): the bench compares Sextant's
 * answers with Prometheus's over 100k series, where ulp-level differences show up on real data.
 */
class PrometheusArithmeticTest {
    private final QueryEngine engine = new QueryEngine(EngineOptions.DEFAULTS);

    /**
     * A counter from the bench data set (20 samples at 15 s, 87613 to 87706) under rate(x[5m])
     * at its last sample: Prometheus computes delta * (((285 + 15 + 0) / 285) / 300) =
     * 0.32631578947368417; (delta * factor) / 300 gives 0.3263157894736842.
     */
    @Test
    void rateDividesTheFactorByTheRangeBeforeMultiplying() {
        MemoryStorage storage = new MemoryStorage();
        Appender app = storage.appender();
        Labels l = Labels.of("__name__", "c_total");
        long t0 = 1_000_000_000L;
        for (int i = 0; i < 20; i++) {
            double v = i == 19 ? 87706 : 87613 + i * 4;
            app.append(0, l, t0 + i * 15_000L, v);
        }
        app.commit();
        double factor = (285.0 + 15.0 + 0.0) / 285.0;
        double expected = 93.0 * (factor / 300.0);
        assertThat(expected).as("the two operation orders must differ for this test to mean anything")
                .isNotEqualTo(93.0 * factor / 300.0);
        assertThat(expected).isEqualTo(0.32631578947368417);

        Vector v = (Vector) engine.instantQuery(storage, "rate(c_total[5m])", t0 + 19 * 15_000L);
        assertThat(v.samples()).hasSize(1);
        assertThat(v.samples().get(0).v()).isEqualTo(expected);

        Vector inc = (Vector) engine.instantQuery(storage, "increase(c_total[5m])", t0 + 19 * 15_000L);
        assertThat(inc.samples().get(0).v()).isEqualTo(93.0 * factor);
    }

    /**
     * sum() is compensated (as in Prometheus since 2.53, pull request 14074): the gauges of one
     * namespace of the bench data give the correctly rounded 166929.52, where Prometheus 2.42's
     * plain left-to-right addition gives 166929.51999999993.
     */
    @Test
    void sumIsCompensated() {
        MemoryStorage storage = new MemoryStorage();
        Appender app = storage.appender();
        double[] values = {0.1, 0.2, 0.3, 1e16, 1.0, -1e16};
        for (int i = 0; i < values.length; i++) {
            app.append(0, Labels.of("__name__", "g", "i", Integer.toString(i)), 1000, values[i]);
        }
        app.commit();
        double naive = 0;
        for (double d : values) {
            naive += d;
        }
        Vector v = (Vector) engine.instantQuery(storage, "sum(g)", 1000);
        assertThat(naive).isNotEqualTo(1.6);
        assertThat(v.samples().get(0).v()).isEqualTo(1.6);
    }
}
