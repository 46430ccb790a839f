package dev.sextant.tsdb.head;

import dev.sextant.tsdb.mem.ChunkSlab;
import dev.sextant.tsdb.mem.MemoryTag;

/** Full chunks in off-heap slab pages (used when the head has no directory). Thread-safe. */
final class SlabChunkStore implements ChunkStore {
    private final ChunkSlab slab = new ChunkSlab(ChunkSlab.DEFAULT_PAGE_SIZE, MemoryTag.HEAD_CHUNKS);

    @Override
    public long add(long seriesRef, long mint, long maxt, byte[] data, int off, int len) {
        return slab.add(data, off, len);
    }

    @Override
    public int length(long handle) {
        return slab.length(handle);
    }

    @Override
    public int read(long handle, byte[] dst) {
        return slab.read(handle, dst);
    }

    @Override
    public void free(long handle) {
        slab.free(handle);
    }

    @Override
    public long bytes() {
        return slab.allocatedBytes();
    }

    @Override
    public void close() {
        slab.close();
    }
}
