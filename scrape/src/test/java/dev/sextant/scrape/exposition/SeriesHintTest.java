package dev.sextant.scrape.exposition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.tsdb.model.LabelsBuilder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link ExpositionParser#expectSeries}: a hint only ever skips lexing of bytes that lex the same. */
class SeriesHintTest {
    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String series(ExpositionParser p) {
        return new String(p.buffer(), p.seriesStart(), p.seriesEnd() - p.seriesStart(), StandardCharsets.UTF_8);
    }

    @Test
    void matchingHintGivesTheSameSeriesValueAndLabels() throws Exception {
        byte[] body = bytes("# TYPE h histogram\nh_bucket{le=\"1\",a=\"x\\\"y\"} 7 123\nh_bucket{le=\"+Inf\",a=\"z\"} 9\n");
        TextParser p = new TextParser();
        p.reset(body, 0, body.length);
        p.expectSeries(bytes("h_bucket{le=\"1\",a=\"x\\\"y\"}"));
        assertThat(p.next()).isEqualTo(ExpositionParser.Entry.TYPE);
        assertThat(p.next()).isEqualTo(ExpositionParser.Entry.SAMPLE);
        assertThat(p.seriesMatchedHint()).isTrue();
        assertThat(series(p)).isEqualTo("h_bucket{le=\"1\",a=\"x\\\"y\"}");
        assertThat(p.value()).isEqualTo(7);
        assertThat(p.timestampMillis()).isEqualTo(123);
        LabelsBuilder b = new LabelsBuilder();
        p.labels(b);
        // Labels are lexed on demand, with the family's canonicalisation of le.
        assertThat(b.build().toString()).isEqualTo("{__name__=\"h_bucket\", a=\"x\\\"y\", le=\"1.0\"}");
        // The next line does not start with the (same) hint: it is lexed as usual.
        assertThat(p.next()).isEqualTo(ExpositionParser.Entry.SAMPLE);
        assertThat(p.seriesMatchedHint()).isFalse();
        assertThat(series(p)).isEqualTo("h_bucket{le=\"+Inf\",a=\"z\"}");
        assertThat(p.value()).isEqualTo(9);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # a prefix of a longer name is not the series
            m        | mx 1
            # a bare name followed (after blanks) by a label set is not the bare series
            m        | m {a="b"} 1
            # the label set continues after the hinted bytes
            m{a="b"  | m{a="b",c="d"} 1
            # a different value inside the quotes
            m{a="b"} | m{a="c"} 1
            """)
    void nonMatchingLinesAreLexed(String hint, String line) throws Exception {
        byte[] body = bytes(line + "\n");
        TextParser p = new TextParser();
        p.reset(body, 0, body.length);
        p.expectSeries(bytes(hint));
        assertThat(p.next()).isEqualTo(ExpositionParser.Entry.SAMPLE);
        assertThat(p.seriesMatchedHint()).isFalse();
        assertThat(series(p)).isEqualTo(line.substring(0, line.lastIndexOf(' ')));
    }

    @Test
    void aHintMayBeARangeOfALargerArray() throws Exception {
        byte[] keys = bytes("xxa{x=\"1\"}b{y=\"2\"}yy");
        byte[] body = bytes("a{x=\"1\"} 1\nb{y=\"2\"} 2\nb{y=\"2\"}} 3\n");
        TextParser p = new TextParser();
        p.reset(body, 0, body.length);
        p.expectSeries(keys, 2, 8);
        assertThat(p.next()).isEqualTo(ExpositionParser.Entry.SAMPLE);
        assertThat(p.seriesMatchedHint()).isTrue();
        assertThat(series(p)).isEqualTo("a{x=\"1\"}");
        p.expectSeries(keys, 10, 8);
        assertThat(p.next()).isEqualTo(ExpositionParser.Entry.SAMPLE);
        assertThat(p.seriesMatchedHint()).isTrue();
        assertThat(p.value()).isEqualTo(2.0);
        // The bytes after the range are not part of the hint: "b{y=\"2\"}}" is lexed (and fails).
        p.expectSeries(keys, 10, 8);
        assertThatThrownBy(p::next).isInstanceOf(ParseException.class).hasMessageContaining("line 3");
    }

    @Test
    void errorsAfterTheSeriesStillFail() {
        byte[] body = bytes("a{x=\"1\"} 1\na{x=\"1\"} one\n");
        TextParser p = new TextParser();
        p.reset(body, 0, body.length);
        p.expectSeries(bytes("a{x=\"1\"}"));
        assertThatThrownBy(() -> {
            p.next();
            p.next();
        }).isInstanceOf(ParseException.class).hasMessageContaining("line 2").hasMessageContaining("invalid value");
    }

    @Test
    void openMetricsStillRequiresASingleSpace() throws Exception {
        byte[] body = bytes("a{x=\"1\"}\t1\n# EOF\n");
        OpenMetricsParser p = new OpenMetricsParser();
        p.reset(body, 0, body.length);
        p.expectSeries(bytes("a{x=\"1\"}"));
        assertThatThrownBy(p::next).isInstanceOf(ParseException.class).hasMessageContaining("unexpected character");
        byte[] ok = bytes("a{x=\"1\"} 1 2.5\n# EOF\n");
        p.reset(ok, 0, ok.length);
        p.expectSeries(bytes("a{x=\"1\"}"));
        assertThat(p.next()).isEqualTo(ExpositionParser.Entry.SAMPLE);
        assertThat(p.seriesMatchedHint()).isTrue();
        assertThat(p.timestampMillis()).isEqualTo(2500);
        assertThat(p.next()).isEqualTo(ExpositionParser.Entry.END);
    }

    @Test
    void lineEndsAreFoundAcrossWordBoundaries() throws Exception {
        // Lines of every length 1..40 so that '\n' falls on each position of an 8-byte word.
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 40; i++) {
            sb.append("m").append("x".repeat(i)).append(' ').append(i).append('\n');
        }
        byte[] body = bytes(sb.toString());
        TextParser p = new TextParser();
        p.reset(body, 0, body.length);
        for (int i = 1; i <= 40; i++) {
            assertThat(p.next()).isEqualTo(ExpositionParser.Entry.SAMPLE);
            assertThat(series(p)).isEqualTo("m" + "x".repeat(i));
            assertThat(p.value()).isEqualTo(i);
        }
        assertThat(p.next()).isEqualTo(ExpositionParser.Entry.END);
    }
}
