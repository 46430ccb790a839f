package dev.sextant.tsdb.head;

import dev.sextant.tsdb.wal.Wal;

/**
 * Head settings. Immutable.
 *
 * @param chunkRange width of the aligned windows chunks never cross (the block range), ms
 * @param samplesPerChunk target samples per chunk (Prometheus: 120)
 * @param stripes lock stripes of the series maps (power of two)
 * @param walSegmentSize WAL segment size in bytes (multiple of 32 KiB)
 * @param walCompression whether WAL records are Snappy-compressed (Prometheus's default: on)
 */
public record HeadOptions(long chunkRange, int samplesPerChunk, int stripes, long walSegmentSize,
        boolean walCompression) {
    public static final long DEFAULT_CHUNK_RANGE = 2 * 60 * 60 * 1000L;

    /** With WAL compression on, the default. */
    public HeadOptions(long chunkRange, int samplesPerChunk, int stripes, long walSegmentSize) {
        this(chunkRange, samplesPerChunk, stripes, walSegmentSize, true);
    }

    public static HeadOptions defaults() {
        return new HeadOptions(DEFAULT_CHUNK_RANGE, 120, 1024, Wal.DEFAULT_SEGMENT_SIZE, true);
    }

    public HeadOptions withChunkRange(long range) {
        return new HeadOptions(range, samplesPerChunk, stripes, walSegmentSize, walCompression);
    }

    public HeadOptions withWalSegmentSize(long size) {
        return new HeadOptions(chunkRange, samplesPerChunk, stripes, size, walCompression);
    }

    public HeadOptions withWalCompression(boolean on) {
        return new HeadOptions(chunkRange, samplesPerChunk, stripes, walSegmentSize, on);
    }
}
