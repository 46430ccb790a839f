package dev.sextant.promql.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sextant.promql.engine.EngineOptions;
import dev.sextant.promql.engine.QueryEngine;
import dev.sextant.tsdb.memory.MemoryStorage;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.StaleNaN;
import dev.sextant.tsdb.storage.Appender;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sextant's rule manager and notifier against Debian's prometheus-alertmanager. */
@Tag("interop")
class AlertmanagerInteropTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final MemoryStorage storage = new MemoryStorage();
    private final Labels cond = Labels.of("__name__", "disk_full", "instance", "db1");

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void startAlertmanager(int port) throws Exception {
        Path bin = InteropSupport.binary("prometheus-alertmanager");
        Path data = Files.createDirectories(dir.resolve("am-data-" + port));
        Path cfg = dir.resolve("am.yml");
        Files.writeString(cfg, """
                route:
                  receiver: "null"
                  group_wait: 1s
                  group_interval: 1s
                receivers:
                  - name: "null"
                """);
        Process p = new ProcessBuilder(bin.toString(), "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=", "--storage.path=" + data, "--config.file=" + cfg)
                .redirectErrorStream(true).redirectOutput(dir.resolve("am-" + port + ".log").toFile()).start();
        processes.add(p);
        await("alertmanager ready", 30, () -> {
            try {
                return get(port, "/-/ready").statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The alerts Alertmanager holds for our alert name. */
    private static List<JsonNode> amAlerts(int port) {
        List<JsonNode> out = new ArrayList<>();
        try {
            JsonNode arr = new ObjectMapper().readTree(get(port, "/api/v2/alerts").body());
            for (JsonNode a : arr) {
                if (a.path("labels").path("alertname").asText().equals("DiskFull")) {
                    out.add(a);
                }
            }
        } catch (Exception e) {
            // not up yet
        }
        return out;
    }

    private static void await(String what, int seconds, BooleanSupplier cond) throws InterruptedException {
        // At least 60 s whatever the caller says: returns as soon as cond holds, and a loaded CI machine is slow.
        long deadline = System.currentTimeMillis() + Math.max(seconds, 60) * 1000L;
        while (!cond.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as("timed out waiting for %s", what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private void write(Labels l, double v) {
        Appender a = storage.appender();
        a.append(0, l, System.currentTimeMillis(), v);
        a.commit();
    }

    private RuleManager manager(AlertmanagerNotifier notifier) throws Exception {
        Path rules = dir.resolve("rules.yml");
        Files.writeString(rules, """
                groups:
                  - name: disk
                    interval: 500ms
                    rules:
                      - alert: DiskFull
                        expr: disk_full
                        for: 2s
                        labels:
                          severity: page
                        annotations:
                          summary: 'Disk on {{ $labels.instance }} is full'
                """);
        RuleManagerOptions opts = new RuleManagerOptions(Labels.of("cluster", "test"), "http://sextant:9090", 1_000,
                3_600_000, 600_000, 0, false, dev.sextant.promql.engine.QueryOptions.DEFAULTS);
        RuleManager m = new RuleManager(new QueryEngine(EngineOptions.DEFAULTS), storage, storage, Clock.systemUTC(),
                notifier, opts);
        m.applyFiles(List.of(rules), 60_000);
        return m;
    }

    private String ruleState(RuleManager m) {
        return m.groups().get(0).rules().get(0).state();
    }

    @Test
    void alertGoesPendingFiresInAlertmanagerAndResolves() throws Exception {
        int port = freePort();
        startAlertmanager(port);
        try (AlertmanagerNotifier notifier = new AlertmanagerNotifier(
                List.of(AlertmanagerConfig.of(List.of("127.0.0.1:" + port))), Labels.of("cluster", "test"), null,
                new AlertmanagerNotifier.Options(1000, 64, 100, 1000));
                RuleManager m = manager(notifier)) {
            m.start();
            write(cond, 1);
            await("pending", 10, () -> "pending".equals(ruleState(m)));
            long pendingSeen = System.currentTimeMillis();
            assertThat(amAlerts(port)).as("pending alerts are not sent").isEmpty();
            await("firing", 10, () -> "firing".equals(ruleState(m)));
            assertThat(System.currentTimeMillis() - pendingSeen).as("fires after `for`").isGreaterThanOrEqualTo(1_000);
            await("alert in alertmanager", 15, () -> !amAlerts(port).isEmpty());
            JsonNode a = amAlerts(port).get(0);
            assertThat(a.path("status").path("state").asText()).isEqualTo("active");
            assertThat(a.path("labels").path("severity").asText()).isEqualTo("page");
            assertThat(a.path("labels").path("instance").asText()).isEqualTo("db1");
            assertThat(a.path("labels").path("cluster").asText()).isEqualTo("test");
            assertThat(a.path("annotations").path("summary").asText()).isEqualTo("Disk on db1 is full");
            assertThat(a.path("generatorURL").asText()).isEqualTo("http://sextant:9090/graph?g0.expr=disk_full&g0.tab=1");

            write(cond, StaleNaN.VALUE);
            await("inactive", 10, () -> "inactive".equals(ruleState(m)));
            await("resolved in alertmanager", 15, () -> amAlerts(port).isEmpty());
            assertThat(notifier.errors()).isZero();
        }
    }

    @Test
    void aDownAlertmanagerDoesNotBlockEvaluationAndGetsAlertsLater() throws Exception {
        int port = freePort();
        try (AlertmanagerNotifier notifier = new AlertmanagerNotifier(
                List.of(AlertmanagerConfig.of(List.of("127.0.0.1:" + port))), Labels.EMPTY, null,
                new AlertmanagerNotifier.Options(1000, 64, 100, 1000));
                RuleManager m = manager(notifier)) {
            m.start();
            write(cond, 1);
            await("firing", 10, () -> "firing".equals(ruleState(m)));
            await("send errors", 10, () -> notifier.errors() >= 2);
            long evals = m.stats().get(0).evaluations();
            long missed = m.stats().get(0).missedIterations();
            // Evaluation continues while Alertmanager is down, on time: sends that blocked the
            // evaluation (retries back off up to 1 s, the interval is 500 ms) would miss most ticks.
            // One late tick is allowed for a loaded machine.
            await("evaluation continues while Alertmanager is down", 60,
                    () -> m.stats().get(0).evaluations() >= evals + 4);
            assertThat(m.stats().get(0).missedIterations() - missed).as("missed iterations while Alertmanager is down")
                    .isLessThanOrEqualTo(1);
            startAlertmanager(port);
            await("alert delivered after Alertmanager came up", 20, () -> !amAlerts(port).isEmpty());
            assertThat(amAlerts(port).get(0).path("status").path("state").asText()).isEqualTo("active");
        }
    }
}
