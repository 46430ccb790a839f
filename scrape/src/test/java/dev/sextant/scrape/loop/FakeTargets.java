package dev.sextant.scrape.loop;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.zip.GZIPOutputStream;

/** Fake scrape targets on 127.0.0.1 (free port): each path answers with a configurable behaviour. */
final class FakeTargets implements AutoCloseable {
    interface Behaviour {
        void handle(HttpExchange ex) throws IOException;
    }

    final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-target");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    final Map<String, String> lastAccept = new ConcurrentHashMap<>();
    final Map<String, String> lastTimeoutHeader = new ConcurrentHashMap<>();
    final Map<String, String> lastAuthorization = new ConcurrentHashMap<>();
    final Map<String, String> lastCustomHeader = new ConcurrentHashMap<>();

    FakeTargets() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(pool);
        server.createContext("/", ex -> {
            try {
                String path = ex.getRequestURI().getPath();
                lastAccept.put(path, String.valueOf(ex.getRequestHeaders().getFirst("Accept")));
                lastTimeoutHeader.put(path, String.valueOf(ex.getRequestHeaders().getFirst("X-Prometheus-Scrape-Timeout-Seconds")));
                lastAuthorization.put(path, String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
                lastCustomHeader.put(path, String.valueOf(ex.getRequestHeaders().get("X-Tenant")));
                Behaviour b = behaviours.get(path);
                if (b == null) {
                    ex.sendResponseHeaders(404, -1);
                } else {
                    b.handle(ex);
                }
            } catch (IOException e) {
                // client went away (timeout tests)
            } finally {
                ex.close();
            }
        });
        server.start();
    }

    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    void set(String path, Behaviour b) {
        behaviours.put(path, b);
    }

    static Behaviour text(String body) {
        return ex -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), false);
    }

    static Behaviour gzipText(String body) {
        return ex -> send(ex, 200, "text/plain; version=0.0.4", body.getBytes(StandardCharsets.UTF_8), true);
    }

    static Behaviour openMetrics(String body) {
        return ex -> send(ex, 200, "application/openmetrics-text; version=1.0.0; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), false);
    }

    static Behaviour status(int code) {
        return ex -> send(ex, code, "text/plain", "oops\n".getBytes(StandardCharsets.UTF_8), false);
    }

    static Behaviour hang(long ms) {
        return ex -> {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            send(ex, 200, "text/plain", "late 1\n".getBytes(StandardCharsets.UTF_8), false);
        };
    }

    /** Streams {@code bytes} of valid samples. */
    static Behaviour huge(long bytes) {
        return ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            ex.sendResponseHeaders(200, 0);
            byte[] line = "big_metric_with_a_long_name{label=\"some value\"} 1\n".getBytes(StandardCharsets.UTF_8);
            byte[] chunk = new byte[line.length * 1000];
            for (int i = 0; i < 1000; i++) {
                System.arraycopy(line, 0, chunk, i * line.length, line.length);
            }
            try (OutputStream out = ex.getResponseBody()) {
                for (long sent = 0; sent < bytes; sent += chunk.length) {
                    out.write(chunk);
                }
            }
        };
    }

    static void send(HttpExchange ex, int code, String contentType, byte[] body, boolean gzip) throws IOException {
        byte[] b = body;
        if (gzip) {
            java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
                gz.write(body);
            }
            b = bos.toByteArray();
            ex.getResponseHeaders().set("Content-Encoding", "gzip");
        }
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(code, b.length == 0 ? -1 : b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
