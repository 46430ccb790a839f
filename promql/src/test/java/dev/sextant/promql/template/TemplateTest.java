package dev.sextant.promql.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TemplateTest {
    private static final TemplateData DATA = new TemplateData(
            Map.of("instance", "node-1.example.com:9100", "job", "node", "severity", "page"), 0.1234,
            Map.of("cluster", "eu-1"), "http://prom.example.com:9090/prefix",
            expr -> switch (expr) {
                case "up" -> List.of(new TemplateData.QuerySample(Map.of("__name__", "up", "job", "b"), 1),
                        new TemplateData.QuerySample(Map.of("__name__", "up", "job", "a"), 0));
                case "none" -> List.of();
                default -> throw new IllegalStateException("bad query");
            });

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("plain text", "plain text"),
                Arguments.of("{{ $labels.instance }}", "node-1.example.com:9100"),
                Arguments.of("{{ .Labels.job }}/{{ $labels.missing }}/", "node//"),
                Arguments.of("{{ $value }}", "0.1234"),
                Arguments.of("{{ .Value }}", "0.1234"),
                Arguments.of("{{ $externalLabels.cluster }} {{ $externalURL }}", "eu-1 http://prom.example.com:9090/prefix"),
                Arguments.of("{{ 1234567 | humanize }}", "1.235M"),
                Arguments.of("{{ humanize 1234567.0 }}", "1.235M"),
                Arguments.of("{{ humanize 0.012 }}", "12m"),
                Arguments.of("{{ humanize 0 }}", "0"),
                Arguments.of("{{ humanize 999 }}", "999"),
                Arguments.of("{{ humanize \"2048\" }}", "2.048k"),
                Arguments.of("{{ humanize1024 1048576 }}", "1Mi"),
                Arguments.of("{{ humanize1024 1536 }}", "1.5ki"),
                Arguments.of("{{ humanize1024 0.5 }}", "0.5"),
                Arguments.of("{{ humanizeDuration 90 }}", "1m 30s"),
                Arguments.of("{{ humanizeDuration 93784 }}", "1d 2h 3m 4s"),
                Arguments.of("{{ humanizeDuration 3600 }}", "1h 0m 0s"),
                Arguments.of("{{ humanizeDuration 1.5 }}", "1.5s"),
                Arguments.of("{{ humanizeDuration 0.25 }}", "250ms"),
                Arguments.of("{{ humanizeDuration 0 }}", "0s"),
                Arguments.of("{{ humanizeDuration -90 }}", "-1m 30s"),
                Arguments.of("{{ humanizePercentage 0.1234 }}", "12.34%"),
                Arguments.of("{{ $value | humanizePercentage }}", "12.34%"),
                Arguments.of("{{ humanizePercentage 1 }}", "100%"),
                Arguments.of("{{ humanizeTimestamp 1 }}", "1970-01-01 00:00:01 +0000 UTC"),
                Arguments.of("{{ humanizeTimestamp 1435065584.128 }}", "2015-06-23 13:19:44.128 +0000 UTC"),
                Arguments.of("{{ printf \"%.2f\" $value }}", "0.12"),
                Arguments.of("{{ printf \"%s=%d\" \"x\" 42 }}", "x=42"),
                Arguments.of("{{ printf \"%f\" 1.5 }}", "1.500000"),
                Arguments.of("{{ printf \"%v %v\" 1.5 \"a\" }}", "1.5 a"),
                Arguments.of("{{ printf \"%q\" \"a\\\"b\" }}", "\"a\\\"b\""),
                Arguments.of("{{ printf \"%x\" 255 }}", "ff"),
                Arguments.of("{{ printf \"%g\" 1234567.0 }}", "1.234567e+06"),
                Arguments.of("{{ printf \"%e\" 1234.5678 }}", "1.234568e+03"),
                Arguments.of("{{ printf \"%5.1f|%-4d|\" 3.14159 7 }}", "  3.1|7   |"),
                Arguments.of("{{ printf \"%d\" 1.5 }}", "%!d(float64=1.5)"),
                Arguments.of("{{ 1234567.0 }}", "1.234567e+06"),
                Arguments.of("{{ if gt $value 0.1 }}high{{ else }}low{{ end }}", "high"),
                Arguments.of("{{ if lt $value 0.1 }}low{{ else if eq $labels.job \"node\" }}node{{ else }}x{{ end }}", "node"),
                Arguments.of("{{ if and (eq $labels.job \"node\") (not false) }}yes{{ end }}", "yes"),
                Arguments.of("{{ or \"\" \"fallback\" }}", "fallback"),
                Arguments.of("{{ if ne $labels.severity \"page\" }}a{{ else }}b{{ end }}", "b"),
                Arguments.of("{{ if le 1 1 }}le{{ end }}{{ if ge 2 1 }}ge{{ end }}", "lege"),
                Arguments.of("{{ with $labels.job }}job={{ . }}{{ end }}", "job=node"),
                Arguments.of("{{ with $labels.missing }}x{{ else }}none{{ end }}", "none"),
                Arguments.of("{{ range $i, $x := query \"up\" }}{{ $i }}:{{ $x.Labels.job }}={{ $x.Value }} {{ end }}", "0:b=1 1:a=0 "),
                Arguments.of("{{ range query \"up\" | sortByLabel \"job\" }}{{ .Labels.job }}{{ end }}", "ab"),
                Arguments.of("{{ range query \"none\" }}x{{ else }}empty{{ end }}", "empty"),
                Arguments.of("{{ query \"up\" | first | value }}", "1"),
                Arguments.of("{{ with query \"up\" }}{{ . | first | label \"job\" }}{{ end }}", "b"),
                Arguments.of("{{ reReplaceAll \"(.*):(.*)\" \"$1\" $labels.instance }}", "node-1.example.com"),
                Arguments.of("{{ title \"hello wide-world\" }}", "Hello Wide-World"),
                Arguments.of("{{ toUpper \"abc\" }}{{ toLower \"DEF\" }}", "ABCdef"),
                Arguments.of("{{ if match \"^node\" $labels.instance }}m{{ end }}", "m"),
                Arguments.of("{{ if match \"example\" $labels.instance }}unanchored{{ end }}", "unanchored"),
                Arguments.of("{{ with args 1 \"b\" }}{{ .arg0 }} {{ .arg1 }}{{ end }}", "1 b"),
                Arguments.of("{{ \"<b>\" | safeHtml }}", "<b>"),
                Arguments.of("{{ stripPort $labels.instance }}", "node-1.example.com"),
                Arguments.of("{{ stripPort \"[::1]:80\" }} {{ stripPort \"host\" }}", "::1 host"),
                Arguments.of("{{ stripDomain $labels.instance }}", "node-1:9100"),
                Arguments.of("{{ stripDomain \"10.0.0.1:80\" }}", "10.0.0.1:80"),
                Arguments.of("{{ len $labels }} {{ len \"abc\" }}", "3 3"),
                Arguments.of("{{ index $labels \"job\" }}", "node"),
                Arguments.of("{{ $x := 5 }}{{ $x }}{{ $x = 6 }}{{ $x }}", "56"),
                Arguments.of("a  {{- \" b \" -}}  c", "a b c"),
                Arguments.of("{{/* a comment */}}x", "x"),
                Arguments.of("{{ `raw {{` }}", "raw {{"),
                Arguments.of("{{ (query \"up\" | first).Labels.job }}", "b"),
                Arguments.of("{{ .ExternalURL }}", "http://prom.example.com:9090/prefix"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void expands(String text, String expected) throws TemplateException {
        assertThat(Template.parse("t", text).execute(DATA)).isEqualTo(expected);
    }

    static Stream<Arguments> parseErrors() {
        return Stream.of(
                Arguments.of("{{ nosuchfunc 1 }}", "function \"nosuchfunc\" not defined"),
                Arguments.of("{{ $undefined }}", "undefined variable \"$undefined\""),
                Arguments.of("{{ if true }}x", "unexpected EOF"),
                Arguments.of("{{ end }}", "unexpected {{end}}"),
                Arguments.of("{{ define \"x\" }}{{ end }}", "unsupported action {{define}}"),
                Arguments.of("{{ template \"x\" }}", "unsupported action {{template}}"),
                Arguments.of("{{ $labels.x ", "unclosed action"),
                Arguments.of("{{ \"abc }}", "unterminated quoted string"),
                Arguments.of("{{ ) }}", "unexpected ) in command"),
                Arguments.of("line1\n{{ humanize | }}", "t:2:"),
                Arguments.of("{{ reReplaceAll \"a\" \"$1\"$labels.instance }}", "unexpected \"$labels.instance\" in operand"),
                Arguments.of("{{ $labels.}}x", "unexpected <.> in operand"),
                Arguments.of("{{ printf(\"x\") }}", "unexpected \"(\" in operand"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parseErrors")
    void rejectsAtParseTime(String text, String message) {
        assertThatThrownBy(() -> Template.parse("t", text)).isInstanceOf(TemplateException.class)
                .hasMessageContaining(message);
    }

    @Test
    void executionErrorsNameTheFunction() throws TemplateException {
        Template t = Template.parse("t", "{{ query \"broken\" }}");
        assertThatThrownBy(() -> t.execute(DATA)).hasMessageContaining("error calling query: bad query");
        Template f = Template.parse("t", "{{ query \"none\" | first }}");
        assertThatThrownBy(() -> f.execute(DATA)).hasMessageContaining("first() called on vector with no elements");
        Template h = Template.parse("t", "{{ humanize \"abc\" }}");
        assertThatThrownBy(() -> h.execute(DATA)).hasMessageContaining("error calling humanize");
    }

    @Test
    void goFloatFormatting() {
        assertThat(GoFormat.formatFloat(1e21, 'g', -1)).isEqualTo("1e+21");
        assertThat(GoFormat.formatFloat(100000, 'g', -1)).isEqualTo("100000");
        assertThat(GoFormat.formatFloat(0.0001, 'g', -1)).isEqualTo("0.0001");
        assertThat(GoFormat.formatFloat(0.00001, 'g', -1)).isEqualTo("1e-05");
        assertThat(GoFormat.formatFloat(Double.POSITIVE_INFINITY, 'g', -1)).isEqualTo("+Inf");
        assertThat(GoFormat.formatFloat(-0.001, 'f', 2)).isEqualTo("-0.00");
        assertThat(GoFormat.formatFloat(2.5, 'f', 0)).isEqualTo("2");
        assertThat(GoFormat.formatFloat(0, 'e', 2)).isEqualTo("0.00e+00");
        assertThat(GoFormat.formatFloat(123456, 'g', 4)).isEqualTo("1.235e+05");
        assertThat(GoFormat.formatFloat(100, 'g', 4)).isEqualTo("100");
        assertThat(GoFormat.formatFloat(Double.MIN_VALUE, 'g', -1)).as("shortest, unlike Java 17").isEqualTo("5e-324");
        assertThat(GoFormat.sprintf("%08.3f|%08.3f", List.of(Double.NaN, -1.5))).isEqualTo("     NaN|-001.500");
        assertThat(Humanize.duration(1e21)).as("Go's int64 overflow").isEqualTo("-106751991167300d -15h -30m -8s");
        assertThat(TemplateFunctions.humanizeTimestamp(0.1234)).isEqualTo("1970-01-01 00:00:00.123 +0000 UTC");
    }
}
