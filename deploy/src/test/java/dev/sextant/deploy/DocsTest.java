package dev.sextant.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/kubernetes.md is a contract for the server's developers and a recipe for users: keep it true. */
class DocsTest {

    static final String DOC = "docs/kubernetes.md";
    static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");

    static String doc() {
        return RepoFiles.read(RepoFiles.path(DOC));
    }

    /** Table rows (cells) of the section starting with the given heading. */
    static List<List<String>> table(String heading) {
        String text = doc();
        int start = text.indexOf(heading + "\n");
        assertThat(start).as("section " + heading).isNotNegative();
        List<List<String>> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : text.substring(start).lines().skip(1).toList()) {
            if (line.startsWith("## ")) {
                break;
            }
            if (line.startsWith("|")) {
                inTable = true;
                List<String> cells = new ArrayList<>();
                for (String cell : line.substring(1, line.lastIndexOf('|')).split("\\|")) {
                    cells.add(cell.strip());
                }
                if (!cells.get(0).startsWith("---") && !cells.get(0).equals("name") && !cells.get(0).equals("value")) {
                    rows.add(cells);
                }
            } else if (inTable) {
                break;
            }
        }
        return rows;
    }

    static Map<String, String> metricTypes() {
        Map<String, String> types = new LinkedHashMap<>();
        for (List<String> row : table("## Metrics Sextant exposes")) {
            Matcher m = BACKTICKED.matcher(row.get(0));
            assertThat(m.find()).as("name cell %s", row).isTrue();
            types.put(m.group(1), row.get(1));
        }
        return types;
    }

    @Test
    void metricsSectionListsExactlyTheNamesTheDashboardAndRulesUse() {
        assertThat(metricTypes().keySet()).containsExactlyElementsOf(SextantMetrics.NAMES);
        String rules = RepoFiles.read(Chart.DIR.resolve("rules/sextant.rules.yml"));
        Matcher m = Pattern.compile("sextant_[a-z_]+").matcher(rules);
        while (m.find()) {
            String name = m.group().replaceAll("_(bucket|sum|count)$", "");
            assertThat(SextantMetrics.NAMES).as("rules use " + m.group()).contains(name);
        }
    }

    @Test
    void metricTypesMatchHowTheOverviewDashboardQueriesThem() {
        List<String> exprs = DashboardsTest.exprs(DashboardsTest.load("sextant-overview.json"));
        metricTypes().forEach((name, type) -> {
            switch (type) {
                case "histogram" -> assertThat(exprs).as(name)
                        .anyMatch(e -> e.contains("histogram_quantile(") && e.contains(name + "_bucket{"));
                case "summary" -> assertThat(exprs).as(name)
                        .anyMatch(e -> e.contains(name + "{") && e.contains("quantile=\""));
                case "counter" -> {
                    assertThat(name).endsWith("_total");
                    assertThat(exprs).as(name).anyMatch(e -> e.matches(".*(rate|increase)\\(" + name + "\\{.*"));
                }
                case "gauge" -> {
                    assertThat(name).doesNotEndWith("_total");
                    assertThat(exprs).as(name).anyMatch(e -> e.contains(name + "{"));
                }
                default -> {
                    assertThat(type).as(name).startsWith("synthetic");
                    assertThat(exprs).as(name).anyMatch(e -> e.contains(name));
                }
            }
        });
    }

    @Test
    void repositoryPathsInTheGuideExist() {
        // Inline code only: fenced blocks would pair their ``` with inline backticks.
        String prose = doc().replaceAll("(?s)```.*?```", "");
        Matcher m = BACKTICKED.matcher(prose);
        int checked = 0;
        while (m.find()) {
            String token = m.group(1);
            if (token.matches("(deploy|grafana-datasource|docs)/[\\w./-]*") && !token.contains("*") && !token.contains("/target/")) {
                assertThat(Files.exists(RepoFiles.path(token))).as(token).isTrue();
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(10);
    }

    @Test
    void valuesInTheTableExistInValuesYaml() {
        JsonNode values = RepoFiles.yaml(Chart.DIR.resolve("values.yaml"));
        List<List<String>> rows = table("### Values you will want to set");
        assertThat(rows).hasSizeGreaterThanOrEqualTo(10);
        for (List<String> row : rows) {
            Matcher m = BACKTICKED.matcher(row.get(0));
            while (m.find()) {
                JsonNode node = values;
                for (String part : m.group(1).split("\\.")) {
                    assertThat(node.has(part)).as("values.yaml has %s", m.group(1)).isTrue();
                    node = node.path(part);
                }
            }
        }
    }

    @Test
    void installCommandsMatchTheChartAndTheManifests() {
        String doc = doc();
        assertThat(doc).contains("helm install sextant deploy/helm/sextant -n monitoring");
        assertThat(doc).contains("kubectl apply -f deploy/kubernetes/namespace.yaml -f deploy/kubernetes/sextant.yaml");
        // The sed that sets the image in the plain manifests must find its target.
        Matcher sed = Pattern.compile("s#(image: [^#]+)#").matcher(doc);
        assertThat(sed.find()).isTrue();
        assertThat(RepoFiles.read(CopiesInSyncTest.MANIFESTS)).contains(sed.group(1));
        // Sizing figures must come from a named bench run, not from guesses.
        assertThat(doc).contains("Measured by `bench/compare.sh query-set`").doesNotContain("to be measured");
    }
}
