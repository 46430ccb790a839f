package dev.sextant.api.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP response produced by a handler: status, content type, extra headers and a body. The body
 * is either bytes or a {@link BodyWriter} that the server runs once, on the handler thread, writing
 * straight into Netty buffers (large query results are never built as one byte array).
 *
 * <p>Thread-safety: immutable (a streamed body is written exactly once, by the server).
 */
public record ApiResponse(int status, String contentType, Map<String, String> headers, byte[] body,
        BodyWriter stream) {
    public static final String JSON = "application/json";
    public static final String TEXT = "text/plain; charset=utf-8";

    /** Writes a response body; may be called once. */
    @FunctionalInterface
    public interface BodyWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    public ApiResponse(int status, String contentType, Map<String, String> headers, byte[] body) {
        this(status, contentType, headers, body, null);
    }

    public static ApiResponse json(int status, byte[] body) {
        return new ApiResponse(status, JSON, Map.of(), body);
    }

    /** A JSON response whose body is written by {@code writer} straight into the connection's buffers. */
    public static ApiResponse jsonStream(int status, BodyWriter writer) {
        return new ApiResponse(status, JSON, Map.of(), null, writer);
    }

    public static ApiResponse text(int status, String body) {
        return new ApiResponse(status, TEXT, Map.of(), body.getBytes(StandardCharsets.UTF_8));
    }

    public static ApiResponse noContent() {
        return new ApiResponse(204, null, Map.of(), new byte[0]);
    }

    public boolean streamed() {
        return stream != null;
    }

    /**
     * The body as bytes. For a streamed response this runs the writer into a fresh array: meant
     * for tests and in-process callers, not for the server, which streams.
     */
    @Override
    public byte[] body() {
        if (stream == null) {
            return body;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try {
            stream.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public ApiResponse withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new ApiResponse(status, contentType, h, body, stream);
    }

    public String bodyAsString() {
        return new String(body(), StandardCharsets.UTF_8);
    }
}
