package dev.sextant.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import dev.sextant.api.remote.prompb.Types;
import dev.sextant.bench.wire.WriteRequestEncoder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RemoteWriteLoadTest {
    private static final RemoteWriteLoad.Config CONFIG =
            new RemoteWriteLoad.Config("http://127.0.0.1:1/api/v1/write", 1000, 3, 15_000, 300, 2, 1_700_000_000_000L, 7, 1000);

    private static WriteRequest parse(RemoteWriteLoad.Workload w, int round, int batch) throws Exception {
        WriteRequestEncoder enc = new WriteRequestEncoder();
        w.encode(round, batch, enc);
        return WriteRequest.parseFrom(java.util.Arrays.copyOf(enc.buffer(), enc.length()));
    }

    @Test
    void batchesCoverTheConfiguredSeriesWithOneSampleEach() throws Exception {
        RemoteWriteLoad.Workload w = RemoteWriteLoad.prepare(CONFIG);
        assertThat(CONFIG.batchesPerRound()).isEqualTo(4);
        Set<String> seen = new HashSet<>();
        int total = 0;
        for (int b = 0; b < CONFIG.batchesPerRound(); b++) {
            WriteRequest req = parse(w, 0, b);
            assertThat(req.getTimeseriesCount()).isEqualTo(b < 3 ? 300 : 100);
            for (Types.TimeSeries ts : req.getTimeseriesList()) {
                assertThat(ts.getSamplesCount()).isEqualTo(1);
                assertThat(ts.getSamples(0).getTimestamp()).isEqualTo(1_700_000_000_000L - 2 * 15_000);
                seen.add(ts.getLabelsList().toString());
                total++;
            }
        }
        assertThat(total).isEqualTo(1000);
        assertThat(seen).hasSize(1000);
    }

    @Test
    void labelSetsAreRealisticAndSorted() throws Exception {
        RemoteWriteLoad.Workload w = RemoteWriteLoad.prepare(CONFIG);
        Set<String> names = new HashSet<>();
        for (Types.TimeSeries ts : parse(w, 0, 0).getTimeseriesList()) {
            assertThat(ts.getLabelsCount()).isBetween(8, 9);
            assertThat(ts.getLabels(0).getName()).isEqualTo("__name__");
            for (int i = 1; i < ts.getLabelsCount(); i++) {
                assertThat(ts.getLabels(i).getName()).isGreaterThan(ts.getLabels(i - 1).getName());
                assertThat(ts.getLabels(i).getValue()).isNotEmpty();
            }
            if (ts.getLabelsCount() == 9) {
                assertThat(ts.getLabels(0).getValue()).endsWith("_bucket");
            }
            names.add(ts.getLabels(0).getValue());
        }
        // 300 series cover the first target: 60 counters, 30 gauges and some histograms.
        assertThat(names.size()).isGreaterThan(90);
        assertThat(new SeriesModel(100_000, 1).labels(99_999)).hasSizeBetween(16, 18);
    }

    @Test
    void countersAndHistogramsNeverDecreaseAndTimestampsAdvance() throws Exception {
        RemoteWriteLoad.Workload w = RemoteWriteLoad.prepare(CONFIG);
        Map<String, Double> previous = new HashMap<>();
        long previousT = Long.MIN_VALUE;
        int increased = 0;
        for (int r = 0; r < CONFIG.samples(); r++) {
            for (Types.TimeSeries ts : parse(w, r, 0).getTimeseriesList()) {
                String name = ts.getLabels(0).getValue();
                String key = ts.getLabelsList().toString();
                double v = ts.getSamples(0).getValue();
                assertThat(ts.getSamples(0).getTimestamp()).isGreaterThan(previousT);
                Double before = previous.put(key, v);
                if (before != null && (name.endsWith("_total") || name.endsWith("_bucket") || name.endsWith("_count"))) {
                    assertThat(v).as(key).isGreaterThanOrEqualTo(before);
                    if (name.endsWith("_total")) {
                        assertThat(v).as(key).isGreaterThan(before);
                        increased++;
                    }
                }
            }
            previousT = w.timestamps[r];
        }
        // Batch 0 holds the first target (60 counters) and 70 series of the second (60 counters).
        assertThat(increased).isEqualTo(2 * 120);
    }

    @Test
    void gaugesKeepTwoDecimalsAndBucketsAreCumulative() {
        SeriesModel m = new SeriesModel(SeriesModel.SERIES_PER_TARGET, 3);
        for (int i = 0; i < 5; i++) {
            m.advance();
        }
        int buckets = 0;
        for (int s = 0; s < m.seriesCount(); s++) {
            if (m.kind(s) == SeriesModel.Kind.GAUGE) {
                double cents = m.value(s) * 100;
                assertThat(Math.abs(cents - Math.rint(cents))).isLessThan(1e-6);
            }
            if (m.kind(s) == SeriesModel.Kind.BUCKET && !m.labels(s)[11].equals("0.005")) {
                assertThat(m.value(s)).isGreaterThanOrEqualTo(m.value(s - 1));
                buckets++;
            }
            if (m.kind(s) == SeriesModel.Kind.HIST_COUNT) {
                assertThat(m.value(s)).isEqualTo(m.value(s - 2)); // +Inf bucket
            }
        }
        assertThat(buckets).isEqualTo(SeriesModel.HISTOGRAM_FAMILIES * (SeriesModel.BUCKETS.length - 1));
    }
}
