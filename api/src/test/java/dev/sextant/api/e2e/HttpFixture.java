package dev.sextant.api.e2e;

import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import dev.sextant.api.remote.prompb.Types;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.xerial.snappy.Snappy;

/** A small HTTP client for end-to-end tests against a server on loopback. */
final class HttpFixture {
    private final HttpClient client = HttpClient.newHttpClient();
    private final String base;

    HttpFixture(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String form) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> write(WriteRequest req) throws Exception {
        return writeRaw(Snappy.compress(req.toByteArray()), "application/x-protobuf");
    }

    HttpResponse<String> writeRaw(byte[] body, String contentType) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/write"))
                .header("Content-Type", contentType)
                .header("Content-Encoding", "snappy")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static Types.TimeSeries series(String[] labels, long[] ts, double[] vs) {
        Types.TimeSeries.Builder b = Types.TimeSeries.newBuilder();
        for (int i = 0; i < labels.length; i += 2) {
            b.addLabels(Types.Label.newBuilder().setName(labels[i]).setValue(labels[i + 1]));
        }
        for (int i = 0; i < ts.length; i++) {
            b.addSamples(Types.Sample.newBuilder().setTimestamp(ts[i]).setValue(vs[i]));
        }
        return b.build();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
