package dev.sextant.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The runner's client against a scripted server: framing, keep-alive reuse, reconnects. */
class KeepAliveClientTest {
    @Test
    void readsLengthAndChunkedBodiesOnOneConnectionAndReconnectsAfterClose() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        List<String> bodiesSeen = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try {
                    // Connection 1: a Content-Length answer, then a chunked one, then "Connection: close".
                    try (Socket s = server.accept()) {
                        connections.incrementAndGet();
                        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                        OutputStream out = s.getOutputStream();
                        bodiesSeen.add(readRequest(in));
                        out.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello".getBytes(StandardCharsets.US_ASCII));
                        bodiesSeen.add(readRequest(in));
                        out.write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"
                                + "4;ext=1\r\ndefg\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        bodiesSeen.add(readRequest(in));
                        out.write("HTTP/1.1 422 Unprocessable Entity\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
                                .getBytes(StandardCharsets.US_ASCII));
                    }
                    // Connection 2: after the server closed, the client must connect again.
                    try (Socket s = server.accept()) {
                        connections.incrementAndGet();
                        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                        bodiesSeen.add(readRequest(in));
                        s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nbye".getBytes(StandardCharsets.US_ASCII));
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            t.start();
            try (KeepAliveClient c = new KeepAliveClient(URI.create("http://127.0.0.1:" + server.getLocalPort()), 10_000)) {
                KeepAliveClient.Response r1 = c.post("/api/v1/query", "query=1", "test");
                assertThat(r1.status()).isEqualTo(200);
                assertThat(r1.bodyString()).isEqualTo("hello");
                assertThat(c.post("/api/v1/query", "query=up%7B%7D", "test").bodyString()).isEqualTo("abcdefg");
                KeepAliveClient.Response r3 = c.post("/api/v1/query", "query=bad", "test");
                assertThat(r3.status()).isEqualTo(422);
                assertThat(r3.bodyString()).isEqualTo("{}");
                assertThat(c.post("/api/v1/query", "query=again", "test").bodyString()).isEqualTo("bye");
            }
            t.join(10_000);
        }
        assertThat(connections.get()).isEqualTo(2);
        assertThat(bodiesSeen).containsExactly("query=1", "query=up%7B%7D", "query=bad", "query=again");
    }

    @Test
    void readsAWholeLargeChunkedBodyAcrossBufferBoundariesAndChecksumsIt() throws Exception {
        byte[] big = new byte[300_000];
        new java.util.Random(3).nextBytes(big);
        int[] chunkSizes = {1, 65_535, 65_536, 70_000, 98_000, 928};
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = server.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    OutputStream out = new java.io.BufferedOutputStream(s.getOutputStream(), 1000);
                    for (int round = 0; round < 2; round++) {
                        readRequest(in);
                        out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        int off = 0;
                        for (int n : chunkSizes) {
                            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                            out.write(big, off, n);
                            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                            off += n;
                        }
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            t.start();
            java.util.zip.CRC32C want = new java.util.zip.CRC32C();
            want.update(big);
            try (KeepAliveClient c = new KeepAliveClient(URI.create("http://127.0.0.1:" + server.getLocalPort()), 10_000)) {
                for (int round = 0; round < 2; round++) {
                    KeepAliveClient.Response r = c.post("/api/v1/query", "query=" + round, "test");
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.length()).isEqualTo(big.length);
                    assertThat(java.util.Arrays.copyOf(r.body(), r.length())).isEqualTo(big);
                    assertThat(r.crc32c()).isEqualTo(want.getValue());
                }
            }
            t.join(10_000);
        }
    }

    /** Reads one request's headers and its Content-Length body. */
    private static String readRequest(BufferedReader in) throws Exception {
        assertThat(in.readLine()).isEqualTo("POST /api/v1/query HTTP/1.1");
        int length = 0;
        for (String h; !(h = in.readLine()).isEmpty(); ) {
            if (h.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(h.substring(15).trim());
            }
        }
        char[] b = new char[length];
        for (int off = 0; off < length; ) {
            off += in.read(b, off, length - off);
        }
        return new String(b);
    }
}
