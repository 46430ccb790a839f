package dev.sextant.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sextant.api.app.ServerOptions;
import dev.sextant.api.app.SextantServer;
import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import dev.sextant.api.remote.prompb.Types;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.xerial.snappy.Snappy;

/**
 * A Sextant started in-process on a free loopback port, talked to the way Grafana's Prometheus
 * data source does: form-encoded POSTs, float-second times, JSON answers.
 */
final class GrafanaFixture implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final SextantServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final String base;

    GrafanaFixture(Path dir) throws Exception {
        Path config = dir.resolve("prometheus.yml");
        // No scrape configs: the data comes from the test, so results are deterministic.
        Files.writeString(config, "global:\n  scrape_interval: 30s\n");
        server = SextantServer.start(ServerOptions.defaults(dir.resolve("data"), "127.0.0.1", 0)
                .withRemoteWriteReceiver(true).withConfigFile(config));
        base = "http://127.0.0.1:" + server.port();
    }

    HttpResponse<String> postForm(String path, Map<String, String> form) throws Exception {
        StringBuilder body = new StringBuilder();
        for (Map.Entry<String, String> e : form.entrySet()) {
            if (body.length() > 0) {
                body.append('&');
            }
            body.append(enc(e.getKey())).append('=').append(enc(e.getValue()));
        }
        return postRaw(path, body.toString());
    }

    HttpResponse<String> postRaw(String path, String formBody) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("User-Agent", "Grafana/11.3.0")
                .POST(HttpRequest.BodyPublishers.ofString(formBody)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String pathAndQuery) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .header("User-Agent", "Grafana/11.3.0").GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    void write(WriteRequest req) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/write"))
                .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(req.toByteArray()))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 204) {
            throw new IllegalStateException("remote write failed: " + r.statusCode() + " " + r.body());
        }
    }

    static Types.TimeSeries.Builder series(Map<String, String> labels) {
        Types.TimeSeries.Builder b = Types.TimeSeries.newBuilder();
        new java.util.TreeMap<>(labels).forEach((k, v) -> b.addLabels(Types.Label.newBuilder().setName(k).setValue(v)));
        return b;
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.close();
    }
}
