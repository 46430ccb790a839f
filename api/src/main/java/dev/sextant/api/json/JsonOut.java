package dev.sextant.api.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
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
    private final JsonGenerator gen;
    private final StringBuilder scratch = new StringBuilder(24);
    private char[] chars = new char[64];

    public JsonOut(int initialCapacity) {
        try {
            this.out = new ByteArrayOutputStream(initialCapacity);
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
        StringBuilder sb = scratch;
        sb.setLength(0);
        sb.append('[');
        PromFormat.appendTimestamp(sb, ms);
        sb.append(",\"").append(PromFormat.value(v)).append("\"]");
        int n = sb.length();
        if (chars.length < n) {
            chars = new char[n];
        }
        sb.getChars(0, n, chars, 0);
        gen.writeRawValue(chars, 0, n);
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
