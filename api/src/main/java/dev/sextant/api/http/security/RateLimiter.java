package dev.sextant.api.http.security;

import java.time.Duration;

/**
 * The toolkit's {@code rate_limit}: a token bucket refilled with one token per {@code interval},
 * holding at most {@code burst}; a request without a token gets 429. Like the toolkit, it is made
 * once from the file at start-up. Thread-safety: thread-safe.
 */
final class RateLimiter {
    private final long intervalNanos;
    private final int burst;
    private double tokens;
    private long last;

    RateLimiter(Duration interval, int burst, long nowNanos) {
        this.intervalNanos = interval.toNanos();
        this.burst = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    boolean tryAcquire() {
        return tryAcquire(System.nanoTime());
    }

    synchronized boolean tryAcquire(long nowNanos) {
        tokens = Math.min(burst, tokens + (double) (nowNanos - last) / intervalNanos);
        last = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
