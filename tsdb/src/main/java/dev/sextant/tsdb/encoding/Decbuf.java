package dev.sextant.tsdb.encoding;

import java.nio.charset.StandardCharsets;

/**
 * Reads the encodings of {@link Encbuf} from a byte array region. Errors do not throw: the first
 * failure sets {@link #error()} and later reads return zeros, so decoders check once at the end.
 *
 * <p>Thread-safety: not thread-safe; reusable through {@link #reset}.
 */
public final class Decbuf {
    private byte[] b;
    private int pos;
    private int end;
    private String error;

    public Decbuf() {}

    public Decbuf(byte[] b, int off, int len) {
        reset(b, off, len);
    }

    public Decbuf reset(byte[] buf, int off, int len) {
        this.b = buf;
        this.pos = off;
        this.end = off + len;
        this.error = null;
        return this;
    }

    public String error() {
        return error;
    }

    public int remaining() {
        return end - pos;
    }

    public int position() {
        return pos;
    }

    public void position(int p) {
        pos = p;
    }

    private boolean need(int n) {
        if (error != null) {
            return false;
        }
        if (end - pos < n) {
            error = "unexpected end of data";
            pos = end;
            return false;
        }
        return true;
    }

    public int getByte() {
        if (!need(1)) {
            return 0;
        }
        return b[pos++] & 0xFF;
    }

    public int getBE32() {
        if (!need(4)) {
            return 0;
        }
        int v = ((b[pos] & 0xFF) << 24) | ((b[pos + 1] & 0xFF) << 16) | ((b[pos + 2] & 0xFF) << 8) | (b[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    public long getBE64() {
        long hi = getBE32() & 0xFFFFFFFFL;
        long lo = getBE32() & 0xFFFFFFFFL;
        return (hi << 32) | lo;
    }

    public long getUvarint() {
        long x = 0;
        int s = 0;
        for (int i = 0; i < 10; i++) {
            if (!need(1)) {
                return 0;
            }
            int c = b[pos++] & 0xFF;
            if (c < 0x80) {
                return x | ((long) c << s);
            }
            x |= (long) (c & 0x7F) << s;
            s += 7;
        }
        error = "varint overflow";
        return 0;
    }

    public long getVarint() {
        long ux = getUvarint();
        return (ux >>> 1) ^ -(ux & 1);
    }

    /** A uvarint that must fit 32 bits unsigned. */
    public int getUvarint32() {
        long v = getUvarint();
        if (v < 0 || v > 0xFFFFFFFFL) {
            if (error == null) {
                error = "uvarint32 overflow";
            }
            return 0;
        }
        return (int) v;
    }

    public String getUvarintStr() {
        long n = getUvarint();
        if (error != null) {
            return "";
        }
        if (n < 0 || n > end - pos) {
            error = "string length " + n + " exceeds data";
            pos = end;
            return "";
        }
        String s = new String(b, pos, (int) n, StandardCharsets.UTF_8);
        pos += (int) n;
        return s;
    }

    public void skip(int n) {
        if (need(n)) {
            pos += n;
        }
    }
}
