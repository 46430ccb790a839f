package dev.sextant.tsdb.mem;

import net.openhft.chronicle.bytes.Bytes;

/**
 * A fixed-size block of native memory with absolute-offset accessors, accounted to a {@link
 * MemoryTag}. Backed by chronicle-bytes; that type never leaves this package.
 *
 * <p>Lifetime: owned by whoever allocated it; {@link #free()} releases the memory exactly once and
 * any later access throws {@link IllegalStateException}. Thread-safety: reads and writes of
 * disjoint ranges may run concurrently; {@code free} must not race with access (owners guarantee
 * that, e.g. by deferring frees until readers are gone).
 */
public final class OffHeapBuffer implements AutoCloseable {
    private final MemoryTag tag;
    private final long size;
    private volatile Bytes<Void> bytes;

    private OffHeapBuffer(long size, MemoryTag tag) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive: " + size);
        }
        this.size = size;
        this.tag = tag;
        Bytes<Void> b = Bytes.allocateDirect(size);
        // Absolute reads are bounded by readLimit; the whole buffer is readable from the start.
        b.readLimit(size);
        // Filled by appender threads and read by query threads: access is coordinated by the
        // owners, so chronicle's "one thread per component" check must not apply.
        b.singleThreadedCheckDisabled(true);
        this.bytes = b;
        tag.allocated(size);
    }

    /** Allocates {@code size} bytes of zeroed native memory under {@code tag}. */
    public static OffHeapBuffer allocate(long size, MemoryTag tag) {
        OffHeapBuffer buf = new OffHeapBuffer(size, tag);
        buf.zero(0, size);
        return buf;
    }

    public long size() {
        return size;
    }

    public MemoryTag tag() {
        return tag;
    }

    private Bytes<Void> live() {
        Bytes<Void> b = bytes;
        if (b == null) {
            throw new IllegalStateException("off-heap buffer already freed");
        }
        return b;
    }

    private void check(long off, long len) {
        if (off < 0 || len < 0 || off + len > size) {
            throw new IndexOutOfBoundsException("range [" + off + ", " + (off + len) + ") outside " + size);
        }
    }

    public void put(long off, byte[] src, int srcOff, int len) {
        check(off, len);
        live().write(off, src, srcOff, len);
    }

    public void get(long off, byte[] dst, int dstOff, int len) {
        check(off, len);
        live().read(off, dst, dstOff, len);
    }

    public void putInt(long off, int v) {
        check(off, 4);
        live().writeInt(off, v);
    }

    public int getInt(long off) {
        check(off, 4);
        return live().readInt(off);
    }

    public void zero(long off, long len) {
        check(off, len);
        live().zeroOut(off, off + len);
    }

    public boolean isFreed() {
        return bytes == null;
    }

    /** Releases the memory. Calling it twice is a bug and throws. */
    public synchronized void free() {
        Bytes<Void> b = bytes;
        if (b == null) {
            throw new IllegalStateException("off-heap buffer freed twice");
        }
        bytes = null;
        b.releaseLast();
        tag.freed(size);
    }

    /** Same as {@link #free()} but tolerates an already-freed buffer, for try-with-resources. */
    @Override
    public synchronized void close() {
        if (bytes != null) {
            free();
        }
    }
}
