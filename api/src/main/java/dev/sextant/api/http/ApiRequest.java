package dev.sextant.api.http;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A decoded HTTP request, detached from Netty: method, path, merged parameters (URL query string
 * first, then an {@code application/x-www-form-urlencoded} body), headers and the raw body.
 *
 * <p>Thread-safety: immutable after construction; handed from the event loop to a worker thread.
 */
public final class ApiRequest {
    private final String method;
    private final String path;
    private final Map<String, List<String>> params;
    private final Map<String, String> headers;
    private final byte[] body;
    private final boolean onEventLoop;

    public ApiRequest(String method, String path, Map<String, List<String>> params,
            Map<String, String> headers, byte[] body) {
        this(method, path, params, headers, body, false);
    }

    private ApiRequest(String method, String path, Map<String, List<String>> params,
            Map<String, String> headers, byte[] body, boolean onEventLoop) {
        this.onEventLoop = onEventLoop;
        this.method = method;
        this.path = path;
        this.params = params;
        this.headers = headers;
        this.body = body;
    }

    /**
     * True while a {@linkplain Handler#loopFirst() loop-first} handler runs on the server's event
     * loop: it must not block, and throws {@link Handler.HandOff} for anything it cannot finish
     * quickly there.
     */
    public boolean onEventLoop() {
        return onEventLoop;
    }

    /** This request, marked as being handled on the event loop (or not). */
    public ApiRequest onEventLoop(boolean on) {
        return on == onEventLoop ? this : new ApiRequest(method, path, params, headers, body, on);
    }

    /** A request for tests and in-process callers. */
    public static ApiRequest of(String method, String path, Map<String, List<String>> params) {
        return new ApiRequest(method, path, new LinkedHashMap<>(params), Map.of(), new byte[0]);
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    /** The first value of {@code name}, or null when absent. */
    public String param(String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** Every value of {@code name} (for repeated parameters such as {@code match[]}). */
    public List<String> params(String name) {
        List<String> v = params.get(name);
        return v == null ? List.of() : Collections.unmodifiableList(v);
    }

    /** A header by lower-case name, or null. */
    public String header(String lowerCaseName) {
        return headers.get(lowerCaseName);
    }

    public byte[] body() {
        return body;
    }

    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
