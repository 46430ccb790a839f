package dev.sextant.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.scrape.exposition.ExpositionParser;
import dev.sextant.scrape.exposition.OpenMetricsParser;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpenMetricsFileTest {
    @Test
    void fileParsesAsOpenMetricsWithEverySeriesInTimeOrderAndFamiliesNotInterleaved() throws Exception {
        int series = 500;
        int samples = 10;
        long end = 1_700_000_100_000L;
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        OpenMetricsFile.Written w = OpenMetricsFile.write(bos, series, samples, 15_000, end, 1);
        byte[] buf = bos.toByteArray();
        assertThat(w.samples()).isEqualTo((long) series * samples);
        assertThat(w.bytes()).isEqualTo(buf.length);
        assertThat(new String(buf, StandardCharsets.UTF_8)).endsWith("\n# EOF\n");

        OpenMetricsParser p = new OpenMetricsParser();
        p.reset(buf, 0, buf.length);
        Map<Labels, List<long[]>> bySeries = new LinkedHashMap<>();
        Map<Labels, List<Double>> values = new LinkedHashMap<>();
        Set<String> familiesSeen = new HashSet<>();
        String family = null;
        LabelsBuilder b = new LabelsBuilder();
        for (ExpositionParser.Entry e = p.next(); e != ExpositionParser.Entry.END; e = p.next()) {
            if (e == ExpositionParser.Entry.TYPE) {
                family = p.familyName();
                assertThat(familiesSeen.add(family)).as("family %s typed twice (interleaved)", family).isTrue();
            } else if (e == ExpositionParser.Entry.SAMPLE) {
                b.reset();
                p.labels(b);
                Labels l = b.build();
                assertThat(l.metricName()).startsWith(family);
                assertThat(l.size()).isIn(8, 9);
                assertThat(p.hasTimestamp()).isTrue();
                bySeries.computeIfAbsent(l, k -> new ArrayList<>()).add(new long[] {p.timestampMillis()});
                values.computeIfAbsent(l, k -> new ArrayList<>()).add(p.value());
            }
        }
        assertThat(familiesSeen).hasSize(SeriesModel.FAMILIES);
        assertThat(bySeries).hasSize(series);
        for (Map.Entry<Labels, List<long[]>> e : bySeries.entrySet()) {
            List<long[]> ts = e.getValue();
            assertThat(ts).hasSize(samples);
            for (int i = 0; i < samples; i++) {
                assertThat(ts.get(i)[0]).isEqualTo(end - (samples - 1 - i) * 15_000L);
            }
        }
        // Values are the model's, step by step.
        SeriesModel m = new SeriesModel(series, 1);
        LabelsBuilder mb = new LabelsBuilder();
        List<Labels> modelLabels = new ArrayList<>();
        for (int s = 0; s < series; s++) {
            mb.reset();
            String[] l = m.labels(s);
            for (int i = 0; i < l.length; i += 2) {
                // The parser canonicalises le ("1" is stored as "1.0"), as Prometheus does.
                boolean intLe = l[i].equals("le") && !l[i + 1].contains(".") && !l[i + 1].equals("+Inf");
                mb.set(l[i], intLe ? l[i + 1] + ".0" : l[i + 1]);
            }
            modelLabels.add(mb.build());
        }
        for (int step = 0; step < samples; step++) {
            if (step > 0) {
                m.advance();
            }
            for (int s = 0; s < series; s++) {
                assertThat(values.get(modelLabels.get(s)).get(step)).as("series %d step %d", s, step).isEqualTo(m.value(s));
            }
        }
    }

    @Test
    void numbersAreFormattedExactly() {
        byte[] b = new byte[64];
        assertThat(new String(b, 0, OpenMetricsFile.formatSeconds(1_700_000_000_015L, b), StandardCharsets.US_ASCII))
                .isEqualTo("1700000000.015");
        assertThat(new String(b, 0, OpenMetricsFile.formatValue(12345, b), StandardCharsets.US_ASCII)).isEqualTo("12345");
        assertThat(new String(b, 0, OpenMetricsFile.formatValue(1234.56, b), StandardCharsets.US_ASCII)).isEqualTo("1234.56");
    }
}
