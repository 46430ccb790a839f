package dev.sextant.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import dev.sextant.api.remote.prompb.Types;
import dev.sextant.promql.ast.AggregateExpr;
import dev.sextant.promql.ast.Expr;
import dev.sextant.promql.ast.VectorSelector;
import dev.sextant.promql.parser.QueryParser;
import dev.sextant.tsdb.model.Matcher;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every panel query and template-variable query of the shipped dashboards, with Grafana's variables
 * substituted as Grafana does, runs against a Sextant populated with node-exporter, cAdvisor,
 * kube-state-metrics and Sextant-shaped series, without error and with a non-empty result.
 *
 * <p>The data set is derived from the dashboards themselves: for every selector, series that
 * satisfy its matchers are written, on the same small cluster (two nodes, two namespaces), so that
 * the queries' joins and groupings find each other.
 */
class DashboardQueriesTest {
    @TempDir
    static Path dir;

    static final Path DASHBOARDS = Path.of("dashboards");
    /** Grafana substitutes these before sending (scrape interval 30s, 1h panel range). */
    static final Map<String, String> GRAFANA_VARS = Map.of("$__rate_interval", "2m", "$__interval", "30s",
            "$__range", "1h", "${__range}", "1h", "$__range_s", "3600", "${__rate_interval}", "2m",
            "${__interval}", "30s");
    /** The cluster every series belongs to; template variables resolve to these values. */
    static final Map<String, String> CLUSTER = Map.of("cluster", "eks-demo", "namespace", "default",
            "node", "ip-10-0-1-1", "instance", "10.0.1.1:9100", "job", "node-exporter", "pod", "web-1",
            "container", "web", "deployment", "web");

    private static GrafanaFixture sextant;
    private static long now;

    @BeforeAll
    static void start() throws Exception {
        sextant = new GrafanaFixture(dir);
        now = System.currentTimeMillis() / 1000 * 1000;
        Map<String, Map<String, String>> series = new LinkedHashMap<>();
        for (Path d : dashboards()) {
            for (String expr : expressions(d)) {
                collect(QueryParser.parse(substitute(expr, CLUSTER)), series, new LinkedHashSet<>());
            }
        }
        WriteRequest.Builder req = WriteRequest.newBuilder();
        for (Map<String, String> labels : series.values()) {
            for (String node : new String[] {"ip-10-0-1-1", "ip-10-0-1-2"}) {
                Map<String, String> l = new TreeMap<>(labels);
                if (node.endsWith("2")) {
                    // A second node with its own instance, so count() and topk() see more than one.
                    l.replace("node", node);
                    l.replace("instance", "10.0.1.2:9100");
                    l.replace("pod", "web-2");
                }
                addSeries(req, l);
            }
        }
        sextant.write(req.build());
    }

    @AfterAll
    static void stop() {
        sextant.close();
    }

