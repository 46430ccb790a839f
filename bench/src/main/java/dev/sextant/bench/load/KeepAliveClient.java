package dev.sextant.bench.load;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A minimal blocking HTTP/1.1 client for latency measurements: one keep-alive connection
 * (TCP_NODELAY), a form-encoded POST written in one piece, the status line, headers and the whole
 * body (Content-Length or chunked) read on the calling thread, reconnecting only when the server
 * closed the connection. No compression is asked for.
 *
 * <p>Why not the JDK's {@code HttpClient}: each of its requests passes through a selector thread
 * and an executor (several thread hand-offs), and in a runner that sends a few hundred requests
 * its code never leaves the interpreter; on this 2-core machine that added 2-3 ms to every
 * request against either server, more than Prometheus needs for most queries of the set, which
 * pulled every ratio toward 1. What this client measures is the server's answer plus one loopback
 * round trip.
 *
 * <p>Thread-safety: not thread-safe; one request at a time.
 */
final class KeepAliveClient implements AutoCloseable {
    /** A response: status and body bytes. */
    record Response(int status, byte[] body) {
        String bodyString() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final String host;
    private final int port;
    private final int timeoutMillis;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final StringBuilder line = new StringBuilder(128);

    KeepAliveClient(URI base, int timeoutMillis) {
        this.host = base.getHost();
        this.port = base.getPort() < 0 ? 80 : base.getPort();
        this.timeoutMillis = timeoutMillis;
    }

    /** POSTs {@code form} ({@code application/x-www-form-urlencoded}) to {@code path}. */
    Response post(String path, String form, String userAgent) throws IOException {
        byte[] body = form.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nUser-Agent: " + userAgent
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        boolean fresh = socket == null;
        try {
            return exchange(request);
        } catch (IOException e) {
            close();
            if (fresh) {
                throw e;
            }
            // A kept-alive connection the server closed meanwhile: one retry on a new one.
            return exchange(request);
        }
    }

    private Response exchange(byte[] request) throws IOException {
        if (socket == null) {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            socket = s;
            in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
            out = s.getOutputStream();
        }
        out.write(request);
        out.flush();
        String status = readLine();
        if (status == null || !status.startsWith("HTTP/1.")) {
            throw new IOException("bad status line: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = status.startsWith("HTTP/1.0");
        for (String h; (h = readLine()) != null && !h.isEmpty(); ) {
            int colon = h.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = h.substring(0, colon).trim().toLowerCase();
            String value = h.substring(colon + 1).trim().toLowerCase();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.contains("chunked");
                case "connection" -> close = value.contains("close") ? true : !value.contains("keep-alive") && close;
                default -> { }
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(length > 0 ? (int) length : 8192);
        if (chunked) {
            for (;;) {
                String size = readLine();
                if (size == null) {
                    throw new IOException("connection closed inside a chunked body");
                }
                int semi = size.indexOf(';');
                int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (n == 0) {
                    while (true) { // trailers up to the empty line
                        String t = readLine();
                        if (t == null || t.isEmpty()) {
                            break;
                        }
                    }
                    break;
                }
                copy(body, n);
                readLine();
            }
        } else if (length >= 0) {
            copy(body, length);
        } else {
            in.transferTo(body); // no length: the body ends with the connection
            close = true;
        }
        if (close) {
            close();
        }
        return new Response(code, body.toByteArray());
    }

    private void copy(ByteArrayOutputStream to, long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(n, 64 * 1024)];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(n, buf.length));
            if (r < 0) {
                throw new IOException("connection closed inside the body");
            }
            to.write(buf, 0, r);
            n -= r;
        }
    }

    /** A CRLF-terminated header line (ASCII), without the CRLF; null at end of stream. */
    private String readLine() throws IOException {
        line.setLength(0);
        for (;;) {
            int c = in.read();
            if (c < 0) {
                return line.length() == 0 ? null : line.toString();
            }
            if (c == '\n') {
                int n = line.length();
                if (n > 0 && line.charAt(n - 1) == '\r') {
                    line.setLength(n - 1);
                }
                return line.toString();
            }
            line.append((char) c);
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
        }
    }
}
