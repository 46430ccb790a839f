package dev.sextant.tsdb.mem;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What an off-heap allocation is for. Every allocation made through {@link OffHeapBuffer} carries a
 * tag, and each tag counts its outstanding bytes and allocations so that leaks show up in metrics
 * and fail tests ({@code MemoryLeakCheck} in the test sources).
 *
 * <p>Thread-safety: counters are atomic.
 */
public enum MemoryTag {
    /** Full head chunks kept off-heap ({@link ChunkSlab} pages). */
    HEAD_CHUNKS,
    /** Address space of memory-mapped head chunk files ({@link MappedRegion}). */
    HEAD_CHUNKS_MAPPED,
    /** Scratch buffers used while writing blocks. */
    BLOCK_WRITE,
    /** Anything else, including tests. */
    OTHER;

    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong allocations = new AtomicLong();

    void allocated(long size) {
        bytes.addAndGet(size);
        allocations.incrementAndGet();
    }

    void freed(long size) {
        bytes.addAndGet(-size);
        allocations.decrementAndGet();
    }

    /** Bytes allocated and not yet freed under this tag. */
    public long outstandingBytes() {
        return bytes.get();
    }

    /** Allocations not yet freed under this tag. */
    public long outstandingAllocations() {
        return allocations.get();
    }
}
