package dev.sextant.promql.template;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.promql.engine.EngineOptions;
import dev.sextant.promql.engine.QueryEngine;
import dev.sextant.promql.engine.QueryOptions;
import dev.sextant.promql.value.Sample;
import dev.sextant.promql.value.Vector;
import dev.sextant.tsdb.memory.MemoryStorage;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Appender;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential test of template output against Prometheus itself: Sextant expands each template for
 * many values, writes the results as {@code exp_annotations} of a promtool unit test, and
 * {@code promtool test rules} must pass, i.e. Go produces the very same text.
 */
@Tag("interop")
class TemplateInteropTest {
    private static final List<String> VALUES = List.of("0", "1", "-1", "1234567", "0.000123456", "1e21", "123456789012",
            "1.5", "3599.9", "262861", "0.5", "-0.001", "2.5", "1e-9", "1048576", "999.95", "NaN", "Inf", "-Inf",
            "0.1234", "1435065584.128", "-90", "5e-324", "12345.678901234");

    private static final List<String> TEMPLATES = List.of(
            "{{ $value }}",
            "{{ humanize $value }}",
            "{{ humanize1024 $value }}",
            "{{ humanizeDuration $value }}",
            "{{ humanizePercentage $value }}",
            "{{ if lt $value 99999999999.5 }}{{ humanizeTimestamp $value }}{{ end }}",
            "{{ printf \"%.2f\" $value }}",
            "{{ printf \"%e\" $value }}",
            "{{ printf \"%g\" $value }}",
            "{{ printf \"%.3g\" $value }}",
            "{{ printf \"%v|%s\" $value $labels.i }}",
            "{{ printf \"%10.3f|%-12.1e|%+.1f\" $value $value $value }}",
            "{{ printf \"%d %5d %-4d| %x %X %q\" 42 7 3 255 255 \"a\\\"b\" }}",
            "{{ printf \"%08.3f\" $value }}",
            "{{ title \"hello wide-world foo_bar x.y\" }} {{ toUpper \"MiXed\" }} {{ toLower \"MiXed\" }}",
            "{{ if gt $value 1000.0 }}big{{ else if lt $value 0.0 }}negative{{ else }}small{{ end }}",
            "{{ reReplaceAll \"([a-z]+)-([0-9]+)\" \"$2:$1\" \"abc-123 def-45\" }}",
            "{{ $labels }}",
            "{{ stripPort \"host.example.com:9100\" }} {{ stripPort \"[::1]:80\" }} {{ stripDomain \"host.example.com:9100\" }}",
            "{{ with $labels.i }}{{ . }}{{ end }} {{ len $labels }} {{ index $labels \"i\" }}",
            "{{ match \"^[0-9]+$\" $labels.i }} {{ and true 1 }} {{ or 0 \"\" }} {{ not 0 }}",
            "{{ query \"v\" | len }} {{ with query \"v{i='3'}\" }}{{ . | first | value | humanize }}{{ end }}",
            "{{ range query \"v\" | sortByLabel \"i\" }}{{ .Labels.i }}={{ .Value }},{{ end }}",
            "{{ with query \"v{i='7'}\" }}{{ . | first | label \"i\" }}{{ end }}",
            "{{ graphLink \"rate(x[5m]) > 1\" }} {{ tableLink \"up\" }} {{ \"a b&c/d\" | urlquery }}",
            "{{ parseDuration \"1h30m\" }} {{ toTime 1435065584.128 }}");

    @Test
    void sextantTemplatesExpandExactlyLikePromtool(@TempDir Path dir) throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        assertThat(Files.isExecutable(promtool)).as("promtool must be installed").isTrue();
        StringBuilder rules = new StringBuilder("groups:\n  - name: t\n    rules:\n      - alert: T\n        expr: v\n"
                + "        annotations:\n");
        for (int a = 0; a < TEMPLATES.size(); a++) {
            rules.append("          a").append(a).append(": ").append(yamlString(TEMPLATES.get(a))).append('\n');
        }
        Files.writeString(dir.resolve("rules.yml"), rules);
        Appender app = storage.appender();
        for (int i = 0; i < VALUES.size(); i++) {
            app.append(0, Labels.of("__name__", "v", "i", Integer.toString(i)), 0, parse(VALUES.get(i)));
        }
        app.commit();
        StringBuilder test = new StringBuilder("rule_files: [rules.yml]\nevaluation_interval: 1m\ntests:\n"
                + "  - interval: 1m\n    input_series:\n");
        for (int i = 0; i < VALUES.size(); i++) {
            test.append("      - series: 'v{i=\"").append(i).append("\"}'\n        values: '").append(VALUES.get(i))
                    .append("'\n");
        }
        test.append("    alert_rule_test:\n      - eval_time: 0m\n        alertname: T\n        exp_alerts:\n");
        for (int i = 0; i < VALUES.size(); i++) {
            double v = parse(VALUES.get(i));
            test.append("          - exp_labels: {i: \"").append(i).append("\"}\n            exp_annotations:\n");
            // Alert templates see the series' labels, __name__ included.
            TemplateData data = new TemplateData(new TreeMap<>(Map.of("__name__", "v", "i", Integer.toString(i))), v,
                    Map.of(), "", this::query);
            for (int a = 0; a < TEMPLATES.size(); a++) {
                String out = Template.parse("__alert_T", TEMPLATES.get(a)).execute(data);
                test.append("              a").append(a).append(": ").append(yamlString(out)).append('\n');
            }
        }
        Files.writeString(dir.resolve("test.yml"), test);
        Process p = new ProcessBuilder(promtool.toString(), "test", "rules", "test.yml").directory(dir.toFile())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool disagrees with Sextant's expansions:%n%s", output).isZero();
    }

    private final MemoryStorage storage = new MemoryStorage();
    private final QueryEngine engine = new QueryEngine(EngineOptions.DEFAULTS);

    private List<TemplateData.QuerySample> query(String expr) {
        List<TemplateData.QuerySample> out = new ArrayList<>();
        for (Sample s : ((Vector) engine.instantQuery(storage, expr, 0, QueryOptions.DEFAULTS).value()).samples()) {
            Map<String, String> m = new TreeMap<>();
            s.metric().forEach(m::put);
            out.add(new TemplateData.QuerySample(m, s.v()));
        }
        return out;
    }

    private static double parse(String s) {
        return switch (s) {
            case "NaN" -> Double.NaN;
            case "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    /** A double-quoted YAML scalar. */
    private static String yamlString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
