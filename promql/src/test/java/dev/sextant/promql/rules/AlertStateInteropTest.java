package dev.sextant.promql.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.promql.engine.EngineOptions;
import dev.sextant.promql.engine.QueryEngine;
import dev.sextant.promql.engine.QueryOptions;
import dev.sextant.promql.value.Sample;
import dev.sextant.promql.value.Vector;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Appender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential test of the alert state machine and staleness against Prometheus: random input series
 * are evaluated by Sextant; what Sextant produced (firing alerts per minute for every combination of
 * {@code for} and {@code keep_firing_for}, and the {@code copy}, {@code ALERTS} and
 * {@code ALERTS_FOR_STATE} series) becomes the expectation of a promtool unit test, which must pass.
 */
@Tag("interop")
class AlertStateInteropTest {
    private static final long MIN = 60_000;
    private static final int STEPS = 16;
    private static final String[] FOR = {"0s", "1m", "2m", "3m"};
    private static final String[] KEEP = {"0s", "1m", "2m"};

    @Test
    void promtoolAgreesWithSextantOnRandomScenarios(@TempDir Path dir) throws Exception {
        Path promtool = InteropSupport.binary("promtool");
        StringBuilder rules = new StringBuilder("groups:\n  - name: g\n    rules:\n      - record: copy\n        expr: cond\n");
        List<String> alertNames = new ArrayList<>();
        for (String f : FOR) {
            for (String k : KEEP) {
                String name = "A_for_" + f + "_keep_" + k;
                alertNames.add(name);
                rules.append("      - alert: ").append(name).append("\n        expr: cond\n        for: ").append(f)
                        .append("\n        keep_firing_for: ").append(k).append("\n        labels: {sev: x}\n");
            }
        }
        Path rulesFile = dir.resolve("rules.yml");
        Files.writeString(rulesFile, rules);
        Random rnd = new Random(2024);
        String[] tokens = {"1", "1", "1", "2", "_", "stale"};
        StringBuilder test = new StringBuilder("rule_files: [rules.yml]\nevaluation_interval: 1m\ntests:\n");
        for (int scenario = 0; scenario < 25; scenario++) {
            Map<Labels, String> series = new TreeMap<>();
            int n = 1 + rnd.nextInt(2);
            for (int s = 0; s < n; s++) {
                StringBuilder v = new StringBuilder();
                for (int i = 0; i < STEPS; i++) {
                    v.append(i == 0 ? "" : " ").append(tokens[rnd.nextInt(tokens.length)]);
                }
                series.put(Labels.of("__name__", "cond", "inst", s == 0 ? "a" : "b"), v.toString());
            }
            test.append(scenario(rulesFile, series, alertNames));
        }
        Path testFile = dir.resolve("test.yml");
        Files.writeString(testFile, test);
        InteropSupport.Run run = InteropSupport.run(dir, promtool.toString(), "test", "rules", "test.yml");
        assertThat(run.exitCode()).as("promtool disagrees with Sextant:%n%s", run.output()).isZero();
        RuleUnitTests.Result ours = RuleUnitTests.run(List.of(testFile));
        assertThat(ours.exitCode()).as(ours.report()).isZero();
    }

    /** Evaluates one scenario with Sextant and returns it as a promtool test group expecting the same. */
    private static String scenario(Path rulesFile, Map<Labels, String> series, List<String> alertNames)
            throws Exception {
        UnitTestStorage storage = new UnitTestStorage();
        Appender app = storage.appender();
        StringBuilder out = new StringBuilder("  - interval: 1m\n    input_series:\n");
        for (Map.Entry<Labels, String> e : series.entrySet()) {
            Double[] values = SeriesNotationBridge.expandValues(e.getValue());
            for (int i = 0; i < values.length; i++) {
                if (values[i] != null) {
                    app.append(0, e.getKey(), i * MIN, values[i]);
                }
            }
            out.append("      - series: '").append(selector(e.getKey())).append("'\n        values: '")
                    .append(e.getValue()).append("'\n");
        }
        app.commit();
        QueryEngine engine = new QueryEngine(EngineOptions.DEFAULTS);
        RuleManager m = new RuleManager(engine, storage, storage, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
                Notifier.NONE, new RuleManagerOptions(Labels.EMPTY, "", 60_000, 3_600_000, 600_000, 0, false,
                QueryOptions.DEFAULTS));
        m.applyFiles(List.of(rulesFile), MIN);
        out.append("    alert_rule_test:\n");
        for (int step = 0; step < STEPS; step++) {
            m.evalAllAt(step * MIN);
            for (RuleStatus.Rule r : m.groups().get(0).rules()) {
                if (!alertNames.contains(r.name())) {
                    continue;
                }
                out.append("      - eval_time: ").append(step).append("m\n        alertname: ").append(r.name())
                        .append("\n        exp_alerts:");
                List<RuleStatus.Alert> firing = r.alerts().stream().filter(a -> a.state().equals("firing")).toList();
                out.append(firing.isEmpty() ? " []\n" : "\n");
                for (RuleStatus.Alert a : firing) {
                    out.append("          - exp_labels: {sev: x, inst: ").append(a.labels().get("inst")).append("}\n");
                }
            }
        }
        out.append("    promql_expr_test:\n");
        for (String expr : List.of("copy", "ALERTS", "ALERTS_FOR_STATE")) {
            for (int step = 0; step < STEPS; step++) {
                out.append("      - expr: ").append(expr).append("\n        eval_time: ").append(step).append("m\n")
                        .append("        exp_samples:");
                List<Sample> got = ((Vector) engine.instantQuery(storage, expr, step * MIN, QueryOptions.DEFAULTS).value())
                        .samples();
                out.append(got.isEmpty() ? " []\n" : "\n");
                for (Sample s : got) {
                    out.append("          - labels: '").append(selector(s.metric())).append("'\n            value: ")
                            .append(s.v()).append('\n');
                }
            }
        }
        return out.toString();
    }

    /** {@code name{a="b", ...}} as promtool's series syntax wants it. */
    private static String selector(Labels l) {
        String name = l.get("__name__");
        String rest = l.toBuilder().delete("__name__").build().toString();
        return name + rest;
    }
}
