package dev.sextant.api.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP response produced by a handler: status, content type, extra headers and a body.
 *
 * <p>Thread-safety: immutable.
 */
public record ApiResponse(int status, String contentType, Map<String, String> headers, byte[] body) {
    public static final String JSON = "application/json";
    public static final String TEXT = "text/plain; charset=utf-8";

    public static ApiResponse json(int status, byte[] body) {
        return new ApiResponse(status, JSON, Map.of(), body);
    }

    public static ApiResponse text(int status, String body) {
        return new ApiResponse(status, TEXT, Map.of(), body.getBytes(StandardCharsets.UTF_8));
    }

    public static ApiResponse noContent() {
        return new ApiResponse(204, null, Map.of(), new byte[0]);
    }

    public ApiResponse withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new ApiResponse(status, contentType, h, body);
    }

    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
