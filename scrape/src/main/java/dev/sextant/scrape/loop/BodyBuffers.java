package dev.sextant.scrape.loop;

/**
 * Response-body arrays shared by the scrape loops of a manager. A scrape takes one when its request
 * goes out and gives it back once its samples are appended, so the manager holds about as many as
 * scrapes run at once (a few), not one per target: at 1,000 targets with 140 KB bodies the per-loop
 * arrays were ~250 MB of heap, and every scrape copied its body into a cold one (cache and TLB misses
 * on the copy and on the parse). The most recently returned array is handed out first: the warmest.
 *
 * <p>A loop keeps an array that is too large to pool (a target with tens of MB per scrape) for itself,
 * as before ({@link ScrapeLoop}); such arrays never enter the pool.
 *
 * <p>Thread-safety: thread-safe.
 */
final class BodyBuffers {
    /** Size of a new array; a larger body grows it, and it comes back grown. */
    static final int INITIAL_BYTES = 64 * 1024;
    /** Larger arrays are not pooled. */
    static final int MAX_POOLED_BYTES = 8 << 20;

    private final byte[][] stack;
    private int size;

    /** @param capacity arrays kept at most; more are left to the garbage collector */
    BodyBuffers(int capacity) {
        stack = new byte[capacity][];
    }

    /** A pooled array (contents undefined) or a new one. */
    byte[] take() {
        synchronized (this) {
            if (size > 0) {
                byte[] b = stack[--size];
                stack[size] = null;
                return b;
            }
        }
        return new byte[INITIAL_BYTES];
    }

    /** Returns an array no one reads or writes any more; null and oversized ones are ignored. */
    void give(byte[] b) {
        if (b == null || b.length > MAX_POOLED_BYTES) {
            return;
        }
        synchronized (this) {
            if (size < stack.length) {
                stack[size++] = b;
            }
        }
    }

    /** Arrays held (tests). */
    synchronized int size() {
        return size;
    }
}
