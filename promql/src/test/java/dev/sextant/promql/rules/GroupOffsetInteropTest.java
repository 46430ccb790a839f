package dev.sextant.promql.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A group evaluates at the same phase within its interval as in Prometheus (same file and name). */
@Tag("interop")
class GroupOffsetInteropTest {
    @Test
    void evaluationPhaseMatchesPrometheus(@TempDir Path dir) throws Exception {
        Path prometheus = InteropSupport.binary("prometheus");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path rules = dir.resolve("offset-rules.yml").toAbsolutePath();
        Files.writeString(rules, """
                groups:
                  - name: phase-probe
                    interval: 7s
                    rules:
                      - record: sextant_phase_probe
                        expr: 1
                """);
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, "rule_files:\n  - " + rules + "\n");
        Process p = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            String url = "http://127.0.0.1:" + port + "/api/v1/query?query="
                    + URLEncoder.encode("timestamp(sextant_phase_probe)", StandardCharsets.UTF_8);
            long sampleMs = -1;
            long deadline = System.currentTimeMillis() + 90_000;
            while (sampleMs < 0) {
                assertThat(System.currentTimeMillis()).as("Prometheus evaluated the probe group").isLessThan(deadline);
                Thread.sleep(250);
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                    JsonNode result = new ObjectMapper().readTree(r.body()).path("data").path("result");
                    if (result.size() == 1) {
                        sampleMs = Math.round(Double.parseDouble(result.get(0).path("value").get(1).asText()) * 1000);
                    }
                } catch (java.io.IOException e) {
                    // not up yet
                }
            }
            RuleGroupSpec spec = RuleFileParser.parseFile(rules).groups().get(0);
            RuleGroup group = new RuleGroup(spec, 60_000, 0);
            assertThat(Math.floorMod(sampleMs, 7_000L)).as("phase within the 7s interval")
                    .isEqualTo(group.offsetMs());
            assertThat(group.evalTimestamp(sampleMs)).isEqualTo(sampleMs);
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
