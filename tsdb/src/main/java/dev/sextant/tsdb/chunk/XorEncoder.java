package dev.sextant.tsdb.chunk;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An XOR chunk being written: its bytes and the encoder state in one object (see {@link XorChunk}
 * for the format). {@link XorChunk} and {@link XorAppender} wrap one; the head's series extend it,
 * so an open chunk costs a series one byte array instead of four objects.
 *
 * <p>Bits are written most-significant first; bytes after the stream are always zero (fields are
 * ORed in), and the final byte is zero-padded.
 *
 * <p>Thread-safety: not thread-safe.
 */
public class XorEncoder {
    private static final VarHandle BE_LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    /** Marks "no XOR window yet": no real leading-zero count (max 31) reaches it. */
    static final byte NO_WINDOW = (byte) 0xFF;
    /**
     * First array of a series' first chunk: 128 bytes, as Prometheus's XOR chunk starts
     * ({@code make([]byte, 2, 128)}): room for the first few dozen samples of a typical series. Later
     * chunks are sized from the previous one ({@link #startChunk(int)}). A smaller start (32 bytes
     * before) made every new series grow its array twice in its first few dozen samples, and each
     * grown array is a young object stored into an old series: a dirty card that G1's refinement
     * threads scan (bench/README.md, "Scrape CPU, branch scrape7": refinement 2.1 of 26 CPU-s per
     * 300 s at 1M series, 0.27 with 128).
     */
    static final int INITIAL_BYTES = 128;

    /** The chunk's bytes, or null when no chunk is open. */
    byte[] buf;
    /** Bits written, header included. */
    int bitLen;
    int count;
    long t;
    long tDelta;
    long vBits;
    byte leading;
    byte trailing;

    protected XorEncoder() {}

    /** Starts a new, empty chunk (the 2-byte count header only). */
    protected final void startChunk() {
        startChunk(new byte[INITIAL_BYTES]);
    }

    /**
     * Starts a new, empty chunk in an array of {@code capacity} bytes (at least the initial size),
     * e.g. the previous chunk's length, so a series' chunks stop growing their array by doubling.
     */
    protected final void startChunk(int capacity) {
        startChunk(new byte[Math.max(INITIAL_BYTES, (capacity + 7) & ~7)]);
    }

    final void startChunk(byte[] zeroed) {
        buf = zeroed;
        bitLen = 16;
        count = 0;
        t = 0;
        tDelta = 0;
        vBits = 0;
        leading = NO_WINDOW;
        trailing = 0;
    }

    /** Forgets the open chunk (its bytes become garbage); the last sample's time and value stay. */
    protected final void dropChunk() {
        buf = null;
        bitLen = 0;
        count = 0;
    }

    /** Whether a chunk is open. */
    public final boolean chunkOpen() {
        return buf != null;
    }

    /** Samples in the open chunk (0 when none is open). */
    public final int chunkSamples() {
        return count;
    }

    /** Encoded length of the open chunk in bytes (header included, final byte padded). */
    public final int chunkLength() {
        return (bitLen + 7) >>> 3;
    }

    /** The open chunk's backing array; only the first {@link #chunkLength()} bytes are meaningful. */
    public final byte[] chunkBuffer() {
        return buf;
    }

    /** A copy of the open chunk's encoded bytes. */
    public final byte[] chunkBytes() {
        return Arrays.copyOf(buf, chunkLength());
    }

    /**
     * Appends one sample to the open chunk; timestamps must strictly increase (the caller checks),
     * the value's bits are kept exactly (NaN payloads included).
     */
    public final void appendSample(long ts, long bits) {
        if (count >= XorChunk.MAX_SAMPLES) {
            throw new IllegalStateException("XOR chunk is full (" + XorChunk.MAX_SAMPLES + " samples)");
        }
        if (count == 0) {
            writeUvarint((ts << 1) ^ (ts >> 63));
            writeBits(bits, 64);
        } else if (count == 1) {
            long delta = ts - t;
            writeUvarint(delta);
            writeValue(bits);
            tDelta = delta;
        } else {
            long delta = ts - t;
            writeDod(delta - tDelta);
            writeValue(bits);
            tDelta = delta;
        }
        t = ts;
        vBits = bits;
        count++;
        buf[0] = (byte) (count >>> 8);
        buf[1] = (byte) count;
    }

