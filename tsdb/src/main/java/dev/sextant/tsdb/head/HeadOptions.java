package dev.sextant.tsdb.head;

import dev.sextant.tsdb.wal.Wal;

/**
 * Head settings. Immutable.
 *
 * @param chunkRange width of the aligned windows chunks never cross (the block range), ms
 * @param samplesPerChunk target samples per chunk (Prometheus: 120)
 * @param stripes lock stripes of the series maps (power of two)
 * @param walSegmentSize WAL segment size in bytes (multiple of 32 KiB)
 */
public record HeadOptions(long chunkRange, int samplesPerChunk, int stripes, long walSegmentSize) {
    public static final long DEFAULT_CHUNK_RANGE = 2 * 60 * 60 * 1000L;

    public static HeadOptions defaults() {
        return new HeadOptions(DEFAULT_CHUNK_RANGE, 120, 1024, Wal.DEFAULT_SEGMENT_SIZE);
    }

    public HeadOptions withChunkRange(long range) {
        return new HeadOptions(range, samplesPerChunk, stripes, walSegmentSize);
    }

    public HeadOptions withWalSegmentSize(long size) {
        return new HeadOptions(chunkRange, samplesPerChunk, stripes, size);
    }
}
