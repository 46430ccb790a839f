package dev.sextant.scrape.loop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sextant.scrape.config.ScrapeConfigFile;
import dev.sextant.scrape.exposition.FloatText;
import dev.sextant.tsdb.memory.MemoryStorage;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sextant's scrape manager and Debian's Prometheus scrape the same real node exporter with the same
 * config; afterwards the sets of series label sets must be identical (values ignored) and {@code up}
 * and the {@code scrape_*} series must agree.
 *
 * <p>One documented difference is normalised before comparing: Prometheus 3.x (which Sextant follows,
 * formats.md section 1) rewrites {@code le}/{@code quantile} to canonical float text ({@code 0} becomes
 * {@code 0.0}); Debian's Prometheus 2.42 keeps the exposed text, so its values are canonicalised here.
 *
 * <p>Fails (never skips) when a binary is missing. Run with {@code -Pinterop}.
 */
@Tag("interop")
class NodeExporterInteropTest {
    static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    static final Path NODE_EXPORTER = Path.of("/usr/bin/prometheus-node-exporter");
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final ObjectMapper json = new ObjectMapper();

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void sameSeriesAsPrometheus(@TempDir Path dir) throws Exception {
        assertThat(Files.isExecutable(PROMETHEUS)).as(PROMETHEUS + " must be installed (apt-get install prometheus)").isTrue();
        assertThat(Files.isExecutable(NODE_EXPORTER)).as(NODE_EXPORTER + " must be installed (apt-get install prometheus-node-exporter)").isTrue();
        int nePort = freePort();
        int promPort = freePort();
        String config = """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 900ms
                scrape_configs:
                  - job_name: node
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                        labels: {env: interop}
                """.formatted(nePort);
        Path cfgFile = dir.resolve("prometheus.yml");
        Files.writeString(cfgFile, config);
        List<Process> procs = new ArrayList<>();
        MemoryStorage storage = new MemoryStorage();
        try (ScrapeManager sextant = new ScrapeManager(storage, Clock.systemUTC(), new ScrapeManager.Options(10, 2, 0))) {
            procs.add(new ProcessBuilder(NODE_EXPORTER.toString(), "--web.listen-address=127.0.0.1:" + nePort)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("node-exporter.log").toFile()).start());
            procs.add(new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + cfgFile,
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + promPort)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start());
            String prom = "http://127.0.0.1:" + promPort;
            awaitHttp("http://127.0.0.1:" + nePort + "/metrics");
            awaitHttp(prom + "/-/ready");
            sextant.applyConfig(ScrapeConfigFile.parse(cfgFile.toString(), config));

            // A few scrapes on both sides.
            // A scrape of the node exporter may exceed the 900 ms timeout on a loaded machine: wait for
            // the latest scrape on each side to have succeeded, not only for five scrapes.
            long deadline = System.currentTimeMillis() + 90_000;
            while (Stored.samples(storage, "up").size() < 5 || queryScalar(prom, "count_over_time(up[1m])") < 5
                    || Stored.lastValue(storage, "up") != 1 || queryScalar(prom, "up") != 1
                    || !sextant.targets().activeTargets().get(0).health().equals("up")) {
                assertThat(System.currentTimeMillis()).as("both should scrape 5 times, the latest successfully").isLessThan(deadline);
                Thread.sleep(200);
            }
            ActiveTarget t = sextant.targets().activeTargets().get(0);
            assertThat(t.health()).as(t.lastError()).isEqualTo("up");

            Set<Map<String, String>> ours = new TreeSet<>(NodeExporterInteropTest::compareMaps);
            for (Labels l : Stored.select(storage, Matcher.regex("__name__", ".+")).keySet()) {
                ours.add(new TreeMap<>(ScrapePool.toMap(l)));
            }
            Set<Map<String, String>> theirs = new TreeSet<>(NodeExporterInteropTest::compareMaps);
            JsonNode series = get(prom + "/api/v1/series?match[]=" + URLEncoder.encode("{job=\"node\"}", StandardCharsets.UTF_8)
                    + "&start=0&end=" + (System.currentTimeMillis() / 1000 + 60)).get("data");
            for (JsonNode s : series) {
                Map<String, String> m = new TreeMap<>();
                Iterator<Map.Entry<String, JsonNode>> it = s.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String v = e.getValue().asText();
                    if (e.getKey().equals("le") || e.getKey().equals("quantile")) {
                        v = FloatText.canonical(v); // the 2.x -> 3.x difference, see the class comment
                    }
                    m.put(e.getKey(), v);
                }
                theirs.add(m);
            }
            assertThat(theirs).hasSizeGreaterThan(100);
            // Series that come and go between scrapes (e.g. per-process ones) could differ by timing; a
            // node exporter on an idle machine exposes a stable set, so demand equality.
            Set<Map<String, String>> onlyOurs = new TreeSet<>(NodeExporterInteropTest::compareMaps);
            onlyOurs.addAll(ours);
            onlyOurs.removeAll(theirs);
            Set<Map<String, String>> onlyTheirs = new TreeSet<>(NodeExporterInteropTest::compareMaps);
            onlyTheirs.addAll(theirs);
            onlyTheirs.removeAll(ours);
            assertThat(onlyOurs).as("series only Sextant has").isEmpty();
            assertThat(onlyTheirs).as("series only Prometheus has").isEmpty();

            // up and the scrape_* series agree.
            for (int i = 0; i < SampleIngester.BASIC_REPORTS; i++) {
                String name = SampleIngester.REPORT_NAMES[i];
                assertThat(ours).as(name).anyMatch(m -> name.equals(m.get("__name__")));
            }
            Stored.await("our latest scrape succeeded", () -> Stored.lastValue(storage, "up") == 1.0);
            long promDeadline = System.currentTimeMillis() + 60_000;
            while (queryScalar(prom, "up") != 1.0) {
                assertThat(System.currentTimeMillis()).as("Prometheus's latest scrape succeeded").isLessThan(promDeadline);
                Thread.sleep(200);
            }
            double ourSamples = Stored.lastValue(storage, "scrape_samples_scraped");
            double theirSamples = queryScalar(prom, "scrape_samples_scraped");
            assertThat(ourSamples).isCloseTo(theirSamples, org.assertj.core.data.Percentage.withPercentage(2));
            assertThat(Stored.lastValue(storage, "scrape_samples_post_metric_relabeling")).isEqualTo(ourSamples);
        } finally {
            for (Process p : procs) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private static int compareMaps(Map<String, String> a, Map<String, String> b) {
        return a.toString().compareTo(b.toString());
    }

    private void awaitHttp(String url) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            assertThat(System.currentTimeMillis()).as("waiting for " + url).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    private double queryScalar(String prom, String expr) throws Exception {
        JsonNode res = get(prom + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)).get("data").get("result");
        return res.size() == 0 ? 0 : res.get(0).get("value").get(1).asDouble();
    }
}