    private void writeDod(long dod) {
        if (dod == 0) {
            writeBits(0, 1);
        } else if (fits(dod, 14)) {
            writeBits((0b10L << 14) | (dod & ((1L << 14) - 1)), 16);
        } else if (fits(dod, 17)) {
            writeBits((0b110L << 17) | (dod & ((1L << 17) - 1)), 20);
        } else if (fits(dod, 20)) {
            writeBits((0b1110L << 20) | (dod & ((1L << 20) - 1)), 24);
        } else {
            writeBits(0b1111, 4);
            writeBits(dod, 64);
        }
    }

    /** Range {@code [-(2^(n-1) - 1), 2^(n-1)]}: one step toward positive, as Prometheus decodes. */
    private static boolean fits(long x, int n) {
        return -((1L << (n - 1)) - 1) <= x && x <= 1L << (n - 1);
    }

    private void writeValue(long bits) {
        long x = bits ^ vBits;
        if (x == 0) {
            writeBits(0, 1);
            return;
        }
        int lead = Long.numberOfLeadingZeros(x);
        int trail = Long.numberOfTrailingZeros(x);
        if (lead >= 32) {
            lead = 31; // the field has 5 bits
        }
        if (leading != NO_WINDOW && lead >= leading && trail >= trailing) {
            // '1' '0' then the bits inside the previous window.
            writeBits(0b10, 2);
            writeBits(x >>> trailing, 64 - leading - trailing);
            return;
        }
        leading = (byte) lead;
        trailing = (byte) trail;
        int sig = 64 - lead - trail;
        // '1' '1', 5 bits of leading zeros, 6 bits of significant bits (64 is written as 0).
        writeBits((0b11L << 11) | ((long) lead << 6) | (sig & 63), 13);
        writeBits(x >>> trail, sig);
    }

    private void writeUvarint(long x) {
        while ((x & ~0x7FL) != 0) {
            writeBits((x & 0x7F) | 0x80, 8);
            x >>>= 7;
        }
        writeBits(x, 8);
    }

    /** Writes the low {@code n} bits of {@code value}, high to low; {@code 0 <= n <= 64}. */
    final void writeBits(long value, int n) {
        if (n == 0) {
            return;
        }
        int need = (int) (((long) bitLen + n + 7) >>> 3);
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2));
        }
        int shift = bitLen & 7;
        int at = bitLen >>> 3;
        if (n + shift <= 64 && at + 8 <= buf.length) {
            // One big-endian 64-bit OR at the current byte: the bits land right after the used
            // bits of the partial byte; the bytes after the stream are zero, so ORing is exact.
            long v = (value << (64 - n)) >>> shift;
            BE_LONGS.set(buf, at, (long) BE_LONGS.get(buf, at) | v);
            bitLen += n;
            return;
        }
        // Near the end of the array (or a 64-bit field that straddles 9 bytes): byte by byte.
        while (n > 0) {
            int idx = bitLen >>> 3;
            int free = 8 - (bitLen & 7);
            int take = Math.min(free, n);
            int chunk = (int) ((value >>> (n - take)) & ((1 << take) - 1));
            buf[idx] |= (byte) (chunk << (free - take));
            bitLen += take;
            n -= take;
        }
    }

    /**
     * Continues after {@code bitLength} bits of an existing chunk in {@code bytes} (copied), with
     * the encoder state recovered by a walk over its samples ({@link XorAppender#continuing}).
     */
    final void resume(byte[] bytes, int byteLen) {
        buf = Arrays.copyOf(bytes, Math.max(byteLen + 16, INITIAL_BYTES));
        bitLen = byteLen << 3;
    }

    /** Cuts the stream to {@code bits}, zeroing everything after them so later fields OR into zeros. */
    final void truncateBits(int bits) {
        int lastByte = bits >>> 3;
        int used = bits & 7;
        if (lastByte < buf.length) {
            if (used == 0) {
                Arrays.fill(buf, lastByte, buf.length, (byte) 0);
            } else {
                buf[lastByte] &= (byte) (0xFF << (8 - used));
                Arrays.fill(buf, lastByte + 1, buf.length, (byte) 0);
            }
        }
        bitLen = bits;
    }
}
