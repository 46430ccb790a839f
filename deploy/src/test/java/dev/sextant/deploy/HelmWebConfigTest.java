package dev.sextant.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.scrape.config.ScrapeConfig;
import dev.sextant.scrape.config.ScrapeConfigFile;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** server.webConfig (--web.config.file from a Secret) and server.extraVolumes in the chart. */
class HelmWebConfigTest {

    static final java.nio.file.Path VALUES = Chart.DIR.resolve("ci/web-config-values.yaml");

    static List<JsonNode> docs;
    static JsonNode pod;
    static JsonNode container;

    @BeforeAll
    static void render() {
        docs = Chart.documents(Chart.render(t -> t.withValuesFile(VALUES)));
        pod = Chart.find(docs, "StatefulSet", Chart.RELEASE).path("spec").path("template").path("spec");
        container = HelmChartTest.container(pod, "sextant");
    }

    @Test
    void theSecretIsMountedAndNamedByTheFlag() {
        assertThat(HelmChartTest.args(docs)).contains("--web.config.file=/etc/sextant/web/web-config.yml");
        assertThat(HelmChartTest.volume(pod, "web-config").path("secret").path("secretName").asText())
                .isEqualTo("sextant-web");
        assertThat(HelmChartTest.mountPath(container, "web-config")).isEqualTo("/etc/sextant/web");
        assertThat(HelmChartTest.volume(pod, "scrape-tokens").path("secret").path("secretName").asText())
                .isEqualTo("scrape-tokens");
        assertThat(HelmChartTest.mountPath(container, "scrape-tokens")).isEqualTo("/etc/sextant/tokens");
        // The chart's own volumes are still there.
        assertThat(HelmChartTest.mountPath(container, "tmp")).isEqualTo("/tmp");
        assertThat(HelmChartTest.mountPath(container, "data")).isEqualTo("/prometheus");
    }

    @Test
    void probesUseHttpsAndSendTheConfiguredHeaders() {
        for (String probe : new String[] {"startupProbe", "livenessProbe", "readinessProbe"}) {
            JsonNode get = container.path(probe).path("httpGet");
            assertThat(get.path("scheme").asText()).as(probe).isEqualTo("HTTPS");
            assertThat(get.path("port").asText()).as(probe).isEqualTo("http");
            assertThat(get.path("httpHeaders").get(0).path("name").asText()).as(probe).isEqualTo("Authorization");
            assertThat(get.path("httpHeaders").get(0).path("value").asText()).as(probe)
                    .isEqualTo("Basic cHJvYmU6c2VjcmV0");
        }
    }

    @Test
    void selfScrapeAndGrafanaUseHttpsAndTheSelfScrapeSettingsParse() {
        JsonNode self = null;
        for (JsonNode job : Chart.prometheusYml(docs).path("scrape_configs")) {
            if (job.path("job_name").asText().equals("sextant")) {
                self = job;
            }
        }
        assertThat(self).as("self-scrape job").isNotNull();
        assertThat(self.path("scheme").asText()).isEqualTo("https");
        assertThat(self.path("tls_config").path("ca_file").asText()).isEqualTo("/etc/sextant/web/ca.crt");
        assertThat(self.path("basic_auth").path("password_file").asText()).isEqualTo("/etc/sextant/web/probe-password");

        String yaml = Chart.find(docs, "ConfigMap", Chart.RELEASE).path("data").path("prometheus.yml").asText();
        ScrapeConfig parsed = ScrapeConfigFile.parse("prometheus.yml", yaml).scrapeConfigs().stream()
                .filter(c -> c.jobName().equals("sextant")).findFirst().orElseThrow();
        assertThat(parsed.scheme()).isEqualTo("https");

        String ds = Chart.find(docs, "ConfigMap", "sextant-grafana-datasource").path("data")
                .path("sextant-datasource.yaml").asText();
        assertThat(ds).contains("url: https://sextant.monitoring.svc.cluster.local:9090");
    }

    @Test
    void defaultsStayPlainHttpWithoutTheFlag() {
        List<JsonNode> defaults = Chart.documents(Chart.renderDefaults());
        assertThat(HelmChartTest.args(defaults)).noneMatch(a -> a.startsWith("--web.config.file"));
        JsonNode defaultPod = Chart.find(defaults, "StatefulSet", Chart.RELEASE).path("spec").path("template").path("spec");
        JsonNode c = HelmChartTest.container(defaultPod, "sextant");
        assertThat(c.path("readinessProbe").path("httpGet").path("scheme").asText()).isEqualTo("HTTP");
        assertThat(c.path("readinessProbe").path("httpGet").has("httpHeaders")).isFalse();
        for (JsonNode v : defaultPod.path("volumes")) {
            assertThat(v.path("name").asText()).isNotEqualTo("web-config");
        }
    }

    @Test
    void schemaRejectsAnUnknownScheme() {
        assertThatThrownBy(() -> Chart.render(t -> t.set("server.webConfig.scheme", "ftp")))
                .hasMessageContaining("/server/webConfig/scheme");
    }
}
