package dev.sextant.tsdb.chunk;

import java.util.Arrays;

/**
 * Appends bits, most-significant first, to a growable byte array. The final byte is zero-padded.
 *
 * <p>Thread-safety: not thread-safe. The backing array may be replaced when it grows, so callers
 * must re-read {@link #buffer()} after writing.
 */
public final class BitWriter {
    private byte[] buf;
    /** Total number of bits written. */
    private long bitLen;

    public BitWriter(int initialBytes) {
        this.buf = new byte[Math.max(initialBytes, 16)];
    }

    /** Continues writing after {@code bitLen} bits already present in {@code bytes} (copied). */
    public BitWriter(byte[] bytes, int byteLen, long bitLen) {
        this.buf = Arrays.copyOf(bytes, Math.max(byteLen + 16, 32));
        this.bitLen = bitLen;
    }

    public byte[] buffer() {
        return buf;
    }

    /** Number of bytes holding written bits (the last one may be partial). */
    public int byteLength() {
        return (int) ((bitLen + 7) >>> 3);
    }

    public long bitLength() {
        return bitLen;
    }

    private void ensure(long bits) {
        long needBytes = (bitLen + bits + 7) >>> 3;
        if (needBytes > buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.max(needBytes, buf.length * 2L));
        }
    }

    void setBitLength(long bits) {
        this.bitLen = bits;
    }

    public void writeBit(boolean bit) {
        ensure(1);
        if (bit) {
            int idx = (int) (bitLen >>> 3);
            buf[idx] |= (byte) (0x80 >>> (int) (bitLen & 7));
        }
        bitLen++;
    }

    /** Writes the low {@code n} bits of {@code value}, high to low; {@code 0 <= n <= 64}. */
    public void writeBits(long value, int n) {
        ensure(n);
        // Fill the current partial byte, then whole bytes: at most 9 iterations for 64 bits.
        while (n > 0) {
            int idx = (int) (bitLen >>> 3);
            int free = 8 - (int) (bitLen & 7);
            int take = Math.min(free, n);
            int chunk = (int) ((value >>> (n - take)) & ((1 << take) - 1));
            buf[idx] |= (byte) (chunk << (free - take));
            bitLen += take;
            n -= take;
        }
    }

    /** Writes a whole byte (not necessarily aligned). */
    public void writeByte(int b) {
        writeBits(b & 0xFF, 8);
    }

    /** Overwrites a byte at an absolute byte index (used for headers written before the stream). */
    public void putByte(int index, int b) {
        buf[index] = (byte) b;
    }
}