    @TestFactory
    Stream<DynamicTest> everyPanelAndVariableQueryAnswersWithData() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path d : dashboards()) {
            JsonNode dash = GrafanaFixture.JSON.readTree(d.toFile());
            Map<String, String> vars = new LinkedHashMap<>();
            for (JsonNode v : dash.path("templating").path("list")) {
                if (!v.path("type").asText().equals("query")) {
                    continue;
                }
                String name = v.path("name").asText();
                String q = v.path("query").isObject() ? v.path("query").path("query").asText() : v.path("query").asText();
                // Variables resolve in order, each from a label_values() lookup like Grafana does.
                String value = resolveVariable(substitute(q, vars));
                tests.add(DynamicTest.dynamicTest(d.getFileName() + " variable $" + name + " = " + value,
                        () -> assertThat(value).as("label_values for $" + name).isNotEmpty()));
                vars.put(name, value);
            }
            for (JsonNode panel : panels(dash)) {
                for (JsonNode target : panel.path("targets")) {
                    String expr = target.path("expr").asText();
                    if (expr.isEmpty()) {
                        continue;
                    }
                    String q = substitute(expr, vars);
                    boolean instant = target.path("instant").asBoolean(false) && !target.path("range").asBoolean(false);
                    tests.add(DynamicTest.dynamicTest(d.getFileName() + " / " + panel.path("title").asText() + " / "
                            + target.path("refId").asText(), () -> runPanelQuery(q, instant)));
                }
            }
        }
        return tests.stream();
    }

    private static void runPanelQuery(String q, boolean instant) throws Exception {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("query", q);
        long end = now / 1000 / 30 * 30;
        if (instant) {
            form.put("time", Long.toString(end));
        } else {
            form.put("start", Long.toString(end - 3600));
            form.put("end", Long.toString(end));
            form.put("step", "30");
        }
        form.put("timeout", "60s");
        JsonNode j = GrafanaFixture.json(sextant.postForm(instant ? "/api/v1/query" : "/api/v1/query_range", form));
        assertThat(j.path("status").asText()).as("%s -> %s", q, j).isEqualTo("success");
        JsonNode result = j.path("data").path("result");
        boolean nonEmpty = result.isArray() ? result.size() > 0 : !result.isMissingNode();
        assertThat(nonEmpty).as("non-empty result for %s", q).isTrue();
    }

    /** {@code label_values(selector, label)} the way Grafana runs it: label values with match[]. */
    private static String resolveVariable(String q) throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("label_values\\((.*),\\s*([a-zA-Z_]\\w*)\\s*\\)")
                .matcher(q.trim());
        if (!m.matches()) {
            return "";
        }
        JsonNode j = GrafanaFixture.json(sextant.get("/api/v1/label/" + m.group(2) + "/values?match[]="
                + GrafanaFixture.enc(m.group(1)) + "&limit=40000"));
        JsonNode data = j.path("data");
        return data.size() > 0 ? data.get(0).asText() : "";
    }

    static String substitute(String expr, Map<String, String> vars) {
        String out = expr;
        for (Map.Entry<String, String> e : GRAFANA_VARS.entrySet()) {
            out = out.replace(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, String> e : vars.entrySet()) {
            out = out.replace("${" + e.getKey() + "}", e.getValue()).replace("$" + e.getKey(), e.getValue());
        }
        return out;
    }

    /** Walks the AST (records) and records a label set for each selector that satisfies it. */
    private static void collect(Object node, Map<String, Map<String, String>> out, Set<String> grouping) throws Exception {
        if (node instanceof VectorSelector v) {
            Map<String, String> labels = new TreeMap<>(CLUSTER);
            for (String g : grouping) {
                if (!g.equals("le")) { // bucket bounds are written per series below
                    labels.putIfAbsent(g, "g-" + g);
                }
            }
            for (Matcher m : v.matchers()) {
                labels.put(m.name(), satisfying(m, labels.get(m.name())));
            }
            labels.values().removeIf(String::isEmpty);
            out.putIfAbsent(labels.toString(), labels);
            return;
        }
        if (node instanceof AggregateExpr a && !a.without()) {
            grouping = new LinkedHashSet<>(grouping);
            grouping.addAll(a.grouping());
        }
        if (node instanceof Record r) {
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                collect(c.getAccessor().invoke(r), out, grouping);
            }
        } else if (node instanceof List<?> list) {
            for (Object o : list) {
                collect(o, out, grouping);
            }
        }
    }

    /** A value for the matcher's label: the current one if it already matches, else a fitting literal. */
    static String satisfying(Matcher m, String current) {
        List<String> candidates = new ArrayList<>();
        if (current != null) {
            candidates.add(current);
        }
        if (m.type() == Matcher.Type.EQUAL) {
            return m.value();
        }
        if (m.type() == Matcher.Type.REGEX) {
            for (String alt : m.value().split("\\|")) {
                candidates.add(alt.replace(".*", "").replace(".+", "x").replace("\\", ""));
            }
        }
        candidates.add("x");
        candidates.add("1");
        for (String c : candidates) {
            if (m.matches(c)) {
                return c;
            }
        }
        return current == null ? "x" : current;
    }

    /** One hour and a bit of 30s samples; counters grow, buckets are cumulative, gauges wander. */
    private static void addSeries(WriteRequest.Builder req, Map<String, String> labels) {
        String name = labels.get("__name__");
        boolean counter = name.endsWith("_total") || name.endsWith("_count") || name.endsWith("_sum")
                || name.endsWith("_bucket");
        List<Map<String, String>> variants = new ArrayList<>();
        if (name.endsWith("_bucket") && !labels.containsKey("le")) {
            for (String le : new String[] {"0.005", "0.05", "0.5", "5", "+Inf"}) {
                Map<String, String> b = new TreeMap<>(labels);
                b.put("le", le);
                variants.add(b);
            }
        } else {
            variants.add(labels);
        }
        for (Map<String, String> l : variants) {
            Types.TimeSeries.Builder s = GrafanaFixture.series(l);
            double scale = l.containsKey("le") ? (l.get("le").equals("+Inf") ? 10 : 1 + Double.parseDouble(l.get("le"))) : 1;
            for (int i = 0; i <= 150; i++) {
                long t = now - (150 - i) * 30_000L;
                double v;
                if (name.equals("up")) {
                    // One target down, so "targets down" panels have something to show too.
                    v = "10.0.1.2:9100".equals(l.get("instance")) ? 0 : 1;
                } else if (name.startsWith("kube_") || name.endsWith("_info")
                        || name.equals("sextant_config_last_reload_successful")) {
                    v = 1;
                } else if (counter) {
                    v = scale * i * 7.5;
                } else if (name.endsWith("_boot_time_seconds")) {
                    v = now / 1000.0 - 86_400;
                } else {
                    v = 1000 + (i % 10) * 10;
                }
                s.addSamples(Types.Sample.newBuilder().setTimestamp(t).setValue(v));
            }
            req.addTimeseries(s);
        }
    }

    private static List<Path> dashboards() throws Exception {
        try (Stream<Path> s = Files.list(DASHBOARDS)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    private static List<String> expressions(Path dashboard) throws Exception {
        JsonNode dash = GrafanaFixture.JSON.readTree(dashboard.toFile());
        List<String> out = new ArrayList<>();
        for (JsonNode panel : panels(dash)) {
            for (JsonNode t : panel.path("targets")) {
                if (!t.path("expr").asText().isEmpty()) {
                    out.add(t.path("expr").asText());
                }
            }
        }
        for (JsonNode v : dash.path("templating").path("list")) {
            if (v.path("type").asText().equals("query")) {
                String q = v.path("query").isObject() ? v.path("query").path("query").asText() : v.path("query").asText();
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("label_values\\((.*),\\s*\\w+\\s*\\)").matcher(q);
                if (m.matches()) {
                    out.add(m.group(1));
                }
            }
        }
        return out;
    }

    private static List<JsonNode> panels(JsonNode dash) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dash.path("panels")) {
            out.add(p);
            for (JsonNode inner : p.path("panels")) {
                out.add(inner);
            }
        }
        return out;
    }
}
