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
        long v = 0;
        while (n > 0) {
            int idx = (int) (pos >>> 3);
            int avail = 8 - (int) (pos & 7);
            int take = Math.min(avail, n);
            int bits = ((buf[idx] & 0xFF) >>> (avail - take)) & ((1 << take) - 1);
            v = (v << take) | bits;
            pos += take;
            n -= take;
        }
        return v;
    }

    public int readByte() {
        return (int) readBits(8);
    }

    /** Reads an unsigned LEB128 varint from the bit stream (byte-wise, not necessarily aligned). */
    public long readUvarint() {
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

    public long readVarint() {
        long ux = readUvarint();
        return (ux >>> 1) ^ -(ux & 1);
    }
}
