package dev.sextant.tsdb.chunk;

import dev.sextant.tsdb.storage.SampleIterator;

/**
 * Decodes an XOR chunk. Allocation-free and reusable through {@link #reset}. Stops after the
 * header's sample count and ignores trailing bytes (Prometheus before 3.0 left an extra zero byte).
 * A truncated or malformed stream ends iteration and is reported by {@link #error()}.
 *
 * <p>Thread-safety: not thread-safe. The bytes passed to {@code reset} must not change while the
 * iterator is in use.
 */
public final class XorIterator implements SampleIterator {
    private final BitReader in = new BitReader();
    private int total;
    private int read;
    private long t;
    private long tDelta;
    private long vBits;
    private int leading;
    private int trailing;
    private boolean exhausted;
    private Throwable err;

    public XorIterator reset(byte[] buf, int off, int len) {
        if (len < 2) {
            total = 0;
            err = new IllegalStateException("XOR chunk shorter than its header");
            exhausted = true;
            return this;
        }
        total = ((buf[off] & 0xFF) << 8) | (buf[off + 1] & 0xFF);
        in.reset(buf, off + 2, len - 2);
        read = 0;
        t = 0;
        tDelta = 0;
        vBits = 0;
        leading = 0;
        trailing = 0;
        exhausted = false;
        err = null;
        return this;
    }

    /** Total samples according to the header. */
    public int numSamples() {
        return total;
    }

    @Override
    public boolean next() {
        if (exhausted || read >= total) {
            exhausted = true;
            return false;
        }
        if (read == 0) {
            t = in.readVarint();
            vBits = in.readBits(64);
        } else if (read == 1) {
            tDelta = in.readUvarint();
            t += tDelta;
            readValue();
        } else {
            long dod = readDod();
            tDelta += dod;
            t += tDelta;
            readValue();
        }
        if (in.overrun()) {
            err = new IllegalStateException("XOR chunk truncated at sample " + read + " of " + total);
            exhausted = true;
            return false;
        }
        read++;
        return true;
    }

    private long readDod() {
        int prefix = 0;
        while (prefix < 4 && in.readBit()) {
            prefix++;
        }
        int bits;
        switch (prefix) {
            case 0:
                return 0;
            case 1:
                bits = 14;
                break;
            case 2:
                bits = 17;
                break;
            case 3:
                bits = 20;
                break;
            default:
                return in.readBits(64);
        }
        long u = in.readBits(bits);
        // Two's complement with the range shifted one step toward positive: (-(2^(k-1)-1) .. 2^(k-1)].
        if (u > (1L << (bits - 1))) {
            u -= 1L << bits;
        }
        return u;
    }

    private void readValue() {
        if (!in.readBit()) {
            return; // value repeats
        }
        if (in.readBit()) {
            leading = (int) in.readBits(5);
            int sig = (int) in.readBits(6);
            if (sig == 0) {
                sig = 64;
            }
            trailing = 64 - leading - sig;
        }
        int sig = 64 - leading - trailing;
        long x = in.readBits(sig);
        vBits ^= x << trailing;
    }

    @Override
    public boolean seek(long target) {
        if (exhausted) {
            return false;
        }
        if (read > 0 && t >= target) {
            return true;
        }
        while (next()) {
            if (t >= target) {
                return true;
            }
        }
        return false;
    }

    @Override
    public long atT() {
        return t;
    }

    @Override
    public double atV() {
        return Double.longBitsToDouble(vBits);
    }

    /** Raw value bits of the current sample (NaN payloads preserved). */
    public long atVBits() {
        return vBits;
    }

    @Override
    public Throwable error() {
        return err;
    }

    // Encoder state recovery for XorAppender.
    int samplesRead() {
        return read;
    }

    long tDelta() {
        return tDelta;
    }

    int leading() {
        return leading;
    }

    int trailing() {
        return trailing;
    }

    long bitPosition() {
        return in.position();
    }
}
