package dev.sextant.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.scrape.exposition.ExpositionParser;
import dev.sextant.scrape.exposition.OpenMetricsParser;
import dev.sextant.scrape.exposition.TextParser;
import dev.sextant.scrape.loop.BenchIngest;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExpositionPayloadTest {
    private static final Set<String> DESCRIPTIONS = new LinkedHashSet<>();

    private static Set<String> series(ExpositionParser p, byte[] body) throws Exception {
        Set<String> out = new LinkedHashSet<>();
        p.reset(body, 0, body.length);
        LabelsBuilder b = new LabelsBuilder();
        for (ExpositionParser.Entry e = p.next(); e != ExpositionParser.Entry.END; e = p.next()) {
            if (e == ExpositionParser.Entry.SAMPLE) {
                b.reset();
                p.labels(b);
                Labels l = b.build();
                if (l.get("label_description") != null) {
                    DESCRIPTIONS.add(l.get("label_description"));
                }
                assertThat(out.add(l + " " + p.value())).isTrue();
            }
        }
        return out;
    }

    @Test
    void bothFormatsHoldTheSameTenThousandSeries() throws Exception {
        ExpositionPayload p = ExpositionPayload.build(10_000);
        assertThat(p.samples).isBetween(10_000, 10_100);
        Set<String> text = series(new TextParser(), p.text);
        Set<String> om = series(new OpenMetricsParser(), p.openMetrics);
        assertThat(text).hasSize(p.samples).isEqualTo(om);
        assertThat(DESCRIPTIONS).contains("says \"hello\" to C:\\temp\\7\nsecond line");
        assertThat(text).anyMatch(s -> s.contains("__name__=\"apiserver_request_duration_seconds_bucket\"") && s.contains("le=\"+Inf\""));
        assertThat(text).anyMatch(s -> s.endsWith(" NaN"));
        assertThat(text).anyMatch(s -> s.endsWith(" Infinity"));
    }

    @Test
    void steadyStateScrapeAddsNothingAndAppendsEverySample() {
        ExpositionPayload p = ExpositionPayload.build(10_000);
        ExpositionParseBench.CountingAppender app = new ExpositionParseBench.CountingAppender();
        for (ExpositionParser parser : new ExpositionParser[] {new TextParser(), new OpenMetricsParser()}) {
            byte[] body = parser instanceof TextParser ? p.text : p.openMetrics;
            BenchIngest in = new BenchIngest(Labels.of("instance", "h:1", "job", "j"));
            assertThat(in.ingest(app, parser, body, 1000)).isNull();
            assertThat(in.added()).isEqualTo(p.samples);
            assertThat(in.ingest(app, parser, body, 16_000)).isNull();
            assertThat(in.added()).isZero();
            assertThat(in.appended()).isEqualTo(p.samples);
        }
    }
}
