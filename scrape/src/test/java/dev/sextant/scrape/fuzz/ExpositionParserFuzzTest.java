package dev.sextant.scrape.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sextant.scrape.exposition.ExpositionParser;
import dev.sextant.scrape.exposition.OpenMetricsParser;
import dev.sextant.scrape.exposition.ParseException;
import dev.sextant.scrape.exposition.TextParser;
import dev.sextant.tsdb.model.LabelsBuilder;

/**
 * Any bytes given to either exposition parser yield entries or a {@link ParseException}: never
 * another exception or a hang. The seed corpus runs under plain Surefire; {@code JAZZER_FUZZ=1}
 * fuzzes.
 */
class ExpositionParserFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void text(byte[] input) {
        drain(new TextParser(), input);
    }

    @FuzzTest(maxDuration = "30s")
    void openMetrics(byte[] input) {
        drain(new OpenMetricsParser(), input);
    }

    private static void drain(ExpositionParser p, byte[] input) {
        if (input == null) {
            return; // Jazzer's empty input
        }
        p.reset(input, 0, input.length);
        LabelsBuilder b = new LabelsBuilder();
        try {
            for (int i = 0; i < 1_000_000; i++) {
                ExpositionParser.Entry e = p.next();
                if (e == ExpositionParser.Entry.END) {
                    return;
                }
                if (e == ExpositionParser.Entry.SAMPLE) {
                    b.reset();
                    p.labels(b);
                    b.build();
                    if (p.hasExemplar()) {
                        b.reset();
                        p.exemplarLabels(b);
                    }
                }
            }
            throw new AssertionError("parser did not reach the end of a " + input.length + "-byte input");
        } catch (ParseException expected) {
            // the documented error
        }
    }
}
