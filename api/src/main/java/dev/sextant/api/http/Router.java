package dev.sextant.api.http;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Maps method and path to a {@link Handler}. A path registered for other methods answers 405 (as
 * a JSON envelope under {@code /api/}, so Grafana's retry-as-GET logic sees a clean error), an
 * unknown path 404 like Prometheus's router.
 *
 * <p>Thread-safety: build on one thread, then read-only.
 */
public final class Router {
    /** A resolved route: its name (the registered path, used as the {@code handler} metric label). */
    public record Route(String name, Handler handler) {}

    private static final Handler NOT_FOUND = Handler.inline(r -> ApiResponse.text(404, "404 page not found\n"));
    private static final Handler API_METHOD_NOT_ALLOWED = Handler.inline(r -> new ApiResponse(405, ApiResponse.JSON,
            Map.of(), ("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"method " + r.method()
                    + " not allowed\"}").getBytes(StandardCharsets.UTF_8)));
    private static final Handler METHOD_NOT_ALLOWED = Handler.inline(r -> ApiResponse.text(405, "Method Not Allowed\n"));

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

    /** Resolves a route; never null (404 and 405 are routes too). */
    public Route resolve(String method, String path) {
        Map<String, Handler> byMethod = routes.get(path);
        if (byMethod != null) {
            Handler h = byMethod.get(method);
            if (h == null && method.equals("HEAD")) {
                h = byMethod.get("GET");
            }
            return new Route(path, h != null ? h : notAllowed(path));
        }
        for (PrefixRoute p = prefixRoute; p != null; p = p.next) {
            if (path.startsWith(p.prefix)) {
                Handler h = p.methods.contains(method) || (method.equals("HEAD") && p.methods.contains("GET"))
                        ? p.handler : notAllowed(path);
                return new Route(p.prefix + "*", h);
            }
        }
        return new Route("other", NOT_FOUND);
    }

    private static Handler notAllowed(String path) {
        return path.startsWith("/api/") ? API_METHOD_NOT_ALLOWED : METHOD_NOT_ALLOWED;
    }

    private record PrefixRoute(String prefix, Set<String> methods, Handler handler, PrefixRoute next) {}
}
