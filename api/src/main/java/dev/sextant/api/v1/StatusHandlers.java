package dev.sextant.api.v1;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sextant.api.http.ApiResponse;
import dev.sextant.api.http.Handler;

/** Small status endpoints: build info. */
public final class StatusHandlers {
    private StatusHandlers() {}

    /** {@code GET /api/v1/status/buildinfo}: Prometheus's fields, and no {@code features} field. */
    public static Handler buildInfo(BuildInfo info) {
        return request -> Envelope.success(out -> {
            JsonGenerator g = out.gen();
            g.writeStartObject();
            g.writeStringField("version", info.version());
            g.writeStringField("revision", info.revision());
            g.writeStringField("branch", info.branch());
            g.writeStringField("buildUser", info.buildUser());
            g.writeStringField("buildDate", info.buildDate());
            g.writeStringField("goVersion", info.goVersion());
            g.writeEndObject();
        });
    }

    /** {@code /-/healthy}: always 200 while the process serves. */
    public static Handler healthy() {
        return request -> ApiResponse.text(200, "Sextant Server is Healthy.\n");
    }

    /** {@code /-/ready}: 200 once storage is open and replayed, 503 before. */
    public static Handler ready(java.util.function.BooleanSupplier isReady) {
        return request -> isReady.getAsBoolean()
                ? ApiResponse.text(200, "Sextant Server is Ready.\n")
                : ApiResponse.text(503, "Service Unavailable\n");
    }
}
