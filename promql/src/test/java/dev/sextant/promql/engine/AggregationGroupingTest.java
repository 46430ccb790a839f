package dev.sextant.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.promql.value.Matrix;
import dev.sextant.promql.value.Sample;
import dev.sextant.promql.value.Vector;
import dev.sextant.tsdb.memory.MemoryStorage;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Appender;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Instant aggregations find group keys by the grouping labels' values (a table that grows past
 * 16 groups); range queries cache keys per input label set. Both must give the same groups.
 */
class AggregationGroupingTest {
    private final QueryEngine engine = new QueryEngine(EngineOptions.DEFAULTS);

    @Test
    void manyGroupsMissingLabelsAndNestedAggregationsAgreeBetweenInstantAndRange() {
        MemoryStorage storage = new MemoryStorage();
        Appender app = storage.appender();
        Map<String, Double> expected = new TreeMap<>();
        for (int i = 0; i < 500; i++) {
            String job = "j" + (i % 70);
            String zone = "z" + (i % 3);
            Labels l = i % 50 == 0 ? Labels.of("__name__", "m", "i", Integer.toString(i), "zone", zone)
                    : Labels.of("__name__", "m", "i", Integer.toString(i), "job", job, "zone", zone);
            app.append(0, l, 60_000, i);
            String key = (i % 50 == 0 ? "" : "job=" + job + ",") + "zone=" + zone;
            expected.merge(key, (double) i, Double::sum);
        }
        app.commit();
        Vector v = (Vector) engine.instantQuery(storage, "sum by (job, zone) (m)", 60_000);
        Map<String, Double> got = new TreeMap<>();
        for (Sample s : v.samples()) {
            String job = s.metric().get("job");
            got.put((job.isEmpty() ? "" : "job=" + job + ",") + "zone=" + s.metric().get("zone"), s.v());
        }
        assertThat(got).isEqualTo(expected);

        Matrix m = engine.rangeQuery(storage, "sum by (job, zone) (m)", 60_000, 60_000, 15_000);
        assertThat(m.series()).hasSize(expected.size());

        // The inner aggregation runs while the outer one's table is in use.
        Vector nested = (Vector) engine.instantQuery(storage, "count by (zone) (sum by (job, zone) (m))", 60_000);
        assertThat(nested.samples()).hasSize(3);
        long groups = 0;
        for (Sample s : nested.samples()) {
            groups += (long) s.v();
        }
        assertThat(groups).isEqualTo(expected.size());
    }
}
