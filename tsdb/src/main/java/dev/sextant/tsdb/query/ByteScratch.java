package dev.sextant.tsdb.query;

/** A reusable, growable byte buffer owned by one iterator. Not thread-safe. */
public final class ByteScratch {
    public byte[] b = new byte[1024];
    public int len;

    public byte[] ensure(int n) {
        if (b.length < n) {
            b = new byte[Math.max(n, b.length * 2)];
        }
        return b;
    }
}
