package dev.sextant.api.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A streaming JSON writer over a growable byte buffer, with Prometheus's number rendering for
 * timestamps and sample values.
 *
 * <p>Thread-safety: not thread-safe; one per response.
 */
public final class JsonOut implements AutoCloseable {
    private static final JsonFactory FACTORY = new JsonFactory();

    private final ByteArrayOutputStream out;
    private final JsonGenerator gen;
    private final StringBuilder scratch = new StringBuilder(24);

    public JsonOut(int initialCapacity) {
        try {
            this.out = new ByteArrayOutputStream(initialCapacity);
            this.gen = FACTORY.createGenerator(out, JsonEncoding.UTF8);
            gen.setCharacterEscapes(LineSeparatorEscapes.INSTANCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonGenerator gen() {
        return gen;
    }

    /** Writes a millisecond timestamp as a JSON number of seconds. */
    public void timestamp(long ms) throws IOException {
        scratch.setLength(0);
        PromFormat.appendTimestamp(scratch, ms);
        gen.writeNumber(scratch.toString());
    }

    /** Writes a sample value as a JSON string. */
    public void value(double v) throws IOException {
        gen.writeString(PromFormat.value(v));
    }

    /** Writes {@code [ts, "v"]}. */
    public void point(long ms, double v) throws IOException {
        gen.writeStartArray();
        timestamp(ms);
        value(v);
        gen.writeEndArray();
    }

    public byte[] toBytes() {
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
