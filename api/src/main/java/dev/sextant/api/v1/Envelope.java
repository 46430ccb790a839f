package dev.sextant.api.v1;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sextant.api.http.ApiResponse;
import dev.sextant.api.json.JsonOut;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Prometheus's JSON envelope: {@code {"status":"success","data":…,"warnings":[…],"infos":[…]}} or
 * {@code {"status":"error","errorType":"…","error":"…"}}. Empty warnings and infos are omitted.
 */
public final class Envelope {
    private Envelope() {}

    /** Writes the {@code data} value. */
    @FunctionalInterface
    public interface DataWriter {
        void write(JsonOut out) throws IOException;
    }

    public static ApiResponse success(DataWriter data) {
        return success(data, List.of(), List.of());
    }

    /**
     * A success envelope whose body is written when the server streams the response, straight
     * into the connection's buffers; {@code data} must stay valid until then (it only reads
     * values the handler already computed).
     */
    public static ApiResponse success(DataWriter data, List<String> warnings, List<String> infos) {
        return ApiResponse.jsonStream(200, target -> {
            try (JsonOut out = new JsonOut(target)) {
                JsonGenerator g = out.gen();
                g.writeStartObject();
                g.writeStringField("status", "success");
                g.writeFieldName("data");
                data.write(out);
                writeStrings(g, "warnings", warnings);
                writeStrings(g, "infos", infos);
                g.writeEndObject();
            }
        });
    }

    public static ApiResponse error(ApiException e) {
        return error(e.type(), e.getMessage());
    }

    public static ApiResponse error(ErrorType type, String message) {
        try (JsonOut out = new JsonOut(128)) {
            JsonGenerator g = out.gen();
            g.writeStartObject();
            g.writeStringField("status", "error");
            g.writeStringField("errorType", type.wireName());
            g.writeStringField("error", message);
            g.writeEndObject();
            return ApiResponse.json(type.httpStatus(), out.toBytes());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static void writeStrings(JsonGenerator g, String field, List<String> values) throws IOException {
        if (values == null || values.isEmpty()) {
            return;
        }
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }
}
