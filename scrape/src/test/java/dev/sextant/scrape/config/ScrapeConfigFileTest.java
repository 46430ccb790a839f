package dev.sextant.scrape.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.scrape.relabel.RelabelAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScrapeConfigFileTest {
    static final Path K8S_EXAMPLE = Path.of("../../shared/prometheus-examples/documentation/examples/prometheus-kubernetes.yml");

    @Test
    void defaultsFollowPrometheus() {
        ScrapeConfigFile f = ScrapeConfigFile.parse("p.yml", "scrape_configs:\n  - job_name: a\n");
        ScrapeConfig c = f.scrapeConfigs().get(0);
        assertThat(c.scrapeIntervalMs()).isEqualTo(60_000);
        assertThat(c.scrapeTimeoutMs()).isEqualTo(10_000);
        assertThat(c.metricsPath()).isEqualTo("/metrics");
        assertThat(c.scheme()).isEqualTo("http");
        assertThat(c.honorLabels()).isFalse();
        assertThat(c.honorTimestamps()).isTrue();
        assertThat(c.enableCompression()).isTrue();
        assertThat(c.scrapeProtocols()).containsExactly("OpenMetricsText1.0.0", "OpenMetricsText0.0.1",
                "PrometheusText1.0.0", "PrometheusText0.0.4");
        assertThat(c.http().followRedirects()).isTrue();
    }

    @Test
    void timeoutDefaultsToIntervalWhenShorter() {
        ScrapeConfigFile f = ScrapeConfigFile.parse("p.yml", """
                global:
                  scrape_interval: 5s
                scrape_configs:
                  - job_name: a
                  - job_name: b
                    scrape_interval: 1m30s
                    scrape_timeout: 20s
                    sample_limit: 7
                    body_size_limit: 10MB
                """);
        assertThat(f.global().scrapeTimeoutMs()).isEqualTo(5_000);
        assertThat(f.scrapeConfigs().get(0).scrapeTimeoutMs()).isEqualTo(5_000);
        ScrapeConfig b = f.scrapeConfigs().get(1);
        assertThat(b.scrapeIntervalMs()).isEqualTo(90_000);
        assertThat(b.scrapeTimeoutMs()).isEqualTo(20_000);
        assertThat(b.sampleLimit()).isEqualTo(7);
        assertThat(b.bodySizeLimit()).isEqualTo(10L << 20);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "scrape_configs:\\n  - job_name: a\\n    scrape_intervall: 5s | p.yml:3: scrape_configs[0].scrape_intervall: field scrape_intervall not found",
        "scrape_configs:\\n  - job_name: a\\n    scrape_interval: 5x | p.yml:3: scrape_configs[0].scrape_interval: not a valid duration string",
        "scrape_configs:\\n  - job_name: a\\n    scrape_interval: 5s\\n    scrape_timeout: 6s | p.yml:4: scrape_configs[0].scrape_timeout: scrape timeout greater than scrape interval",
        "scrape_configs:\\n  - job_name: a\\n  - job_name: a | p.yml:3: scrape_configs[1].job_name: found multiple scrape configs with job name",
        "scrape_configs:\\n  - job_name: a\\n    relabel_configs:\\n      - action: hashmod\\n        target_label: x | p.yml:4: scrape_configs[0].relabel_configs[0]: relabel configuration for hashmod requires non-zero modulus",
        "scrape_configs:\\n  - job_name: a\\n    relabel_configs:\\n      - action: frobnicate | p.yml:4: scrape_configs[0].relabel_configs[0].action: unknown relabel action",
        "scrape_configs:\\n  - job_name: a\\n    scheme: ftp | p.yml:3: scrape_configs[0].scheme: unknown scrape scheme",
        "scrape_configs:\\n  - job_name: a\\n    honor_labels: maybe | p.yml:3: scrape_configs[0].honor_labels: cannot unmarshal",
        "global:\\n  scrape_interval: 1s\\n  scrape_interval: 2s | p.yml:3: global.scrape_interval: key already set",
        "bogus: 1 | p.yml:1: bogus: field bogus not found",
        "scrape_configs:\\n  - job_name: a\\n    kubernetes_sd_configs:\\n      - role: pods | p.yml:4: scrape_configs[0].kubernetes_sd_configs[0].role: unknown Kubernetes SD role",
        "scrape_configs:\\n  - job_name: a\\n    sample_limit: -1 | p.yml:3: scrape_configs[0].sample_limit: must not be negative",
        "scrape_configs:\\n  - job_name: a\\n    static_configs:\\n      - targets: [a]\\n        labelz: {} | p.yml:5: scrape_configs[0].static_configs[0].labelz: field labelz not found",
        "scrape_configs: [ | p.yml:1: invalid YAML",
    })
    void strictErrorsNameFileLineAndKey(String yaml, String expected) {
        assertThatThrownBy(() -> ScrapeConfigFile.parse("p.yml", yaml.replace("\\n", "\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(expected.trim());
    }

    @Test
    void otherSectionsAreKeptRaw() {
        ScrapeConfigFile f = ScrapeConfigFile.parse("p.yml", """
                rule_files: ["rules/*.yml"]
                alerting:
                  alertmanagers:
                    - static_configs: [{targets: ["am:9093"]}]
                remote_write:
                  - url: http://x/api/v1/write
                storage:
                  tsdb:
                    out_of_order_time_window: 10m
                tracing: {}
                otlp: {}
                runtime: {gogc: 75}
                remote_read: []
                """);
        assertThat(f.ruleFiles()).containsExactly("rules/*.yml");
        assertThat(f.otherSections()).containsKeys("alerting", "remote_write", "storage", "tracing", "otlp", "runtime", "remote_read");
        assertThat(f.otherSections().get("runtime")).isEqualTo(java.util.Map.of("gogc", "75"));
    }

    @Test
    void scrapeConfigFilesAreAppended(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("extra-1.yml"), "scrape_configs:\n  - job_name: extra\n    scrape_interval: 7s\n");
        Files.writeString(dir.resolve("main.yml"), "scrape_config_files: ['extra-*.yml']\nscrape_configs:\n  - job_name: main\n");
        ScrapeConfigFile f = ScrapeConfigFile.load(dir.resolve("main.yml"));
        assertThat(f.scrapeConfigs()).extracting(ScrapeConfig::jobName).containsExactly("main", "extra");
        assertThat(f.scrapeConfig("extra").scrapeIntervalMs()).isEqualTo(7_000);
        Files.writeString(dir.resolve("extra-2.yml"), "scrape_configs:\n  - job_name: x\n    bad_key: 1\n");
        assertThatThrownBy(() -> ScrapeConfigFile.load(dir.resolve("main.yml")))
                .hasMessageContaining("extra-2.yml:3: scrape_configs[0].bad_key");
    }

    @Test
    void aRootPathIsAConfigErrorNotACrash(@TempDir Path dir) throws Exception {
        // Found by ConfigFileFuzzTest: "/" has no file name.
        Files.writeString(dir.resolve("main.yml"), "scrape_config_files: ['/']\n");
        assertThatThrownBy(() -> ScrapeConfigFile.load(dir.resolve("main.yml")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("main.yml:1")
                .hasMessageContaining("not a file or a file pattern: /");
        Files.writeString(dir.resolve("sd.yml"),
                "scrape_configs:\n  - job_name: a\n    file_sd_configs:\n      - files: ['/']\n");
        assertThatThrownBy(() -> ScrapeConfigFile.load(dir.resolve("sd.yml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("path name \"/\" is not valid for file discovery");
    }

    @Test
    void kubernetesExampleLoadsUnchanged() {
        ScrapeConfigFile f = ScrapeConfigFile.load(K8S_EXAMPLE);
        assertThat(f.global().keepDroppedTargets()).isEqualTo(100);
        assertThat(f.scrapeConfigs()).extracting(ScrapeConfig::jobName).containsExactly(
                "kubernetes-apiservers", "kubernetes-nodes", "kubernetes-cadvisor", "kubernetes-service-endpoints",
                "kubernetes-services", "kubernetes-ingresses", "kubernetes-pods");
        ScrapeConfig api = f.scrapeConfig("kubernetes-apiservers");
        assertThat(api.scheme()).isEqualTo("https");
        assertThat(api.http().authorization().credentialsFile()).isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount/token");
        assertThat(api.http().tls().caFile()).isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt");
        assertThat(api.kubernetesSdConfigs().get(0).role()).isEqualTo("endpoints");
        assertThat(api.relabelConfigs().get(0).action()).isEqualTo(RelabelAction.KEEP);
        assertThat(f.scrapeConfig("kubernetes-services").params()).isEqualTo(java.util.Map.of("module", List.of("http_2xx")));
    }

    @ParameterizedTest
    @CsvSource({"0,0", "15s,15000", "1m30s,90000", "1h,3600000", "1d,86400000", "2w,1209600000", "1y,31536000000", "100ms,100", "1m1ms,60001"})
    void durationsRoundTrip(String text, long ms) {
        assertThat(Durations.parseMillis(text)).isEqualTo(ms);
        assertThat(Durations.format(ms)).isEqualTo(text.equals("0") ? "0s" : text);
    }

    @Test
    void durationRejectsWrongOrder() {
        assertThatThrownBy(() -> Durations.parseMillis("1s1m")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durations.parseMillis("1.5s")).isInstanceOf(IllegalArgumentException.class);
    }
}
