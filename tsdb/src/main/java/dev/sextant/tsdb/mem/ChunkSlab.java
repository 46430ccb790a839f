package dev.sextant.tsdb.mem;

import java.util.ArrayList;
import java.util.List;

/**
 * Stores immutable byte records (full head chunks) in large off-heap pages with bump allocation.
 * A record is addressed by a {@code long} handle ({@code page << 32 | offset}); a page is freed
 * when every record in it has been freed and it is no longer the page being filled.
 *
 * <p>Record layout: {@code int} length, then the bytes.
 *
 * <p>Thread-safety: all methods are synchronized. Lifetime: records must not be read after
 * {@link #free(long)} or after {@link #close()}; callers defer frees until no reader can still
 * hold a handle.
 */
public final class ChunkSlab implements AutoCloseable {
    public static final int DEFAULT_PAGE_SIZE = 1 << 20;

    private final int pageSize;
    private final MemoryTag tag;
    private final List<OffHeapBuffer> pages = new ArrayList<>();
    private final List<int[]> liveCounts = new ArrayList<>();
    private int current = -1;
    private int used;
    private boolean closed;

    public ChunkSlab(int pageSize, MemoryTag tag) {
        this.pageSize = pageSize;
        this.tag = tag;
    }

    /** Copies {@code len} bytes into the slab and returns their handle. */
    public synchronized long add(byte[] src, int off, int len) {
        if (closed) {
            throw new IllegalStateException("chunk slab closed");
        }
        int need = len + 4;
        if (current < 0 || used + need > pages.get(current).size()) {
            retireCurrent();
            newPage(Math.max(pageSize, need));
        }
        OffHeapBuffer p = pages.get(current);
        p.putInt(used, len);
        p.put(used + 4, src, off, len);
        long handle = ((long) current << 32) | used;
        used += need;
        liveCounts.get(current)[0]++;
        return handle;
    }

    private void newPage(int size) {
        OffHeapBuffer p = OffHeapBuffer.allocate(size, tag);
        int idx = pages.indexOf(null);
        if (idx < 0) {
            pages.add(p);
            liveCounts.add(new int[1]);
            idx = pages.size() - 1;
        } else {
            pages.set(idx, p);
            liveCounts.get(idx)[0] = 0;
        }
        current = idx;
        used = 0;
    }

    private void retireCurrent() {
        if (current >= 0 && liveCounts.get(current)[0] == 0) {
            pages.get(current).free();
            pages.set(current, null);
        }
        current = -1;
    }

    public synchronized int length(long handle) {
        return page(handle).getInt((int) handle);
    }

    /** Copies the record into {@code dst} (which must be large enough) and returns its length. */
    public synchronized int read(long handle, byte[] dst) {
        OffHeapBuffer p = page(handle);
        int len = p.getInt((int) handle);
        p.get((int) handle + 4L, dst, 0, len);
        return len;
    }

    public synchronized void free(long handle) {
        int idx = (int) (handle >>> 32);
        page(handle);
        int[] live = liveCounts.get(idx);
        if (live[0] <= 0) {
            throw new IllegalStateException("chunk slab record freed twice");
        }
        live[0]--;
        if (live[0] == 0 && idx != current) {
            pages.get(idx).free();
            pages.set(idx, null);
        }
    }

    private OffHeapBuffer page(long handle) {
        int idx = (int) (handle >>> 32);
        OffHeapBuffer p = idx < pages.size() ? pages.get(idx) : null;
        if (p == null) {
            throw new IllegalStateException("stale chunk handle " + Long.toHexString(handle));
        }
        return p;
    }

    /** Off-heap bytes held by live pages. */
    public synchronized long allocatedBytes() {
        long n = 0;
        for (OffHeapBuffer p : pages) {
            if (p != null) {
                n += p.size();
            }
        }
        return n;
    }

    /** Frees every page; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 0; i < pages.size(); i++) {
            OffHeapBuffer p = pages.get(i);
            if (p != null) {
                p.free();
                pages.set(i, null);
            }
        }
        current = -1;
    }
}
