package dev.sextant.scrape.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The plain-HTTP scrape transport against a raw socket server, so connections, framing and closes
 * are under the test's control: keep-alive reuse, chunked and fixed-length bodies, a connection the
 * target closed while idle (retried once on a new one), {@code Connection: close}, non-200 answers,
 * the body limit, the timeout, and a refused connection.
 */
class NettyScrapeClientTest {
    /** Answers each request with what {@code respond} gives for its request line; counts connections. */
    static final class RawServer implements AutoCloseable {
        final ServerSocket ss;
        final AtomicInteger connections = new AtomicInteger();
        final List<String> requests = new CopyOnWriteArrayList<>();
        volatile Function<String, byte[]> respond = r -> ok("a 1\n");
        volatile boolean closeAfterEach;
        final Thread acceptor;

        RawServer() throws IOException {
            ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = new Thread(this::acceptLoop, "raw-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return ss.getLocalPort();
        }

        private void acceptLoop() {
            while (!ss.isClosed()) {
                try {
                    Socket s = ss.accept();
                    connections.incrementAndGet();
                    Thread t = new Thread(() -> serve(s), "raw-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                    OutputStream out = s.getOutputStream()) {
                while (true) {
                    String line = in.readLine();
                    if (line == null) {
                        return;
                    }
                    StringBuilder req = new StringBuilder(line);
                    for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
                        req.append('\n').append(h);
                    }
                    requests.add(req.toString());
                    byte[] answer = respond.apply(line);
                    if (answer == null) {
                        Thread.sleep(60_000); // hang
                        return;
                    }
                    boolean close = closeAfterEach; // decided before the client can see the answer
                    out.write(answer);
                    out.flush();
                    if (close) {
                        return;
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the client went away
            }
        }

        @Override
        public void close() throws IOException {
            ss.close();
        }
    }

    static byte[] ok(String body) {
        return ("HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] chunked(String... chunks) {
        StringBuilder sb = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n");
        for (String c : chunks) {
            sb.append(Integer.toHexString(c.length())).append("\r\n").append(c).append("\r\n");
        }
        return sb.append("0\r\n\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    RawServer server;
    NettyScrapeClient client;

    @BeforeEach
    void setUp() throws IOException {
        server = new RawServer();
        client = new NettyScrapeClient(1);
    }

    @AfterEach
    void tearDown() throws IOException {
        client.close();
        server.close();
    }

    NettyScrapeClient.Result get(NettyScrapeClient.Conn conn, String target, long timeoutMs, long limit) throws Exception {
        CompletableFuture<NettyScrapeClient.Result> f = new CompletableFuture<>();
        byte[] req = NettyScrapeClient.encodeRequest(target, conn.hostHeader(), java.util.List.of("Accept", "text/plain", "X-Test", "1"));
        conn.get(req, timeoutMs, new BodyCollector(new byte[4], limit), f::complete);
        return f.get(20, TimeUnit.SECONDS);
    }

    static String body(NettyScrapeClient.Result r) {
        return new String(r.body().buf, 0, r.body().len, StandardCharsets.UTF_8);
    }

    @Test
    void keptAliveConnectionServesEveryScrapeAndHeadersAreSent() throws Exception {
        NettyScrapeClient.Conn conn = client.connection("127.0.0.1", server.port());
        for (int i = 0; i < 5; i++) {
            NettyScrapeClient.Result r = get(conn, "/metrics?x=" + i, 5_000, 0);
            assertThat(r.error()).isNull();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.contentType()).isEqualTo("text/plain; version=0.0.4");
            assertThat(body(r)).isEqualTo("a 1\n");
        }
        assertThat(server.connections.get()).isEqualTo(1);
        assertThat(server.requests.get(4)).startsWith("GET /metrics?x=4 HTTP/1.1")
                .contains("\nHost: 127.0.0.1:" + server.port()).contains("\nAccept: text/plain").contains("\nX-Test: 1");
    }

    @Test
    void chunkedBodiesAreJoinedAndTheEncodingIsReported() throws Exception {
        server.respond = r -> chunked("abc", "defgh", "ij");
        NettyScrapeClient.Result r = get(client.connection("127.0.0.1", server.port()), "/", 5_000, 0);
        assertThat(r.error()).isNull();
        assertThat(body(r)).isEqualTo("abcdefghij");
        assertThat(r.contentEncoding()).isEqualTo("gzip");
    }

    @Test
    void aConnectionClosedByTheTargetIsReplacedAndConnectionCloseIsHonoured() throws Exception {
        server.closeAfterEach = true; // the target closes after each answer, without saying so
        NettyScrapeClient.Conn conn = client.connection("127.0.0.1", server.port());
        for (int i = 0; i < 3; i++) {
            Thread.sleep(50); // let the close arrive, or not: both must work
            NettyScrapeClient.Result r = get(conn, "/", 5_000, 0);
            assertThat(r.error()).as("scrape %d", i).isNull();
            assertThat(body(r)).isEqualTo("a 1\n");
        }
        assertThat(server.connections.get()).isEqualTo(3);

        server.closeAfterEach = false;
        server.respond = r -> ("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nb\n").getBytes(StandardCharsets.ISO_8859_1);
        int before = server.connections.get();
        assertThat(body(get(conn, "/", 5_000, 0))).isEqualTo("b\n");
        assertThat(body(get(conn, "/", 5_000, 0))).isEqualTo("b\n");
        assertThat(server.connections.get() - before).as("Connection: close means a new connection each time").isEqualTo(2);
    }

    @Test
    void otherStatusesAreReportedAndTheConnectionIsKept() throws Exception {
        server.respond = r -> ("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 5\r\n\r\nbusy\n").getBytes(StandardCharsets.ISO_8859_1);
        NettyScrapeClient.Conn conn = client.connection("127.0.0.1", server.port());
        NettyScrapeClient.Result r = get(conn, "/", 5_000, 0);
        assertThat(r.error()).isNull();
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.body().len).as("the body of a failed scrape is not kept").isZero();
        server.respond = x -> ok("c 3\n");
        assertThat(body(get(conn, "/", 5_000, 0))).isEqualTo("c 3\n");
        assertThat(server.connections.get()).isEqualTo(1);
    }

    @Test
    void bodyLimitTimeoutAndRefusedConnectionFailTheScrape() throws Exception {
        server.respond = r -> ok("x".repeat(10_000));
        NettyScrapeClient.Conn conn = client.connection("127.0.0.1", server.port());
        NettyScrapeClient.Result big = get(conn, "/", 5_000, 1_000);
        assertThat(big.error()).isInstanceOf(BodyCollector.TooLarge.class)
                .hasMessage("body size limit exceeded (limit: 1000 bytes)");

        server.respond = r -> null; // hang
        long t0 = System.nanoTime();
        NettyScrapeClient.Result slow = get(conn, "/", 300, 0);
        assertThat(slow.error()).isInstanceOf(TimeoutException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(10_000);

        server.respond = r -> ok("after 1\n");
        assertThat(body(get(conn, "/", 5_000, 0))).as("a new connection after the timeout").isEqualTo("after 1\n");

        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        NettyScrapeClient.Result refused = get(client.connection("127.0.0.1", port), "/", 5_000, 0);
        assertThat(refused.error()).isNotNull().hasMessageContaining("Connection refused");
    }

    @Test
    void abandonFailsTheScrapeInFlightWithoutARetry() throws Exception {
        server.respond = r -> null; // hang
        NettyScrapeClient.Conn conn = client.connection("127.0.0.1", server.port());
        assertThat(get(conn, "/", 200, 0).error()).isInstanceOf(TimeoutException.class); // connection now closed
        server.respond = r -> ok("a 1\n");
        assertThat(body(get(conn, "/", 5_000, 0))).isEqualTo("a 1\n"); // a kept-alive connection again
        server.respond = r -> null;
        CompletableFuture<NettyScrapeClient.Result> f = new CompletableFuture<>();
        conn.get(NettyScrapeClient.encodeRequest("/", conn.hostHeader(), java.util.List.of()), 30_000,
                new BodyCollector(new byte[4], 0), f::complete);
        Thread.sleep(100);
        int before = server.connections.get();
        conn.abandon();
        NettyScrapeClient.Result r = f.get(10, TimeUnit.SECONDS);
        assertThat(r.error()).isNotNull();
        Thread.sleep(100);
        assertThat(server.connections.get()).as("no new connection after abandon").isEqualTo(before);
    }

    @Test
    void requestsAreEncodedOnceWithHostFirstAndConfigValuesCannotInjectHeaders() throws Exception {
        byte[] req = NettyScrapeClient.encodeRequest("/metrics?a=b", "example:9100",
                java.util.List.of("Accept", "text/plain", "X-Prometheus-Scrape-Timeout-Seconds", "10"));
        assertThat(new String(req, StandardCharsets.ISO_8859_1)).isEqualTo("GET /metrics?a=b HTTP/1.1\r\n"
                + "Host: example:9100\r\nAccept: text/plain\r\nX-Prometheus-Scrape-Timeout-Seconds: 10\r\n\r\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NettyScrapeClient.encodeRequest("/", "h",
                java.util.List.of("X-Tenant", "a\r\nX-Evil: 1"))).isInstanceOf(IOException.class)
                .hasMessage("net/http: invalid header field value for \"X-Tenant\"");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NettyScrapeClient.encodeRequest("/", "h",
                java.util.List.of("Bad Name", "v"))).isInstanceOf(IOException.class)
                .hasMessage("net/http: invalid header field name \"Bad Name\"");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NettyScrapeClient.encodeRequest("/a b", "h",
                java.util.List.of())).isInstanceOf(IOException.class);
    }

    /** A tick on the connection's event loop writes its request there; the answer arrives there too. */
    @Test
    void periodicTasksRunOnTheConnectionsEventLoopAndSendFromThere() throws Exception {
        NettyScrapeClient.Conn conn = client.connection("127.0.0.1", server.port());
        byte[] req = NettyScrapeClient.encodeRequest("/tick", conn.hostHeader(), java.util.List.of());
        java.util.concurrent.LinkedBlockingQueue<String> results = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.concurrent.atomic.AtomicInteger ticks = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ScheduledFuture<?> f = conn.scheduleAtFixedRate(() -> {
            assertThat(conn.inLoop()).isTrue();
            if (ticks.incrementAndGet() <= 3) {
                conn.get(req, 5_000, new BodyCollector(new byte[4], 0), r -> results.add(
                        (conn.inLoop() ? "loop " : "other ") + (r.error() == null ? body(r) : r.error().toString())));
            }
        }, 0, 50);
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(results.poll(10, TimeUnit.SECONDS)).isEqualTo("loop a 1\n");
            }
        } finally {
            f.cancel(false);
        }
        assertThat(conn.inLoop()).isFalse();
        assertThat(server.requests.get(0)).startsWith("GET /tick HTTP/1.1\nHost: 127.0.0.1:" + server.port());
    }
}
