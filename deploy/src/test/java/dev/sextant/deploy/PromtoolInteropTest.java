package dev.sextant.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the chart's prometheus.yml and rules with the real promtool (Debian's prometheus
 * package; run with -Pinterop, see the README). Until Sextant's own config and rule parsers can
 * be used from this module (they live in sextant-api, whose chronicle dependency clashes with
 * helm-java), Prometheus's parsers are the reference the chart is held to.
 */
@Tag("interop")
class PromtoolInteropTest {

    @TempDir
    Path dir;

    @Test
    void renderedConfigsAreValidPrometheusConfigs() throws Exception {
        check("defaults", Chart.renderDefaults());
        check("all-on", Chart.renderAllOn());
        check("ha-pair", Chart.render(t -> t.set("replicas", "2")));
    }

    @Test
    void defaultRulesPassTheirUnitTests() throws Exception {
        Files.copy(Chart.DIR.resolve("rules/sextant.rules.yml"), dir.resolve("sextant.rules.yml"));
        try (InputStream tests = getClass().getResourceAsStream("sextant.rules.test.yml")) {
            assertThat(tests).as("sextant.rules.test.yml on the test class path").isNotNull();
            Files.copy(tests, dir.resolve("sextant.rules.test.yml"));
        }
        Result result = promtool("test", "rules", dir.resolve("sextant.rules.test.yml").toString());
        assertThat(result.exit).as(result.output).isZero();
        assertThat(result.output).contains("SUCCESS");
    }

    @Test
    void everyDashboardQueryParsesInPrometheus() throws Exception {
        // Each panel query and variable query becomes a recording rule, so promtool parses it with
        // Prometheus's PromQL parser. Grafana's variables are substituted first, as Grafana would.
        ObjectNode file = RepoFiles.YAML.createObjectNode();
        ArrayNode rules = file.putArray("groups").addObject().put("name", "dashboards").putArray("rules");
        int count = 0;
        for (String dashboard : DashboardsTest.dashboards().toList()) {
            JsonNode d = DashboardsTest.load(dashboard);
            List<String> exprs = new ArrayList<>(DashboardsTest.exprs(d));
            for (JsonNode v : d.path("templating").path("list")) {
                String definition = v.path("definition").asText();
                if (definition.startsWith("label_values(")) {
                    // label_values(<selector>, <label>) is Grafana's, not PromQL: check the selector.
                    String inner = definition.substring("label_values(".length(), definition.lastIndexOf(','));
                    exprs.add(inner);
                }
            }
            for (String expr : exprs) {
                rules.addObject()
                        .put("record", "dashboard:query_" + count++)
                        .put("expr", substituteGrafanaVariables(expr));
            }
        }
        assertThat(count).isGreaterThan(50);
        Path rulesFile = dir.resolve("dashboards.rules.yml");
        Files.writeString(rulesFile, RepoFiles.YAML.writeValueAsString(file));
        Result result = promtool("check", "rules", rulesFile.toString());
        assertThat(result.exit).as(result.output).isZero();
        assertThat(result.output).contains("SUCCESS: " + count + " rules found");
    }

    /** Values Grafana would send for a 1h range at a 30s scrape interval; template variables match all. */
    static String substituteGrafanaVariables(String expr) {
        return expr.replace("$__rate_interval", "2m")
                .replace("$__interval", "30s")
                .replace("$__range", "1h")
                .replaceAll("\\$\\{?\\w+\\}?", ".*");
    }

    @Test
    void imageDefaultConfigIsValid() throws Exception {
        Result result = promtool("check", "config", "--syntax-only",
                RepoFiles.path("deploy/docker/prometheus.yml").toString());
        assertThat(result.exit).as(result.output).isZero();
    }

    private void check(String variant, String rendered) throws Exception {
        Path out = Files.createDirectories(dir.resolve(variant));
        JsonNode data = Chart.find(Chart.documents(rendered), "ConfigMap", Chart.RELEASE).path("data");
        List<String> ruleFiles = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> file = it.next();
            if (file.getKey().endsWith(".rules.yml")) {
                Files.writeString(out.resolve(file.getKey()), file.getValue().asText());
                ruleFiles.add(out.resolve(file.getKey()).toString());
            }
        }
        // What the init container does for pod <release>-1.
        String text = data.path("prometheus.yml").asText().replace("__SEXTANT_SHARD__", "1");
        ObjectNode config = (ObjectNode) RepoFiles.yaml(text);
        // Debian builds Prometheus without Kubernetes discovery, so its promtool rejects
        // kubernetes_sd_configs; give each job a stand-in target to check everything else
        // (relabeling, TLS and auth blocks, remote write, alerting, globals).
        for (JsonNode job : config.path("scrape_configs")) {
            if (((ObjectNode) job).remove("kubernetes_sd_configs") != null) {
                ArrayNode targets = ((ObjectNode) job).putArray("static_configs").addObject().putArray("targets");
                targets.add("stand-in:80");
            }
        }
        Path configFile = out.resolve("prometheus.yml");
        Files.writeString(configFile, RepoFiles.YAML.writeValueAsString(config));

        // --syntax-only: the service account token and CA exist only inside a pod.
        Result configCheck = promtool("check", "config", "--syntax-only", configFile.toString());
        assertThat(configCheck.exit).as("%s: %s", variant, configCheck.output).isZero();

        assertThat(ruleFiles).as(variant).isNotEmpty();
        List<String> args = new ArrayList<>(List.of("check", "rules"));
        args.addAll(ruleFiles);
        Result rulesCheck = promtool(args.toArray(String[]::new));
        assertThat(rulesCheck.exit).as("%s: %s", variant, rulesCheck.output).isZero();
        assertThat(rulesCheck.output).contains("SUCCESS");
    }

    record Result(int exit, String output) {}

    static Result promtool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("promtool");
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("promtool is not on PATH: install Debian's prometheus package (see .ci/run)", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        return new Result(process.exitValue(), output);
    }
}
