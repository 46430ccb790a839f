package dev.sextant.promql.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sextant.promql.engine.EngineOptions;
import dev.sextant.promql.engine.QueryEngine;
import dev.sextant.promql.engine.QueryOptions;
import dev.sextant.promql.template.GoFormat;
import dev.sextant.promql.value.Sample;
import dev.sextant.promql.value.Scalar;
import dev.sextant.promql.value.Value;
import dev.sextant.promql.value.Vector;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Appender;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs {@code promtool test rules} files: {@code rule_files}, {@code evaluation_interval},
 * {@code group_eval_order} and {@code tests} with {@code interval}, {@code input_series},
 * {@code alert_rule_test}, {@code promql_expr_test}, {@code external_labels}, {@code external_url}.
 *
 * <p>As promtool does: input series are loaded at {@code interval} steps from time 0; every group is
 * evaluated every {@code evaluation_interval} from 0 up to the largest {@code eval_time}; an alert
 * test sees the firing alerts after the last evaluation at or before its {@code eval_time}; PromQL
 * tests query the final storage at their {@code eval_time}.
 *
 * <p>Thread-safety: stateless; each run uses its own storage.
 */
public final class RuleUnitTests {
    private RuleUnitTests() {}

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The outcome of one test file; {@code errors} are promtool-formatted blocks. */
    public record FileResult(Path file, List<String> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }

