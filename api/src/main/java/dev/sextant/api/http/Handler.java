package dev.sextant.api.http;

/**
 * Handles one request. Runs on a worker thread, never on a Netty event loop, so it may block.
 * Implementations must not throw for bad input: they answer with an error response instead.
 */
@FunctionalInterface
public interface Handler {
    ApiResponse handle(ApiRequest request) throws Exception;
}
