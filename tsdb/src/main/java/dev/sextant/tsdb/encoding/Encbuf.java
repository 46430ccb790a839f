package dev.sextant.tsdb.encoding;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable big-endian byte buffer with the primitive encodings every on-disk format uses:
 * {@code beN}, unsigned and zig-zag varints, length-prefixed UTF-8 strings, raw float bits.
 *
 * <p>Thread-safety: not thread-safe; reusable through {@link #reset()}.
 */
public final class Encbuf {
    private byte[] buf;
    private int len;

    public Encbuf(int initial) {
        buf = new byte[Math.max(16, initial)];
    }

    public Encbuf() {
        this(256);
    }

    public Encbuf reset() {
        len = 0;
        return this;
    }

    public int len() {
        return len;
    }

    public byte[] array() {
        return buf;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    /**
     * Makes room for {@code n} more bytes and returns the backing array, for encoders that write a
     * run of fields straight into it (from {@link #len()}) and then {@link #setLen} past them: one
     * capacity check per run instead of one per field.
     */
    public byte[] reserve(int n) {
        ensure(n);
        return buf;
    }

    /** Sets the length after a {@link #reserve}d run was written; {@code len} must lie within it. */
    public void setLen(int len) {
        if (len < 0 || len > buf.length) {
            throw new IllegalArgumentException("length " + len + " outside [0, " + buf.length + "]");
        }
        this.len = len;
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(len + n, buf.length * 2));
        }
    }

    public Encbuf putByte(int b) {
        ensure(1);
        buf[len++] = (byte) b;
        return this;
    }

    public Encbuf putBytes(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
        return this;
    }

    public Encbuf putBE32(int v) {
        ensure(4);
        buf[len] = (byte) (v >>> 24);
        buf[len + 1] = (byte) (v >>> 16);
        buf[len + 2] = (byte) (v >>> 8);
        buf[len + 3] = (byte) v;
        len += 4;
        return this;
    }

    public Encbuf putBE64(long v) {
        putBE32((int) (v >>> 32));
        return putBE32((int) v);
    }

    public Encbuf putF64(double v) {
        return putBE64(Double.doubleToRawLongBits(v));
    }

    public Encbuf putUvarint(long x) {
        ensure(10);
        while ((x & ~0x7FL) != 0) {
            buf[len++] = (byte) ((x & 0x7F) | 0x80);
            x >>>= 7;
        }
        buf[len++] = (byte) x;
        return this;
    }

    public Encbuf putVarint(long x) {
        return putUvarint((x << 1) ^ (x >> 63));
    }

    /**
     * The zig-zag varint of {@code x} at {@code a[p]}, for runs written after {@link #reserve}
     * (room checked by the caller); returns the position after it. Same bytes as {@link #putVarint}.
     */
    public static int putVarint(byte[] a, int p, long x) {
        long u = (x << 1) ^ (x >> 63);
        while ((u & ~0x7FL) != 0) {
            a[p++] = (byte) ((u & 0x7F) | 0x80);
            u >>>= 7;
        }
        a[p++] = (byte) u;
        return p;
    }

    /** {@code uvarint} byte length then UTF-8 bytes. */
    public Encbuf putUvarintStr(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        putUvarint(b.length);
        return putBytes(b, 0, b.length);
    }

    public void setBE32(int pos, int v) {
        buf[pos] = (byte) (v >>> 24);
        buf[pos + 1] = (byte) (v >>> 16);
        buf[pos + 2] = (byte) (v >>> 8);
        buf[pos + 3] = (byte) v;
    }

    public static int uvarintSize(long x) {
        int n = 1;
        while ((x & ~0x7FL) != 0) {
            x >>>= 7;
            n++;
        }
        return n;
    }
}
