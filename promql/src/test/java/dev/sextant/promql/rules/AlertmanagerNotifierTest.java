package dev.sextant.promql.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.sextant.tsdb.model.Labels;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AlertmanagerNotifierTest {
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private volatile CountDownLatch gate;

    private int startServer(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", ex -> {
            try {
                if (gate != null) {
                    gate.await(60, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            paths.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " "
                    + ex.getRequestHeaders().getFirst("Content-Type"));
            bodies.add(new ObjectMapper().readTree(ex.getRequestBody()));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
        return server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static void await(BooleanSupplier cond) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!cond.getAsBoolean() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(cond.getAsBoolean()).as("condition within 60s").isTrue();
    }

    private static NotifierAlert alert(String name, long starts, long ends) {
        return new NotifierAlert(Labels.of("alertname", name, "cluster", "own"), Map.of("summary", "s " + name), starts,
                ends, "http://prom/graph?g0.expr=up&g0.tab=1");
    }

    @Test
    void postsV2JsonInBatchesWithExternalLabelsAndRelabeling() throws Exception {
        int port = startServer(0);
        AlertmanagerConfig cfg = new AlertmanagerConfig("http", "/am/", 5_000, "v2", List.of("127.0.0.1:" + port), null,
                null, null);
        assertThat(cfg.alertsUrls()).containsExactly("http://127.0.0.1:" + port + "/am/api/v2/alerts");
        gate = new CountDownLatch(1);
        try (AlertmanagerNotifier n = new AlertmanagerNotifier(List.of(cfg), Labels.of("cluster", "ext", "dc", "x"),
                l -> l.get("alertname").equals("drop") ? null : l, AlertmanagerNotifier.Options.DEFAULTS)) {
            List<NotifierAlert> many = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                many.add(alert("a" + i, 120_000, 360_000));
            }
            many.add(alert("drop", 1, 2));
            n.send(many.subList(0, 1));
            await(() -> n.queueLength() == 0);
            n.send(many.subList(1, many.size()));
            gate.countDown();
            await(() -> n.sent() == 300);
            assertThat(n.dropped()).isZero();
        }
        assertThat(bodies).hasSize(3);
        assertThat(bodies.get(1).size()).isEqualTo(256);
        assertThat(bodies.get(2).size()).isEqualTo(299 - 256);
        assertThat(paths).allMatch(p -> p.equals("POST /am/api/v2/alerts application/json"));
        JsonNode first = bodies.get(0).get(0);
        assertThat(first.get("labels").get("alertname").asText()).isEqualTo("a0");
        assertThat(first.get("labels").get("cluster").asText()).as("alert's own label wins").isEqualTo("own");
        assertThat(first.get("labels").get("dc").asText()).isEqualTo("x");
        assertThat(first.get("annotations").get("summary").asText()).isEqualTo("s a0");
        assertThat(first.get("startsAt").asText()).isEqualTo("1970-01-01T00:02:00Z");
        assertThat(first.get("endsAt").asText()).isEqualTo("1970-01-01T00:06:00Z");
        assertThat(first.get("generatorURL").asText()).isEqualTo("http://prom/graph?g0.expr=up&g0.tab=1");
    }

    @Test
    void fullQueueDropsTheOldest() throws Exception {
        int port = startServer(0);
        gate = new CountDownLatch(1);
        try (AlertmanagerNotifier n = new AlertmanagerNotifier(List.of(AlertmanagerConfig.of(List.of("127.0.0.1:" + port))),
                Labels.EMPTY, null, new AlertmanagerNotifier.Options(5, 256, 10, 100))) {
            n.send(List.of(alert("inflight", 1, 2)));
            await(() -> n.queueLength() == 0); // the sender holds it, blocked in the POST
            List<NotifierAlert> eight = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                eight.add(alert("q" + i, 1, 2));
            }
            n.send(eight);
            assertThat(n.dropped()).isEqualTo(3);
            assertThat(n.queueLength()).isEqualTo(5);
            gate.countDown();
            await(() -> n.sent() == 6);
        }
        assertThat(bodies.get(1).get(0).get("labels").get("alertname").asText()).isEqualTo("q3");
    }

    @Test
    void aDownAlertmanagerGetsTheAlertsOnceItIsUp() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (AlertmanagerNotifier n = new AlertmanagerNotifier(List.of(AlertmanagerConfig.of(List.of("127.0.0.1:" + port))),
                Labels.EMPTY, null, new AlertmanagerNotifier.Options(100, 256, 20, 100))) {
            long start = System.nanoTime();
            n.send(List.of(alert("late", 1, 2)));
            // Generous for a loaded machine: a send that waited for delivery would never return here,
            // as the Alertmanager only starts below.
            assertThat(System.nanoTime() - start).as("send does not block").isLessThan(TimeUnit.SECONDS.toNanos(5));
            await(() -> n.errors() >= 2);
            assertThat(n.sent()).isZero();
            startServer(port);
            await(() -> n.sent() == 1);
        }
        assertThat(bodies.get(0).get(0).get("labels").get("alertname").asText()).isEqualTo("late");
    }
}
