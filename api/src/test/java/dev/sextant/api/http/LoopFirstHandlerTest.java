package dev.sextant.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Loop-first handlers start on the event loop with {@link ApiRequest#onEventLoop()} set; a {@link
 * Handler.HandOff} without an answer runs them again on a worker (flag cleared), one with an
 * answer streams that answer from a worker; all on one keep-alive connection.
 */
class LoopFirstHandlerTest {
    @Test
    void startsOnTheLoopAndHandsOffToAWorker() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        Router router = new Router()
                .get("/quick", Handler.loopFirst(r -> {
                    calls.add("quick " + r.onEventLoop() + " " + Thread.currentThread().getName());
                    return ApiResponse.jsonStream(200, out -> out.write(
                            ("{\"thread\":\"" + Thread.currentThread().getName() + "\"}").getBytes(StandardCharsets.UTF_8)));
                }))
                .get("/rerun", Handler.loopFirst(r -> {
                    calls.add("rerun " + r.onEventLoop() + " " + Thread.currentThread().getName());
                    if (r.onEventLoop()) {
                        throw new Handler.HandOff();
                    }
                    return ApiResponse.text(200, Thread.currentThread().getName() + "\n");
                }))
                .get("/big", Handler.loopFirst(r -> {
                    calls.add("big " + r.onEventLoop());
                    ApiResponse big = ApiResponse.jsonStream(200, out -> out.write(
                            ("{\"thread\":\"" + Thread.currentThread().getName() + "\",\"big\":\"" + "x".repeat(300_000)
                                    + "\"}").getBytes(StandardCharsets.UTF_8)));
                    if (r.onEventLoop()) {
                        throw new Handler.HandOff(big);
                    }
                    return big;
                }))
                .get("/fails", Handler.loopFirst(r -> {
                    throw new IllegalStateException("boom");
                }));
        HttpServer server = new HttpServer("127.0.0.1", 0, router, 2, HttpServer.RequestObserver.NONE).start();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));

            String quick = get(out, in, "/quick", 200);
            assertThat(quick).startsWith("{\"thread\":\"").doesNotContain("http-handler-");
            assertThat(get(out, in, "/rerun", 200)).startsWith("http-handler-");
            String big = get(out, in, "/big", 200);
            // Computed once, on the loop; written by a worker.
            assertThat(big).startsWith("{\"thread\":\"http-handler-").endsWith("x\"}");
            assertThat(big.length()).isGreaterThan(300_000);
            assertThat(get(out, in, "/fails", 500)).isEqualTo("internal server error");
            assertThat(get(out, in, "/quick", 200)).doesNotContain("http-handler-");
        } finally {
            server.close();
        }
        assertThat(calls).hasSize(5);
        assertThat(calls.get(0)).startsWith("quick true ").doesNotContain("http-handler-");
        assertThat(calls.get(1)).startsWith("rerun true ").doesNotContain("http-handler-");
        assertThat(calls.get(2)).startsWith("rerun false http-handler-");
        assertThat(calls.get(3)).isEqualTo("big true");
        assertThat(calls.get(4)).startsWith("quick true ");
    }

    @Test
    void handlersThatAreNotLoopFirstNeverSeeTheFlag() throws Exception {
        Router router = new Router()
                .get("/plain", r -> ApiResponse.text(200, r.onEventLoop() + " " + Thread.currentThread().getName() + "\n"));
        HttpServer server = new HttpServer("127.0.0.1", 0, router, 1, HttpServer.RequestObserver.NONE).start();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            assertThat(get(s.getOutputStream(), in, "/plain", 200)).startsWith("false http-handler-");
        } finally {
            server.close();
        }
    }

    private static String get(OutputStream out, BufferedReader in, String path, int status) throws Exception {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThat(in.readLine()).startsWith("HTTP/1.1 " + status + " ");
        return InlineHandlerTest.body(in);
    }
}
