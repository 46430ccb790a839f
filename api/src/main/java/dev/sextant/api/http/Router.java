package dev.sextant.api.http;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Maps method and exact path to a {@link Handler}. A path registered for other methods answers 405,
 * an unknown path 404, both as plain text like Prometheus's router.
 *
 * <p>Thread-safety: build on one thread, then read-only.
 */
public final class Router {
    private final Map<String, Map<String, Handler>> routes = new HashMap<>();
    private PrefixRoute prefixRoute;

    /** Registers {@code handler} for each of {@code methods} on {@code path}. */
    public Router add(String path, Set<String> methods, Handler handler) {
        Map<String, Handler> byMethod = routes.computeIfAbsent(path, p -> new HashMap<>());
        for (String m : methods) {
            byMethod.put(m, handler);
        }
        return this;
    }

    public Router get(String path, Handler handler) {
        return add(path, Set.of("GET"), handler);
    }

    public Router getPost(String path, Handler handler) {
        return add(path, Set.of("GET", "POST"), handler);
    }

    public Router post(String path, Handler handler) {
        return add(path, Set.of("POST"), handler);
    }

    /** Registers a handler for every path under {@code prefix} (e.g. {@code /api/v1/label/}). */
    public Router prefix(String prefix, Set<String> methods, Handler handler) {
        this.prefixRoute = new PrefixRoute(prefix, methods, handler, prefixRoute);
        return this;
    }

    /** Resolves a handler; never null (404 and 405 are handlers too). */
    public Handler resolve(String method, String path) {
        Map<String, Handler> byMethod = routes.get(path);
        if (byMethod != null) {
            Handler h = byMethod.get(method);
            if (h == null && method.equals("HEAD")) {
                h = byMethod.get("GET");
            }
            return h != null ? h : r -> ApiResponse.text(405, "Method Not Allowed\n");
        }
        for (PrefixRoute p = prefixRoute; p != null; p = p.next) {
            if (path.startsWith(p.prefix)) {
                return p.methods.contains(method) ? p.handler : r -> ApiResponse.text(405, "Method Not Allowed\n");
            }
        }
        return r -> ApiResponse.text(404, "404 page not found\n");
    }

    private record PrefixRoute(String prefix, Set<String> methods, Handler handler, PrefixRoute next) {}
}
