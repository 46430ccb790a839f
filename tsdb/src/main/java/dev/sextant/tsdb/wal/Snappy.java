package dev.sextant.tsdb.wal;

/**
 * Snappy's raw block format (no framing), which Prometheus uses to compress WAL records: a uvarint
 * of the decoded length, then literal and copy elements. The encoder is a plain greedy one (a
 * 2^14-entry hash table of 4-byte sequences, no skipping heuristics): WAL records are small and
 * repetitive (label strings, sample deltas), so its ratio is close to the reference encoder's.
 *
 * <p>Thread-safety: stateless static methods; the encoder's hash table is passed in.
 */
final class Snappy {
    private Snappy() {}


    static final int HASH_BITS = 14;

    /** Worst-case encoded size of {@code n} bytes (the reference implementation's bound). */
    static int maxCompressedLength(int n) {
        return 32 + n + n / 6;
    }

    /**
     * Encodes {@code src[off, off + len)} into {@code dst} (at least {@link #maxCompressedLength}
     * bytes) and returns the encoded length. {@code table} is scratch of {@code 1 << HASH_BITS} ints.
     */
    static int compress(byte[] src, int off, int len, byte[] dst, int[] table) {
        int d = 0;
        long x = len & 0xFFFFFFFFL;
        while (x >= 0x80) {
            dst[d++] = (byte) (x | 0x80);
            x >>>= 7;
        }
        dst[d++] = (byte) x;
        java.util.Arrays.fill(table, -1);
        int end = off + len;
        int lit = off;
        int i = off;
        while (i + 4 <= end) {
            int v = read32(src, i);
            int h = (v * 0x1E35A7BD) >>> (32 - HASH_BITS);
            int cand = table[h];
            table[h] = i - off;
            if (cand >= 0 && read32(src, off + cand) == v) {
                int c = off + cand;
                int m = 4;
                while (i + m < end && src[c + m] == src[i + m]) {
                    m++;
                }
                d = literal(src, lit, i - lit, dst, d);
                d = copy(i - c, m, dst, d);
                i += m;
                lit = i;
            } else {
                i++;
            }
        }
        return literal(src, lit, end - lit, dst, d);
    }

    private static int read32(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
    }

    private static int literal(byte[] src, int from, int n, byte[] dst, int d) {
        if (n == 0) {
            return d;
        }
        int m = n - 1;
        if (m < 60) {
            dst[d++] = (byte) (m << 2);
        } else {
            int bytes = m < 1 << 8 ? 1 : m < 1 << 16 ? 2 : m < 1 << 24 ? 3 : 4;
            dst[d++] = (byte) ((59 + bytes) << 2);
            for (int k = 0; k < bytes; k++) {
                dst[d++] = (byte) (m >>> (8 * k));
            }
        }
        System.arraycopy(src, from, dst, d, n);
        return d + n;
    }

    /** Emits copies of at most 64 bytes each; every piece is at least 4 bytes long. */
    private static int copy(int offset, int len, byte[] dst, int d) {
        while (len >= 68) {
            d = copyPiece(offset, 64, dst, d);
            len -= 64;
        }
        if (len > 64) {
            d = copyPiece(offset, 60, dst, d);
            len -= 60;
        }
        return copyPiece(offset, len, dst, d);
    }

    private static int copyPiece(int offset, int len, byte[] dst, int d) {
        if (len <= 11 && offset < 2048) {
            dst[d++] = (byte) (((offset >>> 8) << 5) | ((len - 4) << 2) | 1);
            dst[d++] = (byte) offset;
        } else if (offset < 1 << 16) {
            dst[d++] = (byte) (((len - 1) << 2) | 2);
            dst[d++] = (byte) offset;
            dst[d++] = (byte) (offset >>> 8);
        } else {
            dst[d++] = (byte) (((len - 1) << 2) | 3);
            dst[d++] = (byte) offset;
            dst[d++] = (byte) (offset >>> 8);
            dst[d++] = (byte) (offset >>> 16);
            dst[d++] = (byte) (offset >>> 24);
        }
        return d;
    }

    static int uncompressedLength(byte[] src, int off, int len) {
        long x = 0;
        int s = 0;
        for (int i = 0; i < 5 && off + i < off + len; i++) {
            int b = src[off + i] & 0xFF;
            x |= (long) (b & 0x7F) << s;
            if (b < 0x80) {
                if (x > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("length too large");
                }
                return (int) x;
            }
            s += 7;
        }
        throw new IllegalArgumentException("bad length varint");
    }

    static int uncompress(byte[] src, int off, int len, byte[] dst) {
        int end = off + len;
        int n = uncompressedLength(src, off, len);
        int p = off;
        while ((src[p] & 0x80) != 0) {
            p++;
        }
        p++;
        int d = 0;
        while (p < end) {
            int tag = src[p++] & 0xFF;
            switch (tag & 3) {
                case 0 -> {
                    int l = tag >>> 2;
                    if (l >= 60) {
                        int bytes = l - 59;
                        l = 0;
                        for (int i = 0; i < bytes; i++) {
                            l |= (src[p++] & 0xFF) << (8 * i);
                        }
                    }
                    l += 1;
                    if (l <= 0 || p + l > end || d + l > n) {
                        throw new IllegalArgumentException("literal out of range");
                    }
                    System.arraycopy(src, p, dst, d, l);
                    p += l;
                    d += l;
                }
                case 1 -> {
                    int l = ((tag >>> 2) & 7) + 4;
                    int o = ((tag >>> 5) << 8) | (src[p++] & 0xFF);
                    d = copy(dst, d, o, l, n);
                }
                case 2 -> {
                    int l = (tag >>> 2) + 1;
                    int o = (src[p] & 0xFF) | ((src[p + 1] & 0xFF) << 8);
                    p += 2;
                    d = copy(dst, d, o, l, n);
                }
                default -> {
                    int l = (tag >>> 2) + 1;
                    int o = (src[p] & 0xFF) | ((src[p + 1] & 0xFF) << 8) | ((src[p + 2] & 0xFF) << 16) | ((src[p + 3] & 0xFF) << 24);
                    p += 4;
                    d = copy(dst, d, o, l, n);
                }
            }
        }
        if (d != n) {
            throw new IllegalArgumentException("decoded " + d + " bytes, header says " + n);
        }
        return n;
    }

    private static int copy(byte[] dst, int d, int offset, int len, int n) {
        if (offset <= 0 || offset > d || d + len > n) {
            throw new IllegalArgumentException("copy out of range");
        }
        int from = d - offset;
        if (offset >= len) {
            System.arraycopy(dst, from, dst, d, len);
            return d + len;
        }
        // Overlapping (run-length style) copies byte by byte: they repeat the last offset bytes.
        for (int i = 0; i < len; i++) {
            dst[d + i] = dst[from + i];
        }
        return d + len;
    }
}
