package dev.sextant.api.http;

/**
 * Handles one request. Runs on a worker thread, never on a Netty event loop, so it may block;
 * except handlers marked {@link #inline()}, which the server runs on the connection's event loop.
 * Implementations must not throw for bad input: they answer with an error response instead.
 */
@FunctionalInterface
public interface Handler {
    ApiResponse handle(ApiRequest request) throws Exception;

    /**
     * True for handlers that never block and finish in microseconds whatever the request and the
     * server's state (health and readiness probes, build info, 404s). The server runs them on the
     * event loop that read the request, which saves the two thread hand-offs (event loop → worker
     * → event loop) that cost more than such a handler's whole work. Anything that touches storage,
     * evaluates a query, takes a lock others hold for long, or grows with the data must stay false:
     * while it runs, every other connection on that event loop waits.
     */
    default boolean inline() {
        return false;
    }

    /** Marks {@code h} as {@linkplain #inline() cheap enough for the event loop}. */
    static Handler inline(Handler h) {
        return new Handler() {
            @Override
            public ApiResponse handle(ApiRequest request) throws Exception {
                return h.handle(request);
            }

            @Override
            public boolean inline() {
                return true;
            }
        };
    }
}
