package dev.sextant.api.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
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
    /** Encoded points of {@link #pointArray}, handed to {@link #target} when nearly full. */
    private byte[] bytes;
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
        gen.writeRawValue(chars, 0, 0);
        gen.flush();
        byte[] b = bytes;
        if (b == null) {
            b = bytes = new byte[8192];
        }
        char[] c = chars;
        int len = 0;
        b[len++] = '[';
        boolean first = true;
        for (int i = 0; i < n; i++) {
            double v = vs[i];
            if (StaleNaN.isStale(v)) {
                continue;
            }
            if (len > b.length - c.length - 2) {
                target.write(b, 0, len);
                len = 0;
            }
            if (!first) {
                b[len++] = ',';
            }
            first = false;
            int m = 0;
            c[m++] = '[';
            m = timestampChars(ts[i], c, m);
            c[m++] = ',';
            c[m++] = '"';
            m = PromFormat.value(v, c, m);
            c[m++] = '"';
            c[m++] = ']';
            for (int j = 0; j < m; j++) {
                b[len++] = (byte) c[j];
            }
        }
        b[len++] = ']';
        target.write(b, 0, len);
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
