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
        return marked(h, true, false);
    }

    /**
     * True for handlers that usually finish in well under a millisecond but not always (queries):
     * the server first runs them on the event loop with {@link ApiRequest#onEventLoop()} set, which
     * saves the two thread hand-offs per request; the handler must not block there and throws
     * {@link HandOff} when it cannot finish quickly (a busy concurrency gate, an evaluation past a
     * small budget, an answer too large to write without waiting for the client), and the server
     * then runs it on a worker thread as any other handler.
     */
    default boolean loopFirst() {
        return false;
    }

    /** Marks {@code h} as {@linkplain #loopFirst() loop-first}. */
    static Handler loopFirst(Handler h) {
        return marked(h, false, true);
    }

    /** {@code h} with the given scheduling marks. */
    private static Handler marked(Handler h, boolean inline, boolean loopFirst) {
        return new Handler() {
            @Override
            public ApiResponse handle(ApiRequest request) throws Exception {
                return h.handle(request);
            }

            @Override
            public boolean inline() {
                return inline;
            }

            @Override
            public boolean loopFirst() {
                return loopFirst;
            }
        };
    }

    /**
     * Thrown by a {@linkplain #loopFirst() loop-first} handler on the event loop: "not here".
     * Without a response the server runs the handler again on a worker thread; with one (a computed
     * answer too large to write from the loop) it streams that response from a worker thread.
     * Carries no stack trace.
     */
    final class HandOff extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient ApiResponse response;

        public HandOff() {
            this(null);
        }

        public HandOff(ApiResponse response) {
            super("handled off the event loop", null, false, false);
            this.response = response;
        }

        /** The answer to stream from a worker thread, or null to run the handler again there. */
        public ApiResponse response() {
            return response;
        }
    }
}
