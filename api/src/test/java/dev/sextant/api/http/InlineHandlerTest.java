package dev.sextant.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Inline handlers run on the connection's event loop, all others on the worker pool; both answer
 * on the same keep-alive connection, and an inline handler's streamed body is still sent whole.
 */
class InlineHandlerTest {
    @Test
    void inlineHandlersRunOnTheEventLoopOthersOnWorkers() throws Exception {
        Router router = new Router()
                .get("/inline", Handler.inline(r -> ApiResponse.text(200, Thread.currentThread().getName() + "\n")))
                .get("/worker", r -> ApiResponse.text(200, Thread.currentThread().getName() + "\n"))
                .get("/inline-stream", Handler.inline(r -> ApiResponse.jsonStream(200,
                        out -> out.write(("{\"big\":\"" + "x".repeat(200_000) + "\"}").getBytes(StandardCharsets.UTF_8)))));
        HttpServer server = new HttpServer("127.0.0.1", 0, router, 2, HttpServer.RequestObserver.NONE).start();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            assertThat(get(out, in, "/inline")).doesNotStartWith("http-handler-");
            assertThat(get(out, in, "/worker")).startsWith("http-handler-");
            assertThat(get(out, in, "/inline")).doesNotStartWith("http-handler-");
            String big = get(out, in, "/inline-stream");
            assertThat(big.length()).isEqualTo(200_010);
            assertThat(big.endsWith("x\"}")).isTrue();
            // 404s are inline too, and the connection still serves the next request afterwards.
            out.write("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 404 Not Found");
            assertThat(body(in)).isEqualTo("404 page not found");
            assertThat(get(out, in, "/worker")).startsWith("http-handler-");
        } finally {
            server.close();
        }
    }

    @Test
    void aBlockedWorkerDoesNotDelayInlineAnswersOnOtherConnections() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        Router router = new Router()
                .get("/slow", r -> {
                    started.countDown();
                    release.await(120, TimeUnit.SECONDS);
                    return ApiResponse.text(200, "slow\n");
                })
                .get("/ready", Handler.inline(r -> ApiResponse.text(200, "ready\n")));
        HttpServer server = new HttpServer("127.0.0.1", 0, router, 1, HttpServer.RequestObserver.NONE).start();
        try (Socket slow = new Socket(InetAddress.getLoopbackAddress(), server.port());
                Socket probe = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            slow.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
            probe.setSoTimeout(30_000); // well under the slow handler's 120 s: a worker-run probe would time out
            BufferedReader in = new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8));
            // The only worker is busy: a worker-run probe would wait; the inline one answers.
            assertThat(get(probe.getOutputStream(), in, "/ready")).isEqualTo("ready");
        } finally {
            release.countDown();
            server.close();
        }
    }

    private static String get(OutputStream out, BufferedReader in, String path) throws Exception {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
        return body(in);
    }

    /** Reads headers, then a Content-Length or chunked body; returns it without its trailing newline. */
    static String body(BufferedReader in) throws Exception {
        int length = -1;
        boolean chunked = false;
        for (String h; !(h = in.readLine()).isEmpty(); ) {
            String lower = h.toLowerCase();
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(h.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        StringBuilder b = new StringBuilder();
        if (chunked) {
            for (int n; (n = Integer.parseInt(in.readLine().trim(), 16)) > 0; ) {
                char[] c = new char[n];
                for (int off = 0; off < n; ) {
                    off += in.read(c, off, n - off);
                }
                b.append(c);
                in.readLine();
            }
            in.readLine();
        } else {
            char[] c = new char[length];
            for (int off = 0; off < length; ) {
                off += in.read(c, off, length - off);
            }
            b.append(c);
        }
        String s = b.toString();
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }
}
