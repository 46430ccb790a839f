package dev.sextant.scrape.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.scrape.config.ScrapeConfig;
import dev.sextant.scrape.config.ScrapeConfigFile;
import dev.sextant.tsdb.model.Labels;
import org.junit.jupiter.api.Test;

class TargetBuilderTest {
    static ScrapeConfig cfg(String extra) {
        return ScrapeConfigFile.parse("t.yml", "scrape_configs:\n  - job_name: j\n    scrape_interval: 30s\n" + extra)
                .scrapeConfigs().get(0);
    }

    @Test
    void defaultsInstanceMetaRemovalAndUrl() {
        TargetBuilder.Result r = TargetBuilder.build(Labels.of("__address__", "h:9100", "__meta_x", "y"), cfg("""
                    params: {module: [a, b], other: [z]}
                """));
        Target t = r.target();
        assertThat(t.publicLabels()).isEqualTo(Labels.of("job", "j", "instance", "h:9100"));
        assertThat(t.labels().has("__meta_x")).isFalse();
        assertThat(t.url()).isEqualTo("http://h:9100/metrics?module=a&module=b&other=z");
        assertThat(t.intervalMs()).isEqualTo(30_000);
        assertThat(t.timeoutMs()).isEqualTo(10_000);
        assertThat(r.discovered().get("__scrape_interval__")).isEqualTo("30s");
        assertThat(r.discovered().get("__param_module")).isEqualTo("a");
    }

    @Test
    void relabeledParamsSchemePathAndIntervals() {
        TargetBuilder.Result r = TargetBuilder.build(Labels.of("__address__", "h:1"), cfg("""
                    params: {module: [http_2xx]}
                    relabel_configs:
                      - source_labels: [__address__]
                        target_label: __param_target
                      - target_label: __address__
                        replacement: blackbox:9115
                      - target_label: __scheme__
                        replacement: https
                      - target_label: __metrics_path__
                        replacement: /probe
                      - target_label: __scrape_interval__
                        replacement: 1m
                      - target_label: __scrape_timeout__
                        replacement: 5s
                """));
        Target t = r.target();
        assertThat(t.url()).isEqualTo("https://blackbox:9115/probe?module=http_2xx&target=h%3A1");
        assertThat(t.intervalMs()).isEqualTo(60_000);
        assertThat(t.timeoutMs()).isEqualTo(5_000);
        assertThat(t.publicLabels().get("instance")).isEqualTo("blackbox:9115");
    }

    @Test
    void invalidTargetsAreRejectedWithReason() {
        assertThat(TargetBuilder.build(Labels.of("a", "b"), cfg("")).error()).isEqualTo("no address");
        assertThat(TargetBuilder.build(Labels.of("__address__", "h:1", "__scrape_timeout__", "1m"), cfg("")).error())
                .startsWith("scrape timeout cannot be greater than scrape interval");
        assertThat(TargetBuilder.build(Labels.of("__address__", "h:1", "__scrape_interval__", "x"), cfg("")).error())
                .startsWith("error parsing scrape interval");
        TargetBuilder.Result dropped = TargetBuilder.build(Labels.of("__address__", "h:1"), cfg("""
                    relabel_configs: [{action: drop, source_labels: [job], regex: j}]
                """));
        assertThat(dropped.dropped()).isTrue();
        assertThat(dropped.target()).isNull();
    }
}
