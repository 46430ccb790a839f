package dev.sextant.api.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sextant.api.app.ServerOptions;
import dev.sextant.api.app.SextantServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's Prometheus 2.42 scrapes node-exporter and itself and remote-writes everything to
 * Sextant. The same queries, instant and range, must then give the same answers from both servers,
 * compared series by series and value by value. Also: promtool's query commands print the same
 * against both, and a Prometheus with remote_read pointing at Sextant answers from Sextant's data.
 */
@Tag("interop")
class QueryParityInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Instant and range queries covering selectors, rate, aggregations, joins, histograms, subqueries. */
    static final List<String> QUERIES = List.of(
            "up",
            "up{job=\"node\"}",
            "node_load1",
            "node_cpu_seconds_total{mode=\"idle\"}",
            "node_cpu_seconds_total{mode=~\"user|system\"}",
            "node_cpu_seconds_total{mode!=\"idle\"}",
            "node_cpu_seconds_total{mode!~\"idle|iowait\"}",
            "rate(node_cpu_seconds_total[10s])",
            "irate(node_cpu_seconds_total[10s])",
            "increase(node_network_receive_bytes_total[10s])",
            "sum(rate(node_cpu_seconds_total[10s]))",
            "sum by (mode) (rate(node_cpu_seconds_total[10s]))",
            "avg without (cpu) (rate(node_cpu_seconds_total[10s]))",
            "max by (job) (up)",
            "min(node_filesystem_avail_bytes)",
            "count(node_cpu_seconds_total)",
            "count by (mode) (node_cpu_seconds_total)",
            "topk(3, node_network_receive_bytes_total)",
            "bottomk(2, node_network_receive_bytes_total)",
            "quantile(0.9, rate(node_cpu_seconds_total[10s]))",
            "stddev(node_load1)",
            "count_values(\"v\", up)",
            "node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes",
            "1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes",
            "node_filesystem_avail_bytes / on(device, mountpoint, fstype, instance, job) node_filesystem_size_bytes",
            "rate(node_cpu_seconds_total[10s]) * on(instance) group_left(nodename) node_uname_info",
            "up == 1",
            "up > bool 0",
            "node_load1 > 0 or up",
            "up and node_load1",
            "up unless up{job=\"node\"}",
            "histogram_quantile(0.9, sum by (le) (rate(prometheus_http_request_duration_seconds_bucket[10s])))",
            "histogram_quantile(0.5, sum by (le, handler) (rate(prometheus_http_response_size_bytes_bucket[15s])))",
            "sum_over_time(up[10s])",
            "avg_over_time(node_load1[10s])",
            "max_over_time(process_resident_memory_bytes[10s])",
            "min_over_time(process_resident_memory_bytes[10s])",
            "count_over_time(up[10s])",
            "last_over_time(node_load1[10s])",
            "stddev_over_time(process_resident_memory_bytes[10s])",
            "quantile_over_time(0.5, process_resident_memory_bytes[10s])",
            "deriv(process_resident_memory_bytes[10s])",
            "predict_linear(process_resident_memory_bytes[10s], 60)",
            "delta(process_resident_memory_bytes[10s])",
            "idelta(process_resident_memory_bytes[10s])",
            "changes(process_resident_memory_bytes[10s])",
            "resets(node_cpu_seconds_total[10s])",
            "abs(-node_load1)",
            "ceil(node_load1) + floor(node_load1)",
            "round(process_resident_memory_bytes / 1024, 0.5)",
            "clamp(node_load1, 0, 0.5)",
            "clamp_min(node_load1, 1)",
            "label_replace(up, \"host\", \"$1\", \"instance\", \"(.*):.*\")",
            "label_join(up, \"x\", \"-\", \"job\", \"instance\")",
            "sort(process_resident_memory_bytes)",
            "sort_desc(process_resident_memory_bytes)",
            "absent(nonexistent_metric)",
            "absent(up)",
            "timestamp(up)",
            "vector(1)",
            "scalar(sum(up))",
            "time()",
            "sum(rate(node_cpu_seconds_total[10s] offset 5s))",
            "rate(node_cpu_seconds_total[10s:2s])",
            "max_over_time(rate(node_network_receive_bytes_total[5s])[10s:2s])",
            "exp(-node_load1) + sqrt(node_load1)",
            "ln(node_memory_MemTotal_bytes) + log2(node_memory_MemTotal_bytes) + log10(node_memory_MemTotal_bytes)",
            "sgn(node_load1 - 1)",
            "sum by (instance) (rate(node_network_receive_bytes_total[10s])) / 1024",
            "group by (job) (up)",
            "count(count by (cpu) (node_cpu_seconds_total))");

    /** Queries whose right answer is empty. */
    static final java.util.Set<String> EMPTY_BY_DESIGN = java.util.Set.of("absent(up)");

    @TempDir
    static Path dir;

    private static SextantServer sextant;
    private static Peer nodeExporter;
    private static Peer prometheus;
    private static long evalTime;

    @BeforeAll
    static void start() throws Exception {
        sextant = SextantServer.start(ServerOptions.defaults(dir.resolve("sextant"), "127.0.0.1", 0)
                .withRemoteWriteReceiver(true).withConfigFile(emptyConfig()));
        int nePort = ExternalBinary.freePort();
        nodeExporter = Peer.start("prometheus-node-exporter", nePort, dir, "--web.listen-address=127.0.0.1:" + nePort)
                .awaitHttp("/metrics", Duration.ofSeconds(60));
        int promPort = ExternalBinary.freePort();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: node
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                  - job_name: prometheus
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                remote_write:
                  - url: http://127.0.0.1:%d/api/v1/write
                    queue_config:
                      batch_send_deadline: 500ms
                """.formatted(nePort, promPort, sextant.port()));
        prometheus = Peer.start("prometheus", promPort, dir, "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("prometheus"), "--web.listen-address=127.0.0.1:" + promPort)
                .awaitHttp("/-/ready", Duration.ofSeconds(60));
        // Collect ~25 s of data, then pick an evaluation time both servers hold completely.
        Thread.sleep(25_000);
        evalTime = System.currentTimeMillis() / 1000 - 5;
        // Odd seconds: Prometheus 3 (Sextant's semantics) excludes a subquery point that falls exactly
        // on the window's left edge, 2.42 includes it. With 2s subquery steps and odd evaluation
        // times no point ever falls on an edge, so both versions must agree exactly.
        if (evalTime % 2 == 0) {
            evalTime--;
        }
        // Wait until Sextant holds everything Prometheus holds up to the evaluation time: the newest
        // sample of every series up to evalTime is the same on both. (Remote write may run several
        // shards, so one series having arrived says nothing of the others; on a loaded machine the
        // queue can lag by many seconds.) On a timeout the comparisons below show what differs.
        long waitStart = System.nanoTime();
        long deadline = waitStart + Duration.ofSeconds(90).toNanos();
        String newest = "/api/v1/query";
        // A range selector keeps the names and gives each series' raw samples with their timestamps.
        String params = "query=" + enc("{__name__=~\".+\"}[20s]") + "&time=" + evalTime;
        while (System.nanoTime() < deadline) {
            Map<String, Double> want = newestSamples(query(prometheus.port, newest, params));
            Map<String, Double> got = newestSamples(query(sextant.port(), newest, params));
            if (!want.isEmpty() && want.equals(got)) {
                System.out.printf("parity: Sextant held Prometheus's %d series up to the evaluation time after %d ms%n",
                        want.size(), (System.nanoTime() - waitStart) / 1_000_000);
                break;
            }
            Thread.sleep(500);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        if (nodeExporter != null) {
            nodeExporter.close();
        }
        if (sextant != null) {
            sextant.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> instantQueriesAgree() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String q : QUERIES) {
            tests.add(DynamicTest.dynamicTest("instant: " + q, () -> compare(q,
                    "/api/v1/query", "query=" + enc(q) + "&time=" + evalTime)));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> rangeQueriesAgree() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String q : QUERIES) {
            if (q.equals("time()") || q.startsWith("scalar(")) {
                continue; // scalars are covered by the instant run
            }
            tests.add(DynamicTest.dynamicTest("range: " + q, () -> compare(q, "/api/v1/query_range",
                    "query=" + enc(q) + "&start=" + (evalTime - 8) + "&end=" + evalTime + "&step=2")));
        }
        return tests.stream();
    }

    private static void compare(String q, String path, String params) throws Exception {
        JsonNode p = query(prometheus.port, path, params);
        JsonNode s = query(sextant.port(), path, params);
        assertThat(p.path("status").asText()).as("prometheus: %s", p).isEqualTo("success");
        assertThat(s.path("status").asText()).as("sextant: %s", s).isEqualTo("success");
        assertThat(s.path("data").path("resultType").asText()).isEqualTo(p.path("data").path("resultType").asText());
        Map<String, JsonNode> ps = bySeries(p.path("data"));
        Map<String, JsonNode> ss = bySeries(s.path("data"));
        if (!EMPTY_BY_DESIGN.contains(q)) {
            // A comparison of two empty answers would prove nothing.
            assertThat(ps).as("Prometheus's answer to %s", q).isNotEmpty();
        }
        assertThat(ss.keySet()).as("series of %s", q).isEqualTo(ps.keySet());
        for (Map.Entry<String, JsonNode> e : ps.entrySet()) {
            JsonNode pv = e.getValue();
            JsonNode sv = ss.get(e.getKey());
            assertThat(sv.size()).as("points of %s %s", q, e.getKey()).isEqualTo(pv.size());
            for (int i = 0; i < pv.size(); i++) {
                assertThat(sv.get(i).get(0).asDouble()).as("timestamp %d of %s %s", i, q, e.getKey())
                        .isEqualTo(pv.get(i).get(0).asDouble());
                double a = Double.parseDouble(pv.get(i).get(1).asText().replace("Inf", "Infinity"));
                double b = Double.parseDouble(sv.get(i).get(1).asText().replace("Inf", "Infinity"));
                if (Double.isNaN(a) || Double.isInfinite(a)) {
                    assertThat(sv.get(i).get(1).asText()).isEqualTo(pv.get(i).get(1).asText());
                } else {
                    // Sums over series may add in another order: allow rounding in the last bits.
                    assertThat(b).as("value %d of %s %s", i, q, e.getKey())
                            .isCloseTo(a, org.assertj.core.data.Offset.offset(Math.max(1e-9, Math.abs(a) * 1e-12)));
                }
            }
        }
    }

    /** The timestamp of each series' newest sample in a range-vector answer. */
    private static Map<String, Double> newestSamples(JsonNode answer) {
        Map<String, Double> out = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : bySeries(answer.path("data")).entrySet()) {
            JsonNode points = e.getValue();
            if (points.size() > 0) {
                out.put(e.getKey(), points.get(points.size() - 1).get(0).asDouble());
            }
        }
        return out;
    }

    /** Series keyed by their canonical label set, each mapped to its points (one for vectors). */
    private static Map<String, JsonNode> bySeries(JsonNode data) {
        Map<String, JsonNode> out = new TreeMap<>();
        String type = data.path("resultType").asText();
        JsonNode result = data.path("result");
        if (type.equals("scalar") || type.equals("string")) {
            out.put("", JSON.createArrayNode().add(result));
            return out;
        }
        for (JsonNode s : result) {
            String key = new TreeMap<>(JSON.convertValue(s.path("metric"), Map.class)).toString();
            out.put(key, type.equals("vector") ? JSON.createArrayNode().add(s.path("value")) : s.path("values"));
        }
        return out;
    }

    private static JsonNode query(int port, String path, String params) throws Exception {
        var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(params)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private static Path emptyConfig() throws Exception {
        Path c = dir.resolve("sextant.yml");
        Files.writeString(c, "global:\n  scrape_interval: 15s\n");
        return c;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
