package dev.sextant.promql.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.promql.ast.NumberLiteral;
import dev.sextant.promql.ast.StringLiteral;
import dev.sextant.promql.ast.VectorSelector;
import dev.sextant.tsdb.model.Matcher;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueryParserTest {
    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = ';', value = {
        "1;1.0",
        "-1.5;-1.5",
        "+2;2.0",
        "0x1F;31.0",
        "1e3;1000.0",
        "1_000;1000.0",
        ".5;0.5",
        "Inf;Infinity",
        "-inf;-Infinity",
    })
    void numbers(String query, double expected) {
        assertThat(QueryParser.parse(query)).isEqualTo(new NumberLiteral(expected));
    }

    @Test
    void nanLiteral() {
        assertThat(((NumberLiteral) QueryParser.parse("NaN")).value()).isNaN();
    }

    @Test
    void stringsWithGoEscapesAndRawStrings() {
        assertThat(QueryParser.parse("\"a\\tb\\u00e9\\x41\\101\"")).isEqualTo(new StringLiteral("a\tbéAA"));
        assertThat(QueryParser.parse("'it\\'s'")).isEqualTo(new StringLiteral("it's"));
        assertThat(QueryParser.parse("`raw\\n`")).isEqualTo(new StringLiteral("raw\\n"));
    }

    @Test
    void selectorsWithAllMatcherTypes() {
        VectorSelector v = (VectorSelector) QueryParser.parse(
                "http_requests_total{job=\"api\", code!=\"500\", path=~\"/a.*\", method!~\"GET|HEAD\",}");
        assertThat(v.name()).isEqualTo("http_requests_total");
        assertThat(v.matchers()).containsExactly(
                Matcher.equal("__name__", "http_requests_total"),
                Matcher.equal("job", "api"),
                Matcher.notEqual("code", "500"),
                Matcher.regex("path", "/a.*"),
                Matcher.notRegex("method", "GET|HEAD"));
    }

    @Test
    void quotedUtf8NamesAndRecordingRuleNames() {
        VectorSelector v = (VectorSelector) QueryParser.parse("{\"my.metric\", \"a.b\"=\"c\"}");
        assertThat(v.name()).isEqualTo("my.metric");
        assertThat(v.matchers()).containsExactly(Matcher.equal("__name__", "my.metric"), Matcher.equal("a.b", "c"));
        VectorSelector r = (VectorSelector) QueryParser.parse("job:up:sum # a comment");
        assertThat(r.matchers()).containsExactly(Matcher.equal("__name__", "job:up:sum"));
    }

    @Test
    void selectorWithoutNameNeedsANonEmptyMatcher() {
        assertThat(((VectorSelector) QueryParser.parse("{job=\"a\"}")).matchers()).hasSize(1);
        assertThatThrownBy(() -> QueryParser.parse("{job=~\".*\"}"))
                .isInstanceOf(ParseException.class)
                .hasMessage("1:1: parse error: vector selector must contain at least one non-empty matcher");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = ';', value = {
        "'up{';1:4: parse error: unexpected end of input inside braces",
        "'up{job=';1:8: parse error: unexpected end of input inside braces",
        "'up{job==\"a\"}';1:8: parse error: unexpected \"=\" in label matching, expected string",
        "'up{job<>\"a\"}';1:7: parse error: unexpected character inside braces: '<'",
        "'# just a comment\n\n';1:1: parse error: no expression found in input",
        "'foo @ bar';1:7: parse error: unexpected identifier \"bar\" in @, expected timestamp",
        "'foo @ bar()';1:7: parse error: unexpected identifier \"bar\" in @, expected timestamp",
        "'foo offset x';1:12: parse error: unexpected identifier \"x\" in offset, expected number, duration, step(), or range()",
        "'sum by (a b)(x)';1:11: parse error: unexpected identifier \"b\" in grouping opts, expected \",\" or \")\"",
        "'foo{a=\"b\" # c\n}';1:11: parse error: unexpected character inside braces: '#'",
        "'up{job=\"a\"} $';1:13: parse error: unexpected character: '$'",
        "'up{job=~\"(\"}';1:9: parse error: invalid regular expression \"(\": missing closing )",
        "'\"\\q\"';1:1: parse error: unknown escape sequence U+0071 'q'",
        "'';1:1: parse error: no expression found in input",
        "'up}';1:3: parse error: unexpected character: '}'",
    })
    void invalidQueriesCarryPositionAndReason(String query, String message) {
        assertThatThrownBy(() -> QueryParser.parse(query)).isInstanceOf(ParseException.class).hasMessage(message);
    }

    @Test
    void parseExceptionExposesPosition() {
        ParseException e = (ParseException) org.assertj.core.api.Assertions.catchThrowable(() -> QueryParser.parse("up{"));
        assertThat(List.of(e.line(), e.column())).containsExactly(1, 4);
        assertThat(e.detail()).isEqualTo("unexpected end of input inside braces");
    }
}
