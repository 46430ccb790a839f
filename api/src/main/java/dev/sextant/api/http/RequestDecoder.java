package dev.sextant.api.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Copies a Netty request into an {@link ApiRequest}, merging URL and form parameters. */
final class RequestDecoder {
    private RequestDecoder() {}

    static ApiRequest decode(FullHttpRequest msg) {
        QueryStringDecoder uri = new QueryStringDecoder(msg.uri(), StandardCharsets.UTF_8);
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : uri.parameters().entrySet()) {
            params.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).addAll(e.getValue());
        }
        byte[] body = ByteBufUtil.getBytes(msg.content());
        String contentType = msg.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (contentType != null && contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
            QueryStringDecoder form = new QueryStringDecoder(new String(body, StandardCharsets.UTF_8),
                    StandardCharsets.UTF_8, false, 10_000);
            for (Map.Entry<String, List<String>> e : form.parameters().entrySet()) {
                // Go's r.FormValue prefers the body over the URL: put body values first.
                List<String> merged = new ArrayList<>(e.getValue());
                List<String> fromUrl = params.get(e.getKey());
                if (fromUrl != null) {
                    merged.addAll(fromUrl);
                }
                params.put(e.getKey(), merged);
            }
        }
        Map<String, String> headers = new HashMap<>();
        for (Map.Entry<String, String> h : msg.headers()) {
            headers.putIfAbsent(h.getKey().toLowerCase(), h.getValue());
        }
        return new ApiRequest(msg.method().name(), uri.path(), params, headers, body);
    }
}
