package dev.sextant.tsdb.wal;

/**
 * Decoder for Snappy's raw block format (no framing), which Prometheus uses to compress WAL
 * records. Only decoding is needed: Sextant writes records uncompressed.
 *
 * <p>Thread-safety: stateless.
 */
final class Snappy {
    private Snappy() {}

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
        // Byte by byte: source and destination may overlap (run-length style copies).
        for (int i = 0; i < len; i++) {
            dst[d + i] = dst[d - offset + i];
        }
        return d + len;
    }
}
