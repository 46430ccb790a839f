package dev.sextant.tsdb.chunk;

/**
 * Appends samples to an {@link XorChunk}. Timestamps must strictly increase; the caller (the head)
 * enforces ordering, this class only encodes.
 *
 * <p>Thread-safety: not thread-safe; at most one appender per chunk.
 */
public final class XorAppender {
    /** Marks "no XOR window yet": no real leading-zero count (max 31) reaches it. */
    private static final int NO_WINDOW = 0xFF;

    private final XorChunk chunk;
    private final BitWriter w;
    private int count;
    private long t;
    private long tDelta;
    private long vBits;
    private int leading;
    private int trailing;

    private XorAppender(XorChunk chunk) {
        this.chunk = chunk;
        this.w = chunk.writer;
    }

    static XorAppender continuing(XorChunk chunk) {
        XorAppender a = new XorAppender(chunk);
        int n = chunk.numSamples();
        if (n == 0) {
            a.leading = NO_WINDOW;
            chunk.truncateBits(16);
            return a;
        }
        XorIterator it = chunk.iterator(null);
        while (it.next()) {
            a.t = it.atT();
            a.vBits = it.atVBits();
        }
        if (it.error() != null || it.samplesRead() != n) {
            throw new IllegalStateException("cannot append to a corrupt XOR chunk", it.error());
        }
        a.count = n;
        a.tDelta = it.tDelta();
        // Prometheus resumes with the decoder's window, which is (0, 0) for a one-sample chunk.
        a.leading = it.leading();
        a.trailing = it.trailing();
        chunk.truncateBits(it.bitPosition());
        return a;
    }

    public XorChunk chunk() {
        return chunk;
    }

    public int count() {
        return count;
    }

    /** Appends one sample; the value's bits are kept exactly (NaN payloads included). */
    public void append(long ts, double v) {
        appendBits(ts, Double.doubleToRawLongBits(v));
    }

    public void appendBits(long ts, long bits) {
        if (count >= XorChunk.MAX_SAMPLES) {
            throw new IllegalStateException("XOR chunk is full (" + XorChunk.MAX_SAMPLES + " samples)");
        }
        if (count == 0) {
            writeVarint(ts);
            w.writeBits(bits, 64);
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
        w.putByte(0, count >>> 8);
        w.putByte(1, count);
    }

    private void writeDod(long dod) {
        if (dod == 0) {
            w.writeBit(false);
        } else if (fits(dod, 14)) {
            w.writeBits(0b10, 2);
            w.writeBits(dod, 14);
        } else if (fits(dod, 17)) {
            w.writeBits(0b110, 3);
            w.writeBits(dod, 17);
        } else if (fits(dod, 20)) {
            w.writeBits(0b1110, 4);
            w.writeBits(dod, 20);
        } else {
            w.writeBits(0b1111, 4);
            w.writeBits(dod, 64);
        }
    }

    /** Range {@code [-(2^(n-1) - 1), 2^(n-1)]}: one step toward positive, as Prometheus decodes. */
    private static boolean fits(long x, int n) {
        return -((1L << (n - 1)) - 1) <= x && x <= 1L << (n - 1);
    }

    private void writeValue(long bits) {
        long x = bits ^ vBits;
        if (x == 0) {
            w.writeBit(false);
            return;
        }
        w.writeBit(true);
        int lead = Long.numberOfLeadingZeros(x);
        int trail = Long.numberOfTrailingZeros(x);
        if (lead >= 32) {
            lead = 31; // the field has 5 bits
        }
        if (leading != NO_WINDOW && lead >= leading && trail >= trailing) {
            w.writeBit(false);
            w.writeBits(x >>> trailing, 64 - leading - trailing);
            return;
        }
        leading = lead;
        trailing = trail;
        w.writeBit(true);
        w.writeBits(lead, 5);
        int sig = 64 - lead - trail;
        // 64 significant bits do not fit 6 bits; 0 stands for 64 (it can never mean zero bits).
        w.writeBits(sig & 63, 6);
        w.writeBits(x >>> trail, sig);
    }

    private void writeUvarint(long x) {
        while ((x & ~0x7FL) != 0) {
            w.writeByte((int) ((x & 0x7F) | 0x80));
            x >>>= 7;
        }
        w.writeByte((int) x);
    }

    private void writeVarint(long x) {
        writeUvarint((x << 1) ^ (x >> 63));
    }
}
