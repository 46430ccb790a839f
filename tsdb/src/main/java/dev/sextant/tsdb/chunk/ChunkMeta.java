package dev.sextant.tsdb.chunk;

/**
 * An encoded XOR chunk with its first and last sample timestamps (both inclusive), as it moves
 * between the head, block writers and compaction. Immutable by convention: nobody modifies
 * {@code data} after the record is built, so it may be shared across threads.
 *
 * @param data the chunk payload (header and bit stream), owned by the record's holder
 */
public record ChunkMeta(long minT, long maxT, byte[] data) {}
