package dev.sextant.tsdb.chunk;

/**
 * Appends samples to an {@link XorChunk}. Timestamps must strictly increase; the caller (the head)
 * enforces ordering, this class only encodes.
 *
 * <p>Thread-safety: not thread-safe; at most one appender per chunk.
 */
public final class XorAppender {
    private final XorChunk chunk;
    private final XorEncoder enc;

    private XorAppender(XorChunk chunk) {
        this.chunk = chunk;
        this.enc = chunk.enc;
    }

    static XorAppender continuing(XorChunk chunk) {
        XorAppender a = new XorAppender(chunk);
        XorEncoder e = a.enc;
        int n = chunk.numSamples();
        if (n == 0) {
            chunk.truncateBits(16);
            e.count = 0;
            e.leading = XorEncoder.NO_WINDOW;
            e.trailing = 0;
            return a;
        }
        XorIterator it = chunk.iterator(null);
        long t = 0;
        long v = 0;
        while (it.next()) {
            t = it.atT();
            v = it.atVBits();
        }
        if (it.error() != null || it.samplesRead() != n) {
            throw new IllegalStateException("cannot append to a corrupt XOR chunk", it.error());
        }
        chunk.truncateBits(it.bitPosition());
        e.count = n;
        e.t = t;
        e.vBits = v;
        e.tDelta = it.tDelta();
        // Prometheus resumes with the decoder's window, which is (0, 0) for a one-sample chunk.
        e.leading = (byte) it.leading();
        e.trailing = (byte) it.trailing();
        return a;
    }

    public XorChunk chunk() {
        return chunk;
    }

    public int count() {
        return enc.count;
    }

    /** Appends one sample; the value's bits are kept exactly (NaN payloads included). */
    public void append(long ts, double v) {
        enc.appendSample(ts, Double.doubleToRawLongBits(v));
    }

    public void appendBits(long ts, long bits) {
        enc.appendSample(ts, bits);
    }
}