        /** {@code Unit Testing:  <file>} then {@code   SUCCESS} or {@code   FAILED:} and the errors. */
        public String report() {
            StringBuilder b = new StringBuilder("Unit Testing:  ").append(file).append('\n');
            if (ok()) {
                b.append("  SUCCESS\n");
            } else {
                b.append("  FAILED:\n");
                for (String e : errors) {
                    b.append(e).append('\n');
                }
            }
            return b.append('\n').toString();
        }
    }

    /**
     * All files' results.
     *
     * @param exitCode 0 when every file passed, 1 otherwise (promtool's exit status)
     */
    public record Result(List<FileResult> files, int exitCode) {
        public String report() {
            StringBuilder b = new StringBuilder();
            for (FileResult f : files) {
                b.append(f.report());
            }
            return b.toString();
        }
    }

    /** Runs every file; never throws for problems in the files (they become failures). */
    public static Result run(List<Path> files) {
        List<FileResult> out = new ArrayList<>();
        boolean ok = true;
        for (Path f : files) {
            FileResult r = runFile(f);
            ok &= r.ok();
            out.add(r);
        }
        return new Result(out, ok ? 0 : 1);
    }

    static FileResult runFile(Path file) {
        List<String> errors = new ArrayList<>();
        try {
            JsonNode root = YAML.readTree(file.toFile());
            if (root == null || root.isMissingNode() || root.isNull()) {
                return new FileResult(file, List.of());
            }
            List<String> patterns = new ArrayList<>();
            root.path("rule_files").forEach(n -> patterns.add(n.asText()));
            Path base = file.toAbsolutePath().getParent();
            List<Path> ruleFiles = RuleFiles.expand(patterns, base);
            long evalInterval = root.hasNonNull("evaluation_interval")
                    ? Durations.parse(root.get("evaluation_interval").asText()) : 60_000;
            List<String> order = new ArrayList<>();
            root.path("group_eval_order").forEach(n -> order.add(n.asText()));
            for (Path rf : ruleFiles) {
                RuleFileParser.Result r = RuleFileParser.parseFile(rf);
                errors.addAll(r.errors());
            }
            if (!errors.isEmpty()) {
                return new FileResult(file, errors);
            }
            for (JsonNode test : root.path("tests")) {
                List<String> errs = runTestGroup(test, ruleFiles, evalInterval, order);
                if (!errs.isEmpty()) {
                    String name = test.path("name").asText("");
                    if (!name.isEmpty()) {
                        errs.set(0, "    name: " + name + ",\n" + errs.get(0));
                    }
                    errors.addAll(errs);
                }
            }
        } catch (IOException | RuntimeException | RuleManager.RuleLoadException e) {
            errors.add("    " + e.getMessage());
        }
        return new FileResult(file, errors);
    }

    private static long duration(JsonNode n, long dflt) {
        return n == null || n.isNull() || n.isMissingNode() ? dflt : Durations.parse(n.asText());
    }

    private static Map<String, String> stringMap(JsonNode n) {
        Map<String, String> m = new TreeMap<>();
        if (n != null) {
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                m.put(e.getKey(), e.getValue().asText());
            }
        }
        return m;
    }

    private static List<String> runTestGroup(JsonNode test, List<Path> ruleFiles, long evalInterval, List<String> order)
            throws RuleManager.RuleLoadException {
        List<String> errors = new ArrayList<>();
        long interval = duration(test.get("interval"), evalInterval);
        UnitTestStorage storage = new UnitTestStorage();
        Appender app = storage.appender();
        for (JsonNode s : test.path("input_series")) {
            Labels labels = SeriesNotationBridge.parseMetric(s.path("series").asText());
            Double[] values = SeriesNotationBridge.expandValues(s.path("values").asText());
            for (int i = 0; i < values.length; i++) {
                if (values[i] != null) {
                    app.append(0, labels, i * interval, values[i]);
                }
            }
        }
        app.commit();
        Labels external = Labels.fromMap(stringMap(test.get("external_labels")));
        String externalUrl = test.path("external_url").asText("");
        RuleManagerOptions opts = new RuleManagerOptions(external, externalUrl, 60_000, 3_600_000, 600_000, 0, false,
                QueryOptions.DEFAULTS);
        QueryEngine engine = new QueryEngine(EngineOptions.DEFAULTS);
        RuleManager manager = new RuleManager(engine, storage, storage, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
                Notifier.NONE, opts);
        manager.applyFiles(ruleFiles, evalInterval);
        List<RuleGroup> groups = manager.groupsInOrder(order);

        TreeMap<Long, List<JsonNode>> alertTests = new TreeMap<>();
        long maxT = 0;
        for (JsonNode at : test.path("alert_rule_test")) {
            long t = duration(at.get("eval_time"), 0);
            alertTests.computeIfAbsent(t, k -> new ArrayList<>()).add(at);
            maxT = Math.max(maxT, t);
        }
        for (JsonNode et : test.path("promql_expr_test")) {
            maxT = Math.max(maxT, duration(et.get("eval_time"), 0));
        }
        for (long ts = 0; ts <= maxT; ts += evalInterval) {
            for (RuleGroup g : groups) {
                manager.evalGroup(g, ts);
            }
            for (List<JsonNode> due : alertTests.subMap(ts, true, ts + evalInterval, false).values()) {
                for (JsonNode at : due) {
                    String err = checkAlerts(manager, at);
                    if (err != null) {
                        errors.add(err);
                    }
                }
            }
        }
        for (JsonNode et : test.path("promql_expr_test")) {
            String err = checkExpr(engine, storage, et);
            if (err != null) {
                errors.add(err);
            }
        }
        return errors;
    }

    private record ExpAlert(Map<String, String> labels, Map<String, String> annotations) {
        String format() {
            return "              Labels:" + Labels.fromMap(labels) + "\n              Annotations:"
                    + Labels.fromMap(annotations).toString();
        }
    }

    private static String checkAlerts(RuleManager manager, JsonNode at) {
        String name = at.path("alertname").asText();
        long t = duration(at.get("eval_time"), 0);
        List<ExpAlert> exp = new ArrayList<>();
        for (JsonNode e : at.path("exp_alerts")) {
            Map<String, String> l = stringMap(e.get("exp_labels"));
            l.put("alertname", name);
            exp.add(new ExpAlert(l, stringMap(e.get("exp_annotations"))));
        }
        List<ExpAlert> got = new ArrayList<>();
        for (RuleStatus.Group g : manager.groups()) {
            for (RuleStatus.Rule r : g.rules()) {
                if (!r.type().equals("alerting") || !r.name().equals(name)) {
                    continue;
                }
                for (RuleStatus.Alert a : r.alerts()) {
                    if (a.state().equals("firing")) {
                        got.add(new ExpAlert(new TreeMap<>(a.labels()), new TreeMap<>(a.annotations())));
                    }
                }
            }
        }
        Comparator<ExpAlert> byLabels = Comparator.comparing(a -> Labels.fromMap(a.labels));
        exp.sort(byLabels);
        got.sort(byLabels);
        if (exp.equals(got)) {
            return null;
        }
        return "    alertname: " + name + ", time: " + Durations.format(t) + ", \n        exp:" + list(exp)
                + ", \n        got:" + list(got) + "\n";
    }

    private static String list(List<ExpAlert> as) {
        if (as.isEmpty()) {
            return "[]";
        }
        StringBuilder b = new StringBuilder("[\n");
        for (int i = 0; i < as.size(); i++) {
            b.append("            ").append(i).append(":\n").append(as.get(i).format()).append('\n');
        }
        return b.append("            ]").toString();
    }

    private record ExpSample(Labels labels, double value) {
        boolean same(ExpSample o) {
            return labels.equals(o.labels) && (Double.compare(value, o.value) == 0 || value == o.value);
        }

        @Override
        public String toString() {
            return labels + " " + GoFormat.formatFloat(value, 'e', -1).toUpperCase(java.util.Locale.ROOT);
        }
    }

    private static String checkExpr(QueryEngine engine, UnitTestStorage storage, JsonNode et) {
        String expr = et.path("expr").asText();
        long t = duration(et.get("eval_time"), 0);
        List<ExpSample> exp = new ArrayList<>();
        for (JsonNode s : et.path("exp_samples")) {
            String l = s.path("labels").asText("");
            Labels labels = l.isBlank() ? Labels.EMPTY : SeriesNotationBridge.parseMetric(l);
            exp.add(new ExpSample(labels, number(s.path("value"))));
        }
        List<ExpSample> got = new ArrayList<>();
        try {
            Value v = engine.instantQuery(storage, expr, t, QueryOptions.DEFAULTS).value();
            if (v instanceof Vector vec) {
                for (Sample s : vec.samples()) {
                    got.add(new ExpSample(s.metric(), s.v()));
                }
            } else if (v instanceof Scalar sc) {
                got.add(new ExpSample(Labels.EMPTY, sc.v()));
            } else {
                return "    expr: " + GoFormat.quote(expr) + ", time: " + Durations.format(t)
                        + ", err: rule result is not a vector or scalar";
            }
        } catch (RuntimeException e) {
            return "    expr: " + GoFormat.quote(expr) + ", time: " + Durations.format(t) + ", err: " + e.getMessage();
        }
        Comparator<ExpSample> byLabels = Comparator.comparing(ExpSample::labels);
        exp.sort(byLabels);
        got.sort(byLabels);
        boolean same = exp.size() == got.size();
        for (int i = 0; same && i < exp.size(); i++) {
            same = exp.get(i).same(got.get(i));
        }
        if (same) {
            return null;
        }
        return "    expr: " + GoFormat.quote(expr) + ", time: " + Durations.format(t) + ",\n        exp: " + samples(exp)
                + "\n        got: " + samples(got);
    }

    /** A YAML number, or a string such as {@code NaN}, {@code +Inf}, {@code 1e3}. */
    private static double number(JsonNode n) {
        if (n.isNumber()) {
            return n.asDouble();
        }
        String t = n.asText().trim();
        return switch (t.toLowerCase(java.util.Locale.ROOT)) {
            case "nan" -> Double.NaN;
            case "inf", "+inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(t);
        };
    }

    private static String samples(List<ExpSample> s) {
        if (s.isEmpty()) {
            return "nil";
        }
        List<String> parts = new ArrayList<>();
        for (ExpSample e : s) {
            parts.add(e.toString());
        }
        return String.join(", ", parts);
    }
}
