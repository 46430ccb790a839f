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

    final XorEncoder enc;

    /** Creates an empty chunk (header only). */
    public XorChunk() {
        this.enc = new XorEncoder();
        enc.startChunk(); // grows by doubling; most open chunks stay small
    }

    private XorChunk(XorEncoder enc) {
        this.enc = enc;
    }

    /** Copies encoded chunk bytes so that more samples can be appended to them. */
    public static XorChunk fromBytes(byte[] data, int off, int len) {
        if (len < 2) {
            throw new IllegalArgumentException("XOR chunk shorter than its header: " + len + " bytes");
        }
        byte[] copy = Arrays.copyOfRange(data, off, off + len);
        // The bit length is recomputed by the appender, which walks every sample.
        XorEncoder enc = new XorEncoder();
        enc.resume(copy, len);
        return new XorChunk(enc);
    }

    public int numSamples() {
        byte[] b = enc.buf;
        return ((b[0] & 0xFF) << 8) | (b[1] & 0xFF);
    }

    /** Encoded length in bytes (header included, final byte padded). */
    public int length() {
        return enc.chunkLength();
    }

    /** The backing array; only the first {@link #length()} bytes are meaningful. */
    public byte[] buffer() {
        return enc.buf;
    }

    /** A copy of the encoded bytes. */
    public byte[] bytes() {
        return enc.chunkBytes();
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
        it.reset(enc.buf, 0, enc.chunkLength());
        return it;
    }

    /** Replaces the bit length after recovery of the real end of the stream. */
    void truncateBits(long bitLen) {
        enc.truncateBits(Math.toIntExact(bitLen));
    }
}
