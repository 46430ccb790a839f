package dev.sextant.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A client that goes away interrupts its handler, so a long query is cancelled, not finished for nobody. */
class ClientDisconnectTest {
    @Test
    void closingTheConnectionInterruptsTheRunningHandler() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Router router = new Router().get("/slow", r -> {
            started.countDown();
            try {
                Thread.sleep(300_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return ApiResponse.text(200, "late\n");
        });
        HttpServer server = new HttpServer("127.0.0.1", 0, router, 2, HttpServer.RequestObserver.NONE).start();
        try {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                OutputStream out = s.getOutputStream();
                out.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(interrupted.await(60, TimeUnit.SECONDS)).as("handler interrupted after the client left").isTrue();
        } finally {
            server.close();
        }
    }
}
