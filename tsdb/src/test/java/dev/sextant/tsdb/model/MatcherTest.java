package dev.sextant.tsdb.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class MatcherTest {
    @ParameterizedTest(name = "{0} {1} ''{2}'' vs ''{3}'' -> {4}")
    @CsvSource(delimiter = ';', value = {
        "EQUAL;job;api;api;true",
        "EQUAL;job;api;apix;false",
        "EQUAL;job;'';'';true",
        "NOT_EQUAL;job;api;api;false",
        "NOT_EQUAL;job;api;web;true",
        "REGEX;job;a.*;api;true",
        "REGEX;job;a.*;xapi;false",
        "REGEX;job;pi;api;false",
        "REGEX;job;api;api;true",
        "REGEX;job;a|b;b;true",
        "REGEX;job;a|b;c;false",
        "REGEX;job;.*;'';true",
        "REGEX;job;.+;'';false",
        "NOT_REGEX;job;a.*;api;false",
        "NOT_REGEX;job;a.*;web;true",
        "NOT_REGEX;job;'';'';false",
    })
    void matches(Matcher.Type type, String name, String value, String input, boolean expected) {
        assertThat(Matcher.of(type, name, value).matches(input)).isEqualTo(expected);
    }

    @Test
    void literalAlternationFastPathAgreesWithRegex() {
        Matcher fast = Matcher.regex("a", "foo|bar|");
        assertThat(fast.matches("foo")).isTrue();
        assertThat(fast.matches("bar")).isTrue();
        assertThat(fast.matches("")).isTrue();
        assertThat(fast.matches("foobar")).isFalse();
    }

    @Test
    void dotMatchesNewlineLikePrometheus3() {
        assertThat(Matcher.regex("a", "a.c").matches("a\nc")).isTrue();
        assertThat(Matcher.notRegex("a", "a.*").matches("a\nb")).isFalse();
    }

    @Test
    void invalidRegexIsAnIllegalArgument() {
        assertThatThrownBy(() -> Matcher.regex("a", "(")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid regular expression");
    }

    @Test
    void rendersAsPromQL() {
        assertThat(Matcher.notRegex("job", "a\"b").toString()).isEqualTo("job!~\"a\\\"b\"");
    }

    @Test
    void staleNaNIsDistinguishedFromOtherNaNs() {
        assertThat(StaleNaN.isStale(StaleNaN.VALUE)).isTrue();
        assertThat(StaleNaN.isStale(Double.NaN)).isFalse();
    }
}
