package dev.sextant.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The shipped dashboards must import into Grafana and follow the conventions Grafana users expect. */
class DashboardsTest {

    static final String DIR = "grafana-datasource/dashboards";
    static final String DATASOURCE_REF = "${datasource}";
    /** Variables Grafana itself defines; any other $name in a query must be a template variable. */
    static final Set<String> GRAFANA_VARIABLES = Set.of("__rate_interval", "__interval", "__range", "__range_s", "__interval_ms");
    static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)\\}?");
    static final Pattern RANGE_SELECTOR = Pattern.compile("\\[([^\\]]*)\\]");

    static Stream<String> dashboards() {
        return Stream.of("sextant-overview.json", "kubernetes-cluster.json", "node.json");
    }

    static JsonNode load(String name) {
        return RepoFiles.json(RepoFiles.path(DIR).resolve(name));
    }

    /** Panels including those nested in collapsed rows; row panels themselves excluded. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            if ("row".equals(p.path("type").asText())) {
                p.path("panels").forEach(out::add);
            } else {
                out.add(p);
            }
        }
        return out;
    }

    static List<String> exprs(JsonNode dashboard) {
        List<String> out = new ArrayList<>();
        for (JsonNode p : panels(dashboard)) {
            p.path("targets").forEach(t -> out.add(t.path("expr").asText()));
        }
        return out;
    }

    @Test
    void theDirectoryHoldsExactlyTheShippedDashboards() throws IOException {
        try (Stream<Path> files = Files.list(RepoFiles.path(DIR))) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrderElementsOf(dashboards().toList());
        }
    }

    @Test
    void uidsAreUnique() {
        assertThat(dashboards().map(n -> load(n).path("uid").asText())).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @MethodSource("dashboards")
    void hasTheTopLevelFieldsGrafanaNeeds(String name) {
        JsonNode d = load(name);
        assertThat(d.path("uid").asText()).matches("[a-z0-9-]{1,40}");
        assertThat(d.path("title").asText()).isNotBlank();
        assertThat(d.path("schemaVersion").asInt()).isBetween(36, 41);
        assertThat(d.path("time").path("from").asText()).startsWith("now-");
        assertThat(panels(d)).hasSizeGreaterThanOrEqualTo(8);
        Set<Integer> ids = new HashSet<>();
        for (JsonNode p : d.path("panels")) {
            assertThat(ids.add(p.path("id").asInt())).as("unique panel id %s", p.path("id")).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("dashboards")
    void hasADatasourceVariableOfTypePrometheus(String name) {
        JsonNode variable = variable(load(name), "datasource");
        assertThat(variable).as("datasource variable").isNotNull();
        assertThat(variable.path("type").asText()).isEqualTo("datasource");
        assertThat(variable.path("query").asText()).isEqualTo("prometheus");
    }

    @ParameterizedTest
    @MethodSource("dashboards")
    void everyPanelAndTargetUsesTheDatasourceVariable(String name) {
        for (JsonNode p : panels(load(name))) {
            String title = p.path("title").asText();
            assertThat(p.path("datasource").path("uid").asText()).as(title).isEqualTo(DATASOURCE_REF);
            assertThat(p.path("datasource").path("type").asText()).as(title).isEqualTo("prometheus");
            assertThat(p.path("targets").size()).as(title).isPositive();
            Set<String> refIds = new HashSet<>();
            for (JsonNode t : p.path("targets")) {
                assertThat(t.path("datasource").path("uid").asText()).as(title).isEqualTo(DATASOURCE_REF);
                assertThat(t.path("expr").asText()).as(title).isNotBlank();
                assertThat(refIds.add(t.path("refId").asText())).as("%s: unique refId", title).isTrue();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dashboards")
    void queryVariablesUseLabelValuesOnTheDatasourceVariable(String name) {
        JsonNode d = load(name);
        List<JsonNode> queries = new ArrayList<>();
        d.path("templating").path("list").forEach(v -> {
            if ("query".equals(v.path("type").asText())) {
                queries.add(v);
            }
        });
        assertThat(queries).isNotEmpty();
        for (JsonNode v : queries) {
            assertThat(v.path("datasource").path("uid").asText()).isEqualTo(DATASOURCE_REF);
            assertThat(v.path("query").path("query").asText()).startsWith("label_values(")
                    .isEqualTo(v.path("definition").asText());
        }
    }

    @ParameterizedTest
    @MethodSource("dashboards")
    void panelsStayInsideTheGridAndDoNotOverlap(String name) {
        List<int[]> boxes = new ArrayList<>();
        for (JsonNode p : load(name).path("panels")) {
            JsonNode g = p.path("gridPos");
            int x = g.path("x").asInt(-1), y = g.path("y").asInt(-1), w = g.path("w").asInt(0), h = g.path("h").asInt(0);
            assertThat(x).as(p.path("title").asText()).isNotNegative();
            assertThat(y).isNotNegative();
            assertThat(w).isPositive();
            assertThat(h).isPositive();
            assertThat(x + w).isLessThanOrEqualTo(24);
            for (int[] b : boxes) {
                boolean overlap = x < b[0] + b[2] && b[0] < x + w && y < b[1] + b[3] && b[1] < y + h;
                assertThat(overlap).as("%s overlaps another panel", p.path("title").asText()).isFalse();
            }
            boxes.add(new int[] {x, y, w, h});
        }
    }

    @ParameterizedTest
    @MethodSource("dashboards")
    void queriesUseOnlyDefinedVariablesAndGrafanasRangeIntervals(String name) {
        JsonNode d = load(name);
        Set<String> defined = new HashSet<>(GRAFANA_VARIABLES);
        d.path("templating").path("list").forEach(v -> defined.add(v.path("name").asText()));
        List<String> all = new ArrayList<>(exprs(d));
        d.path("templating").path("list").forEach(v -> all.add(v.path("definition").asText()));
        for (String expr : all) {
            Matcher m = VARIABLE.matcher(expr);
            while (m.find()) {
                assertThat(defined).as("variable in %s", expr).contains(m.group(1));
            }
            assertThat(expr.chars().filter(c -> c == '(').count()).as(expr)
                    .isEqualTo(expr.chars().filter(c -> c == ')').count());
            assertThat(expr.chars().filter(c -> c == '{').count()).as(expr)
                    .isEqualTo(expr.chars().filter(c -> c == '}').count());
        }
        for (String expr : exprs(d)) {
            Matcher m = RANGE_SELECTOR.matcher(expr);
            while (m.find()) {
                // A fixed window would under- or over-sample depending on the zoom and scrape interval.
                assertThat(m.group(1)).as(expr).isIn("$__rate_interval", "$__range");
            }
        }
    }

    @Test
    void rateFunctionsUseTheRateInterval() {
        long rates = dashboards().flatMap(n -> exprs(load(n)).stream())
                .filter(e -> e.contains("rate(")).count();
        long withRateInterval = dashboards().flatMap(n -> exprs(load(n)).stream())
                .filter(e -> e.contains("rate(") && e.contains("[$__rate_interval]")).count();
        assertThat(rates).isPositive().isEqualTo(withRateInterval);
    }

    @Test
    void kubernetesClusterDashboardUsesExporterAndKubeStateMetricsNames() {
        String all = String.join("\n", exprs(load("kubernetes-cluster.json")));
        assertThat(all).contains(
                "node_cpu_seconds_total", "node_memory_MemAvailable_bytes", "node_filesystem_avail_bytes",
                "node_disk_read_bytes_total", "node_network_receive_bytes_total",
                "container_cpu_usage_seconds_total", "container_memory_working_set_bytes",
                "kube_pod_container_status_restarts_total", "kube_deployment_spec_replicas",
                "kube_deployment_status_replicas_available", "kube_node_info", "kube_pod_info",
                "kube_namespace_status_phase");
        JsonNode d = load("kubernetes-cluster.json");
        for (String name : List.of("cluster", "namespace", "node", "instance")) {
            assertThat(variable(d, name)).as("variable " + name).isNotNull();
        }
    }

    @Test
    void nodeDashboardCoversAHostInDepth() {
        String all = String.join("\n", exprs(load("node.json")));
        assertThat(all).contains(
                "sum by (mode) (rate(node_cpu_seconds_total", "node_load1", "node_load5", "node_load15",
                "node_memory_MemTotal_bytes", "node_memory_MemAvailable_bytes",
                "node_disk_read_bytes_total", "node_disk_written_bytes_total", "node_disk_io_time_seconds_total",
                "node_filesystem_avail_bytes", "node_filesystem_size_bytes", "node_filesystem_files_free",
                "node_network_receive_bytes_total", "node_network_transmit_bytes_total");
        assertThat(variable(load("node.json"), "instance").path("multi").asBoolean()).isFalse();
    }

    @Test
    void overviewDashboardUsesSextantsOwnMetrics() {
        String all = String.join("\n", exprs(load("sextant-overview.json")));
        for (String metric : SextantMetrics.NAMES) {
            assertThat(all).as("overview shows " + metric).contains(metric);
        }
    }

    static JsonNode variable(JsonNode dashboard, String name) {
        for (JsonNode v : dashboard.path("templating").path("list")) {
            if (name.equals(v.path("name").asText())) {
                return v;
            }
        }
        return null;
    }
}
