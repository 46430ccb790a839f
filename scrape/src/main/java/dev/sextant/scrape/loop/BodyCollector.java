package dev.sextant.scrape.loop;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body into a growable array with a size limit. Each scrape gets its own
 * collector; the array is handed over from the loop and returned with the result, so a collector
 * abandoned after a timeout can never write into a buffer a later scrape is reading.
 *
 * <p>Thread-safety: driven by the HTTP client's flow protocol (one thread at a time).
 */
final class BodyCollector implements HttpResponse.BodySubscriber<BodyCollector> {
    /** Thrown when the body exceeds the limit. */
    static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge(long limit) {
            super("body size limit exceeded (limit: " + limit + " bytes)");
        }
    }

    private final CompletableFuture<BodyCollector> result = new CompletableFuture<>();
    private final long limit;
    private Flow.Subscription subscription;
    private volatile boolean abandoned;
    byte[] buf;
    int len;

    BodyCollector(byte[] buf, long limit) {
        this.buf = buf;
        this.limit = limit;
    }

    long limit() {
        return limit;
    }

    /**
     * Makes room for {@code n} more bytes at {@code buf[len]}; false when they would pass the
     * limit. For transports that copy into {@link #buf} themselves.
     */
    boolean reserve(int n) {
        if (limit > 0 && (long) len + n > limit) {
            return false;
        }
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
        return true;
    }

    /** Stops writing; the buffer stays with this collector. */
    void abandon() {
        abandoned = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    @Override
    public CompletionStage<BodyCollector> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (abandoned) {
            s.cancel();
            return;
        }
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (abandoned || result.isDone()) {
            return;
        }
        for (ByteBuffer bb : items) {
            int n = bb.remaining();
            if (limit > 0 && (long) len + n > limit) {
                subscription.cancel();
                result.completeExceptionally(new TooLarge(limit));
                return;
            }
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            }
            bb.get(buf, len, n);
            len += n;
        }
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(this);
    }
}
