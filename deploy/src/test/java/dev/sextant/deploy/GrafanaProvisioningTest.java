package dev.sextant.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The provisioning files load in Grafana only with these fields; check them as Grafana would read them. */
class GrafanaProvisioningTest {

    static final String DATASOURCE = "grafana-datasource/provisioning/datasources/sextant.yaml";
    static final String DASHBOARD_PROVIDER = "grafana-datasource/provisioning/dashboards/sextant.yaml";

    @Test
    void datasourceIsAPrometheusDataSourceWithSextantsSettings() {
        JsonNode file = RepoFiles.yaml(RepoFiles.path(DATASOURCE));
        assertThat(file.path("apiVersion").asInt()).isEqualTo(1);
        assertThat(file.path("datasources").size()).isEqualTo(1);

        JsonNode ds = file.path("datasources").get(0);
        assertThat(ds.path("name").asText()).isEqualTo("Sextant");
        assertThat(ds.path("uid").asText()).isEqualTo("sextant");
        assertThat(ds.path("type").asText()).isEqualTo("prometheus");
        assertThat(ds.path("access").asText()).isEqualTo("proxy");
        assertThat(ds.path("url").asText()).matches("https?://[^/]+:9090");

        JsonNode jsonData = ds.path("jsonData");
        assertThat(jsonData.path("httpMethod").asText()).isEqualTo("POST");
        assertThat(jsonData.path("timeInterval").asText()).matches("\\d+[smh]");
        assertThat(jsonData.path("queryTimeout").asText()).matches("\\d+[smh]");
        assertThat(jsonData.path("prometheusType").asText()).isEqualTo("Prometheus");
        // Grafana gates match[] on label APIs on >= 2.24; anything older would degrade the editor.
        String[] version = jsonData.path("prometheusVersion").asText().split("\\.");
        assertThat(version).hasSize(3);
        int major = Integer.parseInt(version[0]);
        int minor = Integer.parseInt(version[1]);
        assertThat(major > 2 || (major == 2 && minor >= 24)).as("version >= 2.24").isTrue();
    }

    @Test
    void dashboardProviderIsAFileProvider() {
        JsonNode file = RepoFiles.yaml(RepoFiles.path(DASHBOARD_PROVIDER));
        assertThat(file.path("apiVersion").asInt()).isEqualTo(1);
        JsonNode provider = file.path("providers").get(0);
        assertThat(provider).isNotNull();
        assertThat(provider.path("name").asText()).isNotBlank();
        assertThat(provider.path("type").asText()).isEqualTo("file");
        assertThat(provider.path("options").path("path").asText()).startsWith("/");
    }
}
