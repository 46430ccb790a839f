package dev.sextant.scrape.exposition;

import static dev.sextant.scrape.exposition.ParserTestSupport.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.tsdb.model.StaleNaN;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextParserTest {
    @Test
    void fullExposition() throws Exception {
        String in = """
                # HELP http_requests_total The total number of HTTP requests.\\nSecond \\\\ line
                # TYPE http_requests_total counter
                http_requests_total{method="post",code="200"} 1027 1395066363000
                http_requests_total{method="post",code="400"}    3   1395066363000

                # A comment
                msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9
                metric_without_timestamp_and_labels 12.47
                something_weird{problem="division by zero"} +Inf -3982045
                \t  leading_ws{a="b",} NaN
                # TYPE rpc_duration_seconds summary
                rpc_duration_seconds{quantile="0.01"} 3102
                rpc_duration_seconds{quantile="1"} 76656
                rpc_duration_seconds_sum 1.7560473e+07
                # TYPE h histogram
                h_bucket{le="1"} 1
                h_bucket{le="100000"} 2
                h_bucket{le="1000000"} 2
                h_bucket{le="+Inf"} 3
                hx_bucket{le="1"} 1
                not_h{le="1"} 1
                {"my.dotted", "a.b"="x"} -Inf
                empty_value{a=""} 0
                """;
        assertThat(parse(new TextParser(), in)).containsExactly(
                "HELP http_requests_total The total number of HTTP requests.\nSecond \\ line",
                "TYPE http_requests_total counter",
                "{__name__=\"http_requests_total\", code=\"200\", method=\"post\"} 1027.0 @1395066363000",
                "{__name__=\"http_requests_total\", code=\"400\", method=\"post\"} 3.0 @1395066363000",
                "{__name__=\"msdos_file_access_time_seconds\", error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\", path=\"C:\\\\DIR\\\\FILE.TXT\"} 1.458255915E9",
                "{__name__=\"metric_without_timestamp_and_labels\"} 12.47",
                "{__name__=\"something_weird\", problem=\"division by zero\"} Infinity @-3982045",
                "{__name__=\"leading_ws\", a=\"b\"} NaN",
                "TYPE rpc_duration_seconds summary",
                "{__name__=\"rpc_duration_seconds\", quantile=\"0.01\"} 3102.0",
                "{__name__=\"rpc_duration_seconds\", quantile=\"1.0\"} 76656.0",
                "{__name__=\"rpc_duration_seconds_sum\"} 1.7560473E7",
                "TYPE h histogram",
                "{__name__=\"h_bucket\", le=\"1.0\"} 1.0",
                "{__name__=\"h_bucket\", le=\"100000.0\"} 2.0",
                "{__name__=\"h_bucket\", le=\"1e+06\"} 2.0",
                "{__name__=\"h_bucket\", le=\"+Inf\"} 3.0",
                "{__name__=\"hx_bucket\", le=\"1\"} 1.0",
                "{__name__=\"not_h\", le=\"1\"} 1.0",
                "{__name__=\"my.dotted\", a.b=\"x\"} -Infinity",
                "{__name__=\"empty_value\"} 0.0");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a 1\\nb{x=\"1\" 2 | line 2: expected ',' or '}'",
        "a 1\\nb 2\\nc | line 3: expected value after metric",
        "a abc | line 1: invalid value \"abc\"",
        "a 1 2 3 | line 1: unexpected text after timestamp",
        "a 1 1.5 | line 1: invalid timestamp",
        "a{x=\"unterminated} 1 | line 1: unterminated quoted string",
        "# TYPE a foo | line 1: invalid metric type",
        "a{x=1} 1 | line 1: expected quoted label value",
        "9a 1 | line 1: invalid metric name",
        "a 1d | line 1: invalid value",
        "a{} 1 | ",
    })
    void errorsCarryLineNumbers(String input, String message) {
        String in = input.replace("\\n", "\n") + "\n";
        if (message == null || message.isBlank()) {
            assertThatCode(in);
            return;
        }
        assertThatThrownBy(() -> parse(new TextParser(), in)).isInstanceOf(ParseException.class).hasMessageContaining(message.trim());
    }

    private static void assertThatCode(String in) {
        try {
            assertThat(parse(new TextParser(), in)).hasSize(1);
        } catch (ParseException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void valuesFollowGoParseFloat() throws Exception {
        assertThat(parse(new TextParser(), "a inf\nb -Infinity\nc 0x1p-2\nd 1e3\ne .5\nf -0.25\ng 12345678901234567890\n"))
                .containsExactly("{__name__=\"a\"} Infinity", "{__name__=\"b\"} -Infinity", "{__name__=\"c\"} 0.25",
                        "{__name__=\"d\"} 1000.0", "{__name__=\"e\"} 0.5", "{__name__=\"f\"} -0.25",
                        "{__name__=\"g\"} 1.2345678901234567E19");
    }

    @Test
    void fastPathIsExact() {
        String[] samples = {"0.1", "3.14159", "123456789012345", "0.000001", "99.99", "1.5"};
        for (String s : samples) {
            byte[] b = s.getBytes(StandardCharsets.US_ASCII);
            assertThat(FloatText.parse(b, 0, b.length)).as(s).isEqualTo(Double.parseDouble(s));
        }
        assertThat(StaleNaN.isStale(FloatText.parse("NaN".getBytes(StandardCharsets.US_ASCII), 0, 3))).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"1,1.0", "0.5,0.5", "1e-05,1e-05", "0.00001,1e-05", "+Inf,+Inf", "100000,100000.0", "1000000,1e+06", "2.5e+06,2.5e+06", "0.0001,0.0001", "1.0,1.0"})
    void canonicalFloatText(String in, String out) {
        assertThat(FloatText.canonical(in)).isEqualTo(out);
    }

    @Test
    void seriesIdentityIsTheExposedText() throws Exception {
        byte[] b = "a{x=\"1\"} 1\n  b 2 3\n".getBytes(StandardCharsets.UTF_8);
        TextParser p = new TextParser();
        p.reset(b, 0, b.length);
        p.next();
        assertThat(new String(b, p.seriesStart(), p.seriesEnd() - p.seriesStart(), StandardCharsets.UTF_8)).isEqualTo("a{x=\"1\"}");
        p.next();
        assertThat(new String(b, p.seriesStart(), p.seriesEnd() - p.seriesStart(), StandardCharsets.UTF_8)).isEqualTo("b");
        assertThat(p.line()).isEqualTo(2);
        assertThat(p.next()).isEqualTo(ExpositionParser.Entry.END);
        assertThat(List.of(p.value(), p.timestampMillis())).containsExactly(2.0, 3L);
    }
}
