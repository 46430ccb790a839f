package dev.sextant.tsdb.chunk;

/**
 * Reads bits, most-significant first, from a byte array region. Reading past the end yields zero
 * bits and sets {@link #overrun()} so callers can report corruption instead of throwing.
 *
 * <p>Thread-safety: not thread-safe; reusable through {@link #reset}.
 */
public final class BitReader {
    private byte[] buf;
    private long pos;
    private long endBit;
    private boolean overrun;

    public void reset(byte[] buf, int off, int len) {
        this.buf = buf;
        this.pos = (long) off << 3;
        this.endBit = (long) (off + len) << 3;
        this.overrun = false;
    }

    /** Absolute bit position within the array. */
    public long position() {
        return pos;
    }

    public boolean overrun() {
        return overrun;
    }

    public boolean readBit() {
        if (pos >= endBit) {
            overrun = true;
            return false;
        }
        int b = buf[(int) (pos >>> 3)] >>> (7 - (int) (pos & 7));
        pos++;
        return (b & 1) != 0;
    }

    /** Reads {@code n} bits ({@code 0 <= n <= 64}) as an unsigned value. */
    public long readBits(int n) {
        if (pos + n > endBit) {
            overrun = true;
            pos = endBit;
            return 0;
        }
        if (n == 0) {
            return 0;
        }
        // One big-endian 64-bit load at the current byte holds the 57..64 bits from there on; a
        // read that needs more (n > 56 at an odd bit offset) takes the ninth byte's top bits.
        int idx = (int) (pos >>> 3);
        int shift = (int) (pos & 7);
        long w = load(idx) << shift;
        long v;
        if (n <= 64 - shift) {
            v = w >>> (64 - n);
        } else {
            int rest = n - (64 - shift);
            v = (w >>> (64 - n)) | ((buf[idx + 8] & 0xFFL) >>> (8 - rest));
        }
        pos += n;
        return v;
    }

    /** Eight bytes from {@code idx}, big-endian; bytes past the array's end read as zero. */
    private long load(int idx) {
        byte[] b = buf;
        if (idx + 8 <= b.length) {
            return (long) BE_LONG.get(b, idx);
        }
        long w = 0;
        for (int i = 0; i < 8; i++) {
            w = (w << 8) | (idx + i < b.length ? b[idx + i] & 0xFFL : 0);
        }
        return w;
    }

    private static final java.lang.invoke.VarHandle BE_LONG = java.lang.invoke.MethodHandles
            .byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

    public int readByte() {
        return (int) readBits(8);
    }

    /** Reads an unsigned LEB128 varint from the bit stream (byte-wise, not necessarily aligned). */
    public long readUvarint() {
        if ((pos & 7) == 0) {
            return readAlignedUvarint();
        }
        long x = 0;
        int s = 0;
        for (int i = 0; i < 10; i++) {
            int b = readByte();
            if (overrun) {
                return 0;
            }
            if (b < 0x80) {
                return x | ((long) b << s);
            }
            x |= (long) (b & 0x7F) << s;
            s += 7;
        }
        overrun = true;
        return 0;
    }

    /** {@link #readUvarint()} at a byte boundary (a chunk's first timestamp): straight from the bytes. */
    private long readAlignedUvarint() {
        int idx = (int) (pos >>> 3);
        int end = (int) (endBit >>> 3);
        long x = 0;
        int s = 0;
        for (int i = 0; i < 10; i++) {
            if (idx + i >= end) {
                overrun = true;
                pos = endBit;
                return 0;
            }
            int b = buf[idx + i] & 0xFF;
            if (b < 0x80) {
                pos += (long) (i + 1) << 3;
                return x | ((long) b << s);
            }
            x |= (long) (b & 0x7F) << s;
            s += 7;
        }
        pos += 10L << 3;
        overrun = true;
        return 0;
    }

    public long readVarint() {
        long ux = readUvarint();
        return (ux >>> 1) ^ -(ux & 1);
    }
}
