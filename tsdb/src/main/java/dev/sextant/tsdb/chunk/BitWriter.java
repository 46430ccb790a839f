package dev.sextant.tsdb.chunk;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Appends bits, most-significant first, to a growable byte array. The final byte is zero-padded.
 *
 * <p>Thread-safety: not thread-safe. The backing array may be replaced when it grows, so callers
 * must re-read {@link #buffer()} after writing.
 */
public final class BitWriter {
    private static final VarHandle BE_LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
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
        int shift = (int) (bitLen & 7);
        int at = (int) (bitLen >>> 3);
        if (n > 0 && n + shift <= 64 && at + 8 <= buf.length) {
            // One big-endian 64-bit OR at the current byte: the n bits land right after the used
            // bits of the partial byte; the bytes after the stream are zero, so ORing is exact.
            long v = (value << (64 - n)) >>> shift;
            BE_LONGS.set(buf, at, (long) BE_LONGS.get(buf, at) | v);
            bitLen += n;
            return;
        }
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
