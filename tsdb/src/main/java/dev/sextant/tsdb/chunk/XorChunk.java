package dev.sextant.tsdb.chunk;

import java.util.Arrays;

/**
 * A float chunk in Prometheus's XOR ("Gorilla") encoding, chunk encoding byte {@value #ENCODING}.
 *
 * <p>Layout (see {@code docs/format/xor-chunk.md}): a big-endian 2-byte sample count, then a bit
 * stream: sample 0 as a zig-zag varint timestamp and 64 raw value bits; sample 1 as an unsigned
 * varint timestamp delta and an XOR value field; later samples as a delta-of-delta timestamp field
 * (buckets of 14, 17, 20 or 64 bits) and an XOR value field.
 *
 * <p>Thread-safety: not thread-safe. A chunk has at most one live {@link XorAppender}; iterators
 * created from {@link #iterator} read a consistent prefix only if the caller copies or otherwise
 * guards the bytes against concurrent appends.
 */
public final class XorChunk {
    public static final int ENCODING = 1;
    /** Prometheus refuses to append once the 2-byte count reaches this value. */
    public static final int MAX_SAMPLES = 65535;

    final BitWriter writer;

    /** Creates an empty chunk (header only). */
    public XorChunk() {
        this.writer = new BitWriter(32); // grows by doubling; most open chunks stay small
        writer.writeBits(0, 16);
    }

    private XorChunk(BitWriter writer) {
        this.writer = writer;
    }

    /** Copies encoded chunk bytes so that more samples can be appended to them. */
    public static XorChunk fromBytes(byte[] data, int off, int len) {
        if (len < 2) {
            throw new IllegalArgumentException("XOR chunk shorter than its header: " + len + " bytes");
        }
        byte[] copy = Arrays.copyOfRange(data, off, off + len);
        // The bit length is recomputed by the appender, which walks every sample.
        return new XorChunk(new BitWriter(copy, len, (long) len << 3));
    }

    public int numSamples() {
        byte[] b = writer.buffer();
        return ((b[0] & 0xFF) << 8) | (b[1] & 0xFF);
    }

    /** Encoded length in bytes (header included, final byte padded). */
    public int length() {
        return writer.byteLength();
    }

    /** The backing array; only the first {@link #length()} bytes are meaningful. */
    public byte[] buffer() {
        return writer.buffer();
    }

    /** A copy of the encoded bytes. */
    public byte[] bytes() {
        return Arrays.copyOf(writer.buffer(), writer.byteLength());
    }

    /**
     * Returns an appender that continues after the existing samples. For a chunk decoded from
     * bytes this walks all samples once to recover the encoder state, like Prometheus does.
     */
    public XorAppender appender() {
        return XorAppender.continuing(this);
    }

    /** An iterator over the chunk's current bytes; {@code reuse} may be null. */
    public XorIterator iterator(XorIterator reuse) {
        XorIterator it = reuse != null ? reuse : new XorIterator();
        it.reset(writer.buffer(), 0, writer.byteLength());
        return it;
    }

    /** Replaces the bit length after recovery of the real end of the stream. */
    void truncateBits(long bitLen) {
        byte[] b = writer.buffer();
        // Clear any bits after the real end so further appends OR into zeros.
        int lastByte = (int) (bitLen >>> 3);
        int used = (int) (bitLen & 7);
        if (lastByte < b.length) {
            if (used == 0) {
                Arrays.fill(b, lastByte, b.length, (byte) 0);
            } else {
                b[lastByte] &= (byte) (0xFF << (8 - used));
                Arrays.fill(b, lastByte + 1, b.length, (byte) 0);
            }
        }
        writer.setBitLength(bitLen);
    }
}
