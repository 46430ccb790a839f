package dev.sextant.bench.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encodes remote-write 1.0 {@code WriteRequest} messages by hand into a reusable byte array, so
 * that the load generator spends its CPU on the wire and not on building protobuf objects (on a
 * 2-core machine the client competes with the server it measures).
 *
 * <p>Each series' {@code Label} fields are encoded once ({@link #encodeLabels}); a request is then
 * {@code TimeSeries{labels bytes, Sample{value, timestamp}...}} per series. Field numbers follow
 * {@code prompb/types.proto}: TimeSeries.labels = 1, TimeSeries.samples = 2, Label.name = 1,
 * Label.value = 2, Sample.value = 1 (fixed64), Sample.timestamp = 2 (varint). Zero values are
 * written explicitly; proto3 parsers accept that.
 *
 * <p>Thread-safety: not thread-safe; one encoder per sending thread.
 */
public final class WriteRequestEncoder {
    private static final int TAG_TIMESERIES = (1 << 3) | 2;
    private static final int TAG_LABEL = (1 << 3) | 2;
    private static final int TAG_SAMPLE = (2 << 3) | 2;
    private static final int TAG_NAME = (1 << 3) | 2;
    private static final int TAG_VALUE_STRING = (2 << 3) | 2;
    private static final int TAG_VALUE_DOUBLE = (1 << 3) | 1;
    private static final int TAG_TIMESTAMP = (2 << 3);

    private byte[] buf = new byte[1 << 16];
    private int pos;

    /** Encodes {@code name, value} pairs as the repeated {@code Label} fields of a TimeSeries. */
    public static byte[] encodeLabels(String[] nameValues) {
        WriteRequestEncoder e = new WriteRequestEncoder();
        for (int i = 0; i < nameValues.length; i += 2) {
            byte[] n = nameValues[i].getBytes(StandardCharsets.UTF_8);
            byte[] v = nameValues[i + 1].getBytes(StandardCharsets.UTF_8);
            int labelLen = 1 + varintSize(n.length) + n.length + 1 + varintSize(v.length) + v.length;
            e.writeVarint(TAG_LABEL);
            e.writeVarint(labelLen);
            e.writeVarint(TAG_NAME);
            e.writeVarint(n.length);
            e.writeBytes(n, 0, n.length);
            e.writeVarint(TAG_VALUE_STRING);
            e.writeVarint(v.length);
            e.writeBytes(v, 0, v.length);
        }
        return Arrays.copyOf(e.buf, e.pos);
    }

    /** Starts a new request, discarding the previous one. */
    public void reset() {
        pos = 0;
    }

    /**
     * Appends one TimeSeries with {@code count} samples taken from {@code ts[off..]} and
     * {@code vs[off..]}.
     */
    public void addSeries(byte[] encodedLabels, long[] ts, double[] vs, int off, int count) {
        int samplesLen = 0;
        for (int i = 0; i < count; i++) {
            samplesLen += 1 + varintSize(sampleSize(ts[off + i])) + sampleSize(ts[off + i]);
        }
        int seriesLen = encodedLabels.length + samplesLen;
        writeVarint(TAG_TIMESERIES);
        writeVarint(seriesLen);
        writeBytes(encodedLabels, 0, encodedLabels.length);
        for (int i = 0; i < count; i++) {
            writeSample(ts[off + i], vs[off + i]);
        }
    }

    /** Appends one TimeSeries with a single sample. */
    public void addSeries(byte[] encodedLabels, long t, double v) {
        int ss = sampleSize(t);
        writeVarint(TAG_TIMESERIES);
        writeVarint(encodedLabels.length + 1 + varintSize(ss) + ss);
        writeBytes(encodedLabels, 0, encodedLabels.length);
        writeSample(t, v);
    }

    private void writeSample(long t, double v) {
        writeVarint(TAG_SAMPLE);
        writeVarint(sampleSize(t));
        writeVarint(TAG_VALUE_DOUBLE);
        ensure(8);
        long bits = Double.doubleToRawLongBits(v);
        for (int b = 0; b < 8; b++) {
            buf[pos++] = (byte) (bits >>> (8 * b));
        }
        writeVarint(TAG_TIMESTAMP);
        writeVarint64(t);
    }

    private static int sampleSize(long t) {
        return 1 + 8 + 1 + varint64Size(t);
    }

    /** The encoded request: the first {@link #length()} bytes. */
    public byte[] buffer() {
        return buf;
    }

    public int length() {
        return pos;
    }

    private void writeBytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
    }

    private void writeVarint(int v) {
        writeVarint64(v & 0xFFFFFFFFL);
    }

    private void writeVarint64(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    private void ensure(int n) {
        if (pos + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }

    static int varintSize(int v) {
        return varint64Size(v & 0xFFFFFFFFL);
    }

    static int varint64Size(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }
}
