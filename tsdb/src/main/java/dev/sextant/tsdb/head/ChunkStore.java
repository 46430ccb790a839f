package dev.sextant.tsdb.head;

/**
 * Where the head keeps full (immutable) chunks: off-heap slab pages, or memory-mapped {@code
 * chunks_head} files. Chunks are addressed by {@code long} handles.
 *
 * <p>Thread-safety: implementations are thread-safe. Lifetime: a handle is valid until {@link
 * #free}; the head defers frees until no querier can still hold the handle.
 */
interface ChunkStore extends AutoCloseable {
    /** Stores a full chunk of series {@code seriesRef} spanning {@code [mint, maxt]}. */
    long add(long seriesRef, long mint, long maxt, byte[] data, int off, int len);

    int length(long handle);

    /** Copies the chunk into {@code dst} (at least {@link #length} bytes) and returns its length. */
    int read(long handle, byte[] dst);

    void free(long handle);

    /**
     * Stores a full chunk in memory even when the store has files: the head keeps a series' chunks
     * in files only as an unbroken prefix of its chunks (see {@link MemSeries#freezeOpen}).
     */
    default long addInMemory(long seriesRef, long mint, long maxt, byte[] data, int off, int len) {
        return add(seriesRef, mint, maxt, data, off, len);
    }

    /**
     * The chunks of series {@code seriesRef} that were found on open (null when none), handed out
     * once: the caller owns their handles from then on (and frees those it does not keep).
     */
    default MappedChunks takeLoaded(long seriesRef) {
        return null;
    }

    /** Ends the loading phase: chunks found on open that nobody took are freed. Returns how many. */
    default long dropUnclaimed() {
        return 0;
    }

    /** Called after each head truncation (head chunk files start a new file here). */
    default void truncated() {}

    /** Bytes held (off-heap memory or file bytes). */
    long bytes();

    @Override
    void close();
}
