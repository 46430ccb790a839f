package dev.sextant.api.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.StaleNaN;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * A streaming JSON writer, with Prometheus's number rendering for timestamps and sample values.
 * Either over a caller's {@link OutputStream} (the server passes one that fills Netty buffers) or
 * over its own growable byte buffer ({@link #toBytes()}).
 *
 * <p>Thread-safety: not thread-safe; one per response.
 */
public final class JsonOut implements AutoCloseable {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET).build();

    private final ByteArrayOutputStream out;
    /** Where the generator writes: {@link #out} or the caller's stream. */
    private final OutputStream target;
    private final JsonGenerator gen;
    /** Text of a raw value ({@link #rawBegin}), handed to {@link #target} when full. */
    private byte[] bytes;
    private int blen;
    /** Timestamp text cache, direct-mapped by a hash of the timestamp: 64 slots of 24 bytes. */
    private static final int TS_BYTES = 24;
    private final long[] tsKey = new long[64];
    private final byte[] tsText = new byte[64 * TS_BYTES];
    private final byte[] tsLen = new byte[64];
    /** The last value written by a raw writer, and its text. */
    private long lastValueBits;
    private final byte[] lastValue = new byte[ShortestDouble.MAX_CHARS];
    private int lastValueLen;
    private final StringBuilder scratch = new StringBuilder(24);
    /** One point: "[" + a timestamp (at most 21 chars) + ",\"" + a value (at most 32) + "\"]". */
    private final char[] chars = new char[64];

    public JsonOut(int initialCapacity) {
        try {
            this.out = new ByteArrayOutputStream(initialCapacity);
            this.target = out;
            this.gen = FACTORY.createGenerator(out, JsonEncoding.UTF8);
            gen.setCharacterEscapes(LineSeparatorEscapes.INSTANCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes into {@code target}; {@link #close()} flushes but does not close it. */
    public JsonOut(OutputStream target) {
        try {
            this.out = null;
            this.target = target;
            this.gen = FACTORY.createGenerator(target, JsonEncoding.UTF8);
            gen.setCharacterEscapes(LineSeparatorEscapes.INSTANCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonGenerator gen() {
        return gen;
    }

    /** Writes a millisecond timestamp as a JSON number of seconds (no allocation per call). */
    public void timestamp(long ms) throws IOException {
        long frac = ms % 1000;
        if (frac == 0) {
            gen.writeNumber(ms / 1000);
            return;
        }
        scratch.setLength(0);
        PromFormat.appendTimestamp(scratch, ms);
        int n = scratch.length();
        scratch.getChars(0, n, chars, 0);
        gen.writeRawValue(chars, 0, n);
    }

    /** Writes a sample value as a JSON string. */
    public void value(double v) throws IOException {
        gen.writeString(PromFormat.value(v));
    }

    /**
     * Writes {@code [ts, "v"]} as one raw value: the point needs no escaping, and one generator
     * call instead of four (array start, number, string, array end) saves the generator's
     * bookkeeping on every point of a matrix.
     */
    public void point(long ms, double v) throws IOException {
        char[] c = chars;
        int n = 0;
        c[n++] = '[';
        n = timestampChars(ms, c, n);
        c[n++] = ',';
        c[n++] = '"';
        n = PromFormat.value(v, c, n);
        c[n++] = '"';
        c[n++] = ']';
        gen.writeRawValue(c, 0, n);
    }

    /**
     * Writes {@code [[t0,"v0"],[t1,"v1"],...]} for the points {@code [0, n)} whose value is not a
     * stale marker, as one JSON value. The points bypass the generator: it is told of one raw value
     * of no text (which writes the separator before it and marks the value written), flushed, and
     * the array goes straight to the underlying stream as ASCII bytes. A matrix is almost all
     * points, and the generator's per-call bookkeeping and char-to-byte copy were a third of
     * writing one.
     */
    public void pointArray(long[] ts, double[] vs, int n) throws IOException {
        rawBegin();
        rawPoints(ts, vs, n);
        rawEnd();
    }

    /**
     * Whether {@code s} can stand between quotes as it is: printable ASCII that neither JSON nor
     * Go's HTML-safe escaping ({@link LineSeparatorEscapes}) changes. Label sets made only of
     * such strings can go through the raw writers below.
     */
    public static boolean plainAscii(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char ch = s.charAt(i);
            if (ch >= 128 || !PLAIN[ch]) {
                return false;
            }
        }
        return true;
    }

    /** Whether every name and value of {@code labels} is {@link #plainAscii}. */
    public static boolean plainAscii(Labels labels) {
        for (int i = 0, n = labels.size(); i < n; i++) {
            if (!plainAscii(labels.name(i)) || !plainAscii(labels.value(i))) {
                return false;
            }
        }
        return true;
    }

    private static final boolean[] PLAIN = new boolean[128];

    static {
        for (int c = 0x20; c < 0x7f; c++) {
            PLAIN[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&';
        }
    }

    /**
     * Starts one JSON value written past the generator: the generator is told of a raw value of
     * no text (which writes the separator before it and marks the value written) and flushed;
     * the caller then writes the value's text with the {@code raw*} methods, which fill a byte
     * buffer that goes straight to the underlying stream, and ends it with {@link #rawEnd()}.
     * A matrix is almost all points, and the generator's per-call bookkeeping and char-to-byte
     * copies were a third of writing one.
     */
    public void rawBegin() throws IOException {
        gen.writeRawValue(chars, 0, 0);
        gen.flush();
        if (bytes == null) {
            bytes = new byte[16384];
        }
        blen = 0;
    }

    /** Ends the raw value: the buffered bytes go to the stream. */
    public void rawEnd() throws IOException {
        target.write(bytes, 0, blen);
        blen = 0;
    }

    /** Appends one ASCII character to the raw value. */
    public void rawChar(char ch) throws IOException {
        room(1);
        bytes[blen++] = (byte) ch;
    }

    /**
     * Appends {@code {"metric":{...},"values":[[t,"v"],...]}} (after a comma unless {@code first})
     * for the points {@code [0, n)} that are not stale markers. {@code metric} must be
     * {@link #plainAscii}.
     */
    public void rawSeries(Labels metric, long[] ts, double[] vs, int n, boolean first) throws IOException {
        rawMetric(metric, first);
        rawAscii("\"values\":");
        rawPoints(ts, vs, n);
        rawChar('}');
    }

    /** Appends {@code {"metric":{...},"value":[t,"v"]}} (after a comma unless {@code first}). */
    public void rawSample(Labels metric, long t, double v, boolean first) throws IOException {
        rawMetric(metric, first);
        rawAscii("\"value\":");
        room(POINT_BYTES);
        putPoint(t, v);
        rawChar('}');
    }

    private void rawMetric(Labels metric, boolean first) throws IOException {
        room(12);
        if (!first) {
            bytes[blen++] = ',';
        }
        putAscii("{\"metric\":{");
        for (int i = 0, size = metric.size(); i < size; i++) {
            String name = metric.name(i);
            String value = metric.value(i);
            room(name.length() + value.length() + 6);
            byte[] b = bytes;
            int len = blen;
            if (i > 0) {
                b[len++] = ',';
            }
            b[len++] = '"';
            for (int j = 0, m = name.length(); j < m; j++) {
                b[len++] = (byte) name.charAt(j);
            }
            b[len++] = '"';
            b[len++] = ':';
            b[len++] = '"';
            for (int j = 0, m = value.length(); j < m; j++) {
                b[len++] = (byte) value.charAt(j);
            }
            b[len++] = '"';
            blen = len;
        }
        rawChar('}');
        rawChar(',');
    }

    private void rawAscii(String s) throws IOException {
        room(s.length());
        putAscii(s);
    }

    private void putAscii(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            bytes[blen++] = (byte) s.charAt(i);
        }
    }

    /** {@code [[t0,"v0"],...]} for the points that are not stale markers. */
    private void rawPoints(long[] ts, double[] vs, int n) throws IOException {
        room(1);
        bytes[blen++] = '[';
        boolean first = true;
        // Room for every point at once when the buffer can hold them all (the usual series of a
        // range query), instead of a check per point.
        long whole = (long) n * (POINT_BYTES + 1);
        boolean roomy = whole <= bytes.length;
        if (roomy) {
            room((int) whole);
        }
        for (int i = 0; i < n; i++) {
            double v = vs[i];
            if (StaleNaN.isStale(v)) {
                continue;
            }
            if (!roomy) {
                room(POINT_BYTES + 1);
            }
            if (!first) {
                bytes[blen++] = ',';
            }
            first = false;
            putPoint(ts[i], v);
        }
        room(1);
        bytes[blen++] = ']';
    }

    /** Longest point text: "[" + a timestamp (at most 21) + ",\"" + a value (at most 32) + "\"]". */
    private static final int POINT_BYTES = 64;

    /**
     * Writes {@code [t,"v"]} (room for {@link #POINT_BYTES} already made). A range query's points
     * share the steps' timestamps across series, and a value often repeats from one point to the
     * next (a gauge, a max over a sliding window): both come from small caches when they do.
     */
    private void putPoint(long ms, double v) {
        byte[] b = bytes;
        int len = blen;
        b[len++] = '[';
        int slot = (int) ((ms * 0x9E3779B97F4A7C15L) >>> 58);
        int tl = tsLen[slot];
        if (tl == 0 || tsKey[slot] != ms) {
            tl = timestampChars(ms, chars, 0);
            if (tl <= TS_BYTES) {
                for (int j = 0; j < tl; j++) {
                    tsText[slot * TS_BYTES + j] = (byte) chars[j];
                }
                tsKey[slot] = ms;
                tsLen[slot] = (byte) tl;
            } else {
                for (int j = 0; j < tl; j++) {
                    b[len++] = (byte) chars[j];
                }
                tl = -1;
            }
        }
        if (tl > 0) {
            System.arraycopy(tsText, slot * TS_BYTES, b, len, tl);
            len += tl;
        }
        b[len++] = ',';
        b[len++] = '"';
        long bits = Double.doubleToRawLongBits(v);
        if (lastValueLen == 0 || bits != lastValueBits) {
            int m = PromFormat.value(v, chars, 0);
            for (int j = 0; j < m; j++) {
                lastValue[j] = (byte) chars[j];
            }
            lastValueLen = m;
            lastValueBits = bits;
        }
        System.arraycopy(lastValue, 0, b, len, lastValueLen);
        len += lastValueLen;
        b[len++] = '"';
        b[len++] = ']';
        blen = len;
    }

    /** Makes room for {@code k} more bytes: hands the buffer to the stream (or grows it). */
    private void room(int k) throws IOException {
        if (blen + k > bytes.length) {
            target.write(bytes, 0, blen);
            blen = 0;
            if (k > bytes.length) {
                bytes = new byte[Math.max(k, bytes.length * 2)];
            }
        }
    }

    /** {@link PromFormat#appendTimestamp} into {@code c} at {@code n}; returns the new end. */
    static int timestampChars(long ms, char[] c, int n) {
        if (ms == Long.MIN_VALUE) {
            String s = PromFormat.timestamp(ms);
            s.getChars(0, s.length(), c, n);
            return n + s.length();
        }
        long abs = ms;
        if (ms < 0) {
            c[n++] = '-';
            abs = -ms;
        }
        long secs = abs / 1000;
        int frac = (int) (abs % 1000);
        int digits = 1;
        for (long x = secs; x >= 10; x /= 10) {
            digits++;
        }
        for (int i = n + digits - 1; i >= n; i--) {
            c[i] = (char) ('0' + secs % 10);
            secs /= 10;
        }
        n += digits;
        if (frac != 0) {
            c[n++] = '.';
            c[n++] = (char) ('0' + frac / 100);
            c[n++] = (char) ('0' + frac / 10 % 10);
            c[n++] = (char) ('0' + frac % 10);
        }
        return n;
    }

    /** The bytes written so far; only for a writer over its own buffer. */
    public byte[] toBytes() {
        if (out == null) {
            throw new IllegalStateException("JsonOut writes to a caller's stream");
        }
        try {
            gen.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        try {
            gen.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
