package dev.sextant.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * A minimal blocking HTTP/1.1 client for latency measurements: one keep-alive connection
 * (TCP_NODELAY), a form-encoded POST written in one piece, the status line, headers and the whole
 * body (Content-Length or chunked) read on the calling thread into a reused buffer and
 * checksummed (CRC32C over every body byte), reconnecting only when the server closed the
 * connection. No compression is asked for.
 *
 * <p>Why not the JDK's {@code HttpClient}: each of its requests passes through a selector thread
 * and an executor (several thread hand-offs), and in a runner that sends a few hundred requests
 * its code never leaves the interpreter; on this 2-core machine that added 2-3 ms to every
 * request against either server, more than Prometheus needs for most queries of the set, which
 * pulled every ratio toward 1. What this client measures is the server's answer plus one loopback
 * round trip.
 *
 * <p>Reading: headers and chunk-size lines are parsed straight out of one 64 KiB receive buffer
 * (no per-byte stream calls), body bytes are copied in bulk into a buffer that grows to the
 * largest answer seen and is then reused, so a 270 KB chunked answer costs a few bulk copies and
 * a CRC pass once the client's code is compiled (the runner warms it with untimed passes).
 *
 * <p>Thread-safety: not thread-safe; one request at a time. A {@link Response}'s body array is
 * the client's buffer: valid until the next request.
 */
final class KeepAliveClient implements AutoCloseable {
    /** A response: status, the body (the first {@code length} bytes of {@code body}) and its CRC32C. */
    record Response(int status, byte[] body, int length, long crc32c) {
        Response(int status, byte[] body) {
            this(status, body, body.length, crc(body, body.length));
        }

        String bodyString() {
            return new String(body, 0, length, StandardCharsets.UTF_8);
        }

        private static long crc(byte[] b, int n) {
            CRC32C c = new CRC32C();
            c.update(b, 0, n);
            return c.getValue();
        }
    }

    private final String host;
    private final int port;
    private final int timeoutMillis;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final byte[] rbuf = new byte[64 * 1024];
    private int rpos;
    private int rlim;
    private byte[] body = new byte[64 * 1024];
    private int blen;
    private final CRC32C crc = new CRC32C();
    private final StringBuilder line = new StringBuilder(128);

    KeepAliveClient(URI base, int timeoutMillis) {
        this.host = base.getHost();
        this.port = base.getPort() < 0 ? 80 : base.getPort();
        this.timeoutMillis = timeoutMillis;
    }

    /** POSTs {@code form} ({@code application/x-www-form-urlencoded}) to {@code path}. */
    Response post(String path, String form, String userAgent) throws IOException {
        byte[] formBytes = form.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nUser-Agent: " + userAgent
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + formBytes.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + formBytes.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(formBytes, 0, request, head.length, formBytes.length);
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
            in = s.getInputStream();
            out = s.getOutputStream();
            rpos = 0;
            rlim = 0;
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
        blen = 0;
        crc.reset();
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
                copy(n);
                readLine();
            }
        } else if (length >= 0) {
            copy(length);
        } else {
            while (fill()) { // no length: the body ends with the connection
                take(rlim - rpos);
            }
            close = true;
        }
        crc.update(body, 0, blen);
        if (close) {
            close();
        }
        return new Response(code, body, blen, crc.getValue());
    }

    /** Reads more bytes into the empty receive buffer; false at end of stream. */
    private boolean fill() throws IOException {
        int r = in.read(rbuf, 0, rbuf.length);
        if (r < 0) {
            return false;
        }
        rpos = 0;
        rlim = r;
        return true;
    }

    /** Moves {@code n} buffered bytes to the body. */
    private void take(int n) {
        if (blen + n > body.length) {
            body = Arrays.copyOf(body, Math.max(blen + n, body.length * 2));
        }
        System.arraycopy(rbuf, rpos, body, blen, n);
        blen += n;
        rpos += n;
    }

    private void copy(long n) throws IOException {
        if (n > Integer.MAX_VALUE - blen) {
            throw new IOException("body too large: " + n);
        }
        while (n > 0) {
            if (rpos == rlim && !fill()) {
                throw new IOException("connection closed inside the body");
            }
            int k = (int) Math.min(n, rlim - rpos);
            take(k);
            n -= k;
        }
    }

    /** A CRLF-terminated header line (ASCII), without the CRLF; null at end of stream. */
    private String readLine() throws IOException {
        line.setLength(0);
        for (;;) {
            if (rpos == rlim && !fill()) {
                return line.length() == 0 ? null : line.toString();
            }
            int start = rpos;
            while (rpos < rlim && rbuf[rpos] != '\n') {
                rpos++;
            }
            for (int i = start; i < rpos; i++) {
                line.append((char) (rbuf[i] & 0xff));
            }
            if (rpos < rlim) { // the '\n'
                rpos++;
                int n = line.length();
                if (n > 0 && line.charAt(n - 1) == '\r') {
                    line.setLength(n - 1);
                }
                return line.toString();
            }
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
        rpos = 0;
        rlim = 0;
    }
}
