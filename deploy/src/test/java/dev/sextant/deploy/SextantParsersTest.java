package dev.sextant.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.scrape.config.ScrapeConfig;
import dev.sextant.scrape.config.ScrapeConfigFile;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chart's rendered prometheus.yml loads in Sextant's own strict config parser. */
class SextantParsersTest {
    @Test
    void defaultAndAllOnConfigsLoadInSextantsParser() {
        for (String rendered : new String[] {Chart.renderDefaults(), Chart.renderAllOn()}) {
            List<JsonNode> docs = Chart.documents(rendered);
            String yaml = Chart.find(docs, "ConfigMap", Chart.RELEASE).path("data").path("prometheus.yml").asText();
            ScrapeConfigFile config = ScrapeConfigFile.parse("prometheus.yml", yaml);
            List<String> jobs = config.scrapeConfigs().stream().map(ScrapeConfig::jobName).toList();
            assertThat(jobs).contains("kubernetes-apiservers", "kubernetes-nodes", "kubernetes-cadvisor",
                    "kubernetes-service-endpoints", "kubernetes-pods");
            assertThat(config.ruleFiles()).isNotEmpty();
        }
    }

    @Test
    void renderedRuleFilesLoadInSextantsRuleParser(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        int files = 0;
        for (String rendered : new String[] {Chart.renderDefaults(), Chart.renderAllOn()}) {
            JsonNode data = Chart.find(Chart.documents(rendered), "ConfigMap", Chart.RELEASE).path("data");
            for (java.util.Iterator<String> it = data.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!name.endsWith(".rules.yml")) {
                    continue;
                }
                java.nio.file.Path f = dir.resolve(files++ + "-" + name);
                java.nio.file.Files.writeString(f, data.path(name).asText());
                for (dev.sextant.promql.rules.RuleFiles.CheckResult r : dev.sextant.promql.rules.RuleFiles.check(List.of(f))) {
                    assertThat(r.ok()).as(r.report()).isTrue();
                    assertThat(r.rules()).as(name).isPositive();
                }
            }
        }
        assertThat(files).as("rule files rendered").isGreaterThanOrEqualTo(2);
    }
}
