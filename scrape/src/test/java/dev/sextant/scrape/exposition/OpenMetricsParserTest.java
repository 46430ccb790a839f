package dev.sextant.scrape.exposition;

import static dev.sextant.scrape.exposition.ParserTestSupport.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenMetricsParserTest {
    @Test
    void fullExposition() throws Exception {
        String in = """
                # TYPE acme_http_router_request_seconds summary
                # UNIT acme_http_router_request_seconds seconds
                # HELP acme_http_router_request_seconds Latency \\"quoted\\" \\\\ x\\ny
                acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32
                acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0
                acme_http_router_request_seconds_created{path="/api/v1",method="GET"} 1605281325.0
                # TYPE foo histogram
                foo_bucket{le="0.01"} 0
                foo_bucket{le="1"} 11 # {trace_id="KOO5S4vxi0o"} 0.67 1520879607.789
                foo_bucket{le="+Inf"} 17 # {} 1
                foo_count 17 1520879607.1
                foo_sum 324789.3 1520879607
                # TYPE cnt counter
                cnt_total 5 # {a="b"} 1.5
                # TYPE s stateset
                s{s="a"} 1
                # TYPE i info
                i_info{version="1.0"} 1
                x NaN
                y +inf
                # EOF
                """;
        assertThat(parse(new OpenMetricsParser(), in)).containsExactly(
                "TYPE acme_http_router_request_seconds summary",
                "UNIT acme_http_router_request_seconds seconds",
                "HELP acme_http_router_request_seconds Latency \"quoted\" \\ x\ny",
                "{__name__=\"acme_http_router_request_seconds_sum\", method=\"GET\", path=\"/api/v1\"} 9036.32",
                "{__name__=\"acme_http_router_request_seconds_count\", method=\"GET\", path=\"/api/v1\"} 807283.0",
                "{__name__=\"acme_http_router_request_seconds_created\", method=\"GET\", path=\"/api/v1\"} 1.605281325E9",
                "TYPE foo histogram",
                "{__name__=\"foo_bucket\", le=\"0.01\"} 0.0",
                "{__name__=\"foo_bucket\", le=\"1.0\"} 11.0 # {trace_id=\"KOO5S4vxi0o\"} 0.67 @1520879607789",
                "{__name__=\"foo_bucket\", le=\"+Inf\"} 17.0 # {} 1.0",
                "{__name__=\"foo_count\"} 17.0 @1520879607100",
                "{__name__=\"foo_sum\"} 324789.3 @1520879607000",
                "TYPE cnt counter",
                "{__name__=\"cnt_total\"} 5.0 # {a=\"b\"} 1.5",
                "TYPE s stateset",
                "{__name__=\"s\", s=\"a\"} 1.0",
                "TYPE i info",
                "{__name__=\"i_info\", version=\"1.0\"} 1.0",
                "{__name__=\"x\"} NaN",
                "{__name__=\"y\"} Infinity");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a 1\\n | line 2: data does not end with # EOF",
        "a 1 | line 1: data does not end with # EOF",
        "a 1\\n\\n# EOF | line 2: unexpected blank line",
        "a 1\\n# random comment\\n# EOF | line 2: invalid comment line",
        "a  1\\n# EOF | line 1: expected value after metric",
        "a{b=\"c\", d=\"e\"} 1\\n# EOF | line 1: invalid label name",
        "a 1\\n# EOF\\nb 2 | line 3: unexpected data after # EOF",
        "# UNIT a_seconds bytes\\n# EOF | line 1: unit \"bytes\" not a suffix",
        "a 1 # {x=\"y\"}\\n# EOF | line 1: expected exemplar value",
        "a 1 1 junk\\n# EOF | line 1: unexpected text after sample",
        "a{b=\"c\",} 1\\n# EOF | line 1: trailing comma",
    })
    void errorsCarryLineNumbers(String input, String message) {
        String in = input.replace("\\n", "\n");
        assertThatThrownBy(() -> parse(new OpenMetricsParser(), in)).isInstanceOf(ParseException.class).hasMessageContaining(message.trim());
    }

    @Test
    void eofWithoutNewlineIsAccepted() throws Exception {
        assertThat(parse(new OpenMetricsParser(), "a 1\n# EOF")).containsExactly("{__name__=\"a\"} 1.0");
    }
}
