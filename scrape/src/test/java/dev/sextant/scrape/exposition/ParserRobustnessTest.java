package dev.sextant.scrape.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property tests: generated expositions parse back to exactly the generated series; random
 * mutations of valid input either parse or fail with a {@link ParseException}, never with any other
 * exception (a malformed target must fail its scrape, not the server).
 */
class ParserRobustnessTest {
    static final String SEED_TEXT = """
            # HELP m_total A counter.\\nline two
            # TYPE m_total counter
            m_total{a="x",b="y\\"q\\\\"} 1 1700000000000
            # TYPE h histogram
            h_bucket{le="0.5"} 1
            h_bucket{le="+Inf"} 2
            h_sum 3.5
            h_count 2
            {"utf8.name", "k.v"="z"} -Inf
            g NaN
            """;
    static final String SEED_OM = """
            # TYPE c counter
            # UNIT c seconds
            # HELP c Help \\"x\\"
            c_total{a="b"} 1 1700000000.5 # {t="1"} 2 1700000000.1
            c_created 1700000000
            # TYPE s stateset
            s{s="on"} 1
            # EOF
            """;

    @Test
    void mutatedInputNeverThrowsAnythingButParseException() {
        Random r = new Random(42);
        LabelsBuilder lb = new LabelsBuilder();
        byte[] alphabet = "{}=\",# \\\n\tabc_:.0123456789eE+-InfNa".getBytes(StandardCharsets.US_ASCII);
        for (String seed : new String[] {SEED_TEXT, SEED_OM}) {
            byte[] base = seed.getBytes(StandardCharsets.UTF_8);
            for (int iter = 0; iter < 20_000; iter++) {
                byte[] b = base.clone();
                int len = b.length;
                int edits = 1 + r.nextInt(4);
                for (int k = 0; k < edits; k++) {
                    int pos = r.nextInt(len);
                    switch (r.nextInt(3)) {
                        case 0 -> b[pos] = alphabet[r.nextInt(alphabet.length)];
                        case 1 -> b[pos] = (byte) r.nextInt(256);
                        default -> len = pos; // truncate
                    }
                    if (len == 0) {
                        break;
                    }
                }
                ExpositionParser p = seed == SEED_OM ? new OpenMetricsParser() : new TextParser();
                try {
                    p.reset(b, 0, len);
                    ExpositionParser.Entry e;
                    while ((e = p.next()) != ExpositionParser.Entry.END) {
                        if (e == ExpositionParser.Entry.SAMPLE) {
                            lb.reset();
                            p.labels(lb);
                            lb.build();
                            p.exemplarLabels(lb);
                        }
                    }
                } catch (ParseException expected) {
                    assertThat(expected.line()).isPositive();
                } catch (RuntimeException bug) {
                    throw new AssertionError("parser crashed on: " + new String(b, 0, len, StandardCharsets.UTF_8), bug);
                }
            }
        }
    }

    @Test
    void generatedExpositionsRoundTrip() throws Exception {
        Random r = new Random(7);
        for (int iter = 0; iter < 300; iter++) {
            boolean om = r.nextBoolean();
            StringBuilder sb = new StringBuilder();
            List<Labels> expected = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            int n = 1 + r.nextInt(20);
            for (int i = 0; i < n; i++) {
                String name = "metric_" + r.nextInt(1000) + (r.nextBoolean() ? ":x" : "");
                LabelsBuilder b = new LabelsBuilder().set("__name__", name);
                sb.append(name);
                int nl = r.nextInt(4);
                if (nl > 0) {
                    sb.append('{');
                    for (int j = 0; j < nl; j++) {
                        String ln = "l" + j + (char) ('a' + r.nextInt(26));
                        String lv = randomValue(r);
                        b.set(ln, lv);
                        if (j > 0) {
                            sb.append(',');
                        }
                        sb.append(ln).append("=\"").append(lv.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
                    }
                    sb.append('}');
                }
                double v = r.nextInt(3) == 0 ? r.nextGaussian() * 1e6 : r.nextInt(100000) / 100.0;
                sb.append(' ').append(v).append('\n');
                expected.add(b.build());
                values.add(v);
            }
            if (om) {
                sb.append("# EOF\n");
            }
            byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
            ExpositionParser p = om ? new OpenMetricsParser() : new TextParser();
            p.reset(bytes, 0, bytes.length);
            LabelsBuilder lb = new LabelsBuilder();
            for (int i = 0; i < n; i++) {
                assertThat(p.next()).isEqualTo(ExpositionParser.Entry.SAMPLE);
                lb.reset();
                p.labels(lb);
                assertThat(lb.build()).isEqualTo(expected.get(i));
                assertThat(p.value()).isEqualTo(values.get(i));
            }
            assertThat(p.next()).isEqualTo(ExpositionParser.Entry.END);
        }
    }

    private static String randomValue(Random r) {
        String[] parts = {"a", "Z", "é", "日本", " ", "\\", "\"", "\n", "{", "}", ",", "=", "#", "0.5", "/path"};
        StringBuilder sb = new StringBuilder();
        int n = 1 + r.nextInt(5);
        for (int i = 0; i < n; i++) {
            sb.append(parts[r.nextInt(parts.length)]);
        }
        return sb.toString();
    }
}
