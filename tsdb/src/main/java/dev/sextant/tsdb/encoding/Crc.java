package dev.sextant.tsdb.encoding;

import java.util.zip.CRC32C;

/** CRC32C (Castagnoli) helpers; the checksum of every Prometheus file format. Thread-safe (per-thread state). */
public final class Crc {
    private static final ThreadLocal<CRC32C> CRC = ThreadLocal.withInitial(CRC32C::new);

    private Crc() {}

    public static int crc32c(byte[] b, int off, int len) {
        CRC32C c = CRC.get();
        c.reset();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    public static int readBE32(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    public static long readBE64(byte[] b, int off) {
        return ((long) readBE32(b, off) << 32) | (readBE32(b, off + 4) & 0xFFFFFFFFL);
    }

    public static void writeBE32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
