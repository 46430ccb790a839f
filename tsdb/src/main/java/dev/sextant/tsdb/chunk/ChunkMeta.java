package dev.sextant.tsdb.chunk;

/**
 * An encoded XOR chunk with its first and last sample timestamps (both inclusive), as it moves
 * between the head, block writers and compaction.
 *
 * @param data the chunk payload (header and bit stream), owned by the record's holder
 */
public record ChunkMeta(long minT, long maxT, byte[] data) {}
