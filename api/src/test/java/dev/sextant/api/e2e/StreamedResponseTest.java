package dev.sextant.api.e2e;

import static dev.sextant.api.e2e.HttpFixture.enc;
import static dev.sextant.api.e2e.HttpFixture.series;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.api.app.ServerOptions;
import dev.sextant.api.app.SextantServer;
import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Query results stream from the JSON encoder into Netty's buffers; large ones as chunked transfer. */
class StreamedResponseTest {
    @TempDir
    static Path dir;

    private static SextantServer server;
    private static HttpFixture http;

    @BeforeAll
    static void start() throws Exception {
        server = SextantServer.start(ServerOptions.defaults(dir.resolve("data"), "127.0.0.1", 0)
                .withRemoteWriteReceiver(true));
        http = new HttpFixture(server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /**
     * A result larger than one 64 KiB buffer leaves as chunked transfer straight from the encoder;
     * the plain and the gzipped body carry the same JSON, every series intact.
     */
    @Test
    void largeResultsAreStreamedInChunksWithAndWithoutGzip() throws Exception {
        WriteRequest.Builder req = WriteRequest.newBuilder();
        for (int i = 0; i < 3000; i++) {
            req.addTimeseries(series(new String[] {"__name__", "stream_test", "idx", "series-" + i},
                    new long[] {100_000}, new double[] {i + 0.5}));
        }
        assertThat(http.write(req.build()).statusCode()).isEqualTo(204);
        String path = "/api/v1/query?time=100&query=" + enc("stream_test");
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<byte[]> plain = client.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.headers().firstValue("content-length")).isEmpty();
        assertThat(plain.headers().firstValue("transfer-encoding")).hasValue("chunked");
        String body = new String(plain.body(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(plain.body().length).isGreaterThan(3 * 65536);
        assertThat(body).startsWith("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[")
                .endsWith("]}}");
        for (int i : new int[] {0, 1234, 2999}) {
            assertThat(body).contains("{\"metric\":{\"__name__\":\"stream_test\",\"idx\":\"series-" + i
                    + "\"},\"value\":[100,\"" + i + ".5\"]}");
        }
        assertThat(body.split("\"__name__\"", -1)).hasSize(3001);
        java.net.http.HttpResponse<byte[]> gz = client.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + server.port() + path)).header("Accept-Encoding", "gzip")
                .build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(gz.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(gz.body().length).isLessThan(plain.body().length / 4);
        byte[] unzipped = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz.body())).readAllBytes();
        assertThat(unzipped).isEqualTo(plain.body());
    }
}
