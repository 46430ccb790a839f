package dev.sextant.api.remote.send;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The plain-HTTP transport of {@link HttpSender} (Netty, kept-alive connections) against a real server. */
class HttpSenderTransportTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private HttpServer server;
    private final List<Map<String, List<String>>> headers = new CopyOnWriteArrayList<>();
    private final List<byte[]> bodies = new CopyOnWriteArrayList<>();
    private final Set<String> clientPorts = ConcurrentHashMap.newKeySet();
    private volatile Consumer<HttpExchange> answer = ex -> respond(ex, 204, "", Map.of());

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private String start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/api/v1/write", ex -> {
            headers.add(Map.copyOf(ex.getRequestHeaders()));
            bodies.add(ex.getRequestBody().readAllBytes());
            clientPorts.add(String.valueOf(ex.getRemoteAddress().getPort()));
            answer.accept(ex);
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/write";
    }

    private static void respond(HttpExchange ex, int status, String body, Map<String, String> extra) {
        try {
            extra.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
            if (b.length > 0) {
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(b);
                }
            }
            ex.close();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static RemoteWriteConfig config(String url, String extra) throws Exception {
        String yaml = "remote_write:\n  - url: " + url + "\n    remote_timeout: 2s\n" + extra;
        return RemoteWriteConfigParser.parse(YAML.readTree(yaml).get("remote_write"), Path.of("/tmp")).get(0);
    }

    @Test
    void sendsTheBodyAndHeadersOverOneKeptAliveConnection() throws Exception {
        String url = start();
        HttpSender s = new HttpSender(config(url, """
                    headers: {X-Scope-OrgID: tenant-1}
                    basic_auth: {username: u, password: p}
                """));
        try {
            byte[] buf = new byte[100];
            for (int i = 0; i < 5; i++) {
                Arrays.fill(buf, (byte) i);
                HttpSender.Result r = s.send(buf, 10 + i);
                assertThat(r.outcome()).isEqualTo(HttpSender.Outcome.SENT);
                assertThat(r.status()).isEqualTo(204);
            }
        } finally {
            s.close();
        }
        assertThat(bodies).hasSize(5);
        for (int i = 0; i < 5; i++) {
            byte[] want = new byte[10 + i];
            Arrays.fill(want, (byte) i);
            assertThat(bodies.get(i)).as("body %d (the caller's array, not a stale copy)", i).isEqualTo(want);
        }
        Map<String, List<String>> h = headers.get(0);
        assertThat(h.get("Content-encoding")).containsExactly("snappy");
        assertThat(h.get("Content-type")).containsExactly("application/x-protobuf");
        assertThat(h.get("X-prometheus-remote-write-version")).containsExactly("0.1.0");
        assertThat(h.get("User-agent")).containsExactly(HttpSender.USER_AGENT);
        assertThat(h.get("X-scope-orgid")).containsExactly("tenant-1");
        assertThat(h.get("Authorization")).containsExactly("Basic dTpw");
        assertThat(h.get("Host").get(0)).isEqualTo("127.0.0.1:" + server.getAddress().getPort());
        assertThat(clientPorts).as("all requests on one kept-alive connection").hasSize(1);
    }

    @Test
    void statusesAreClassifiedWithTheReceiversMessage() throws Exception {
        String url = start();
        HttpSender s = new HttpSender(config(url, "    queue_config: {retry_on_http_429: true}\n"));
        try {
            answer = ex -> respond(ex, 503, "overloaded", Map.of());
            HttpSender.Result r = s.send(new byte[3], 3);
            assertThat(r.outcome()).isEqualTo(HttpSender.Outcome.RETRY);
            assertThat(r.message()).isEqualTo("server returned HTTP status 503: overloaded");

            answer = ex -> respond(ex, 400, "out of order sample", Map.of());
            r = s.send(new byte[3], 3);
            assertThat(r.outcome()).isEqualTo(HttpSender.Outcome.DROP);
            assertThat(r.message()).contains("400").contains("out of order sample");

            answer = ex -> respond(ex, 429, "slow down", Map.of("Retry-After", "3"));
            r = s.send(new byte[3], 3);
            assertThat(r.outcome()).isEqualTo(HttpSender.Outcome.RETRY);
            assertThat(r.retryAfterMs()).isEqualTo(3_000);

            answer = ex -> respond(ex, 200, "x".repeat(5000), Map.of("Connection", "close"));
            r = s.send(new byte[3], 3);
            assertThat(r.outcome()).as("a large body and Connection: close").isEqualTo(HttpSender.Outcome.SENT);
            answer = ex -> respond(ex, 204, "", Map.of());
            assertThat(s.send(new byte[3], 3).outcome()).as("a new connection after close").isEqualTo(HttpSender.Outcome.SENT);
        } finally {
            s.close();
        }
    }

    @Test
    void aReceiverThatIsDownOrSilentIsRetried() throws Exception {
        int port;
        try (ServerSocket ss = new ServerSocket(0)) {
            port = ss.getLocalPort();
        }
        HttpSender down = new HttpSender(config("http://127.0.0.1:" + port + "/api/v1/write", ""));
        try {
            assertThat(down.send(new byte[3], 3).outcome()).isEqualTo(HttpSender.Outcome.RETRY);
        } finally {
            down.close();
        }
        // Accepts connections but never answers: the remote timeout (2 s) ends the request.
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            List<Socket> held = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException ignored) {
                    // closed
                }
            });
            acceptor.start();
            HttpSender s = new HttpSender(config("http://127.0.0.1:" + silent.getLocalPort() + "/api/v1/write", ""));
            try {
                long t0 = System.nanoTime();
                HttpSender.Result r = s.send(new byte[3], 3);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(r.outcome()).isEqualTo(HttpSender.Outcome.RETRY);
                assertThat(r.message()).contains("timed out");
                assertThat(ms).isBetween(1_500L, 10_000L);
            } finally {
                s.close();
                silent.close();
                acceptor.join(5_000);
                for (Socket so : held) {
                    so.close();
                }
            }
        }
    }

    @Test
    void aKeptAliveConnectionTheReceiverClosedIsReplacedWithoutARetry() throws Exception {
        String url = start();
        HttpSender s = new HttpSender(config(url, ""));
        try {
            assertThat(s.send(new byte[3], 3).outcome()).isEqualTo(HttpSender.Outcome.SENT);
            // Restart the receiver on the same port: the pooled connection is now dead.
            int port = server.getAddress().getPort();
            server.stop(0);
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            server.createContext("/api/v1/write", ex -> {
                bodies.add(ex.getRequestBody().readAllBytes());
                respond(ex, 204, "", Map.of());
            });
            server.start();
            HttpSender.Result r = s.send(new byte[] {7, 7}, 2);
            assertThat(r.outcome()).isEqualTo(HttpSender.Outcome.SENT);
            assertThat(bodies.get(bodies.size() - 1)).containsExactly(7, 7);
        } finally {
            s.close();
        }
    }
}
