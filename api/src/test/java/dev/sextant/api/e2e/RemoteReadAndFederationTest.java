package dev.sextant.api.e2e;

import static dev.sextant.api.e2e.HttpFixture.series;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import dev.sextant.api.app.ServerOptions;
import dev.sextant.api.app.SextantServer;
import dev.sextant.api.remote.prompb.Remote;
import dev.sextant.api.remote.prompb.Types;
import dev.sextant.tsdb.chunk.XorChunk;
import dev.sextant.tsdb.chunk.XorIterator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

class RemoteReadAndFederationTest {
    @TempDir
    static Path dir;

    private static SextantServer server;
    private static HttpFixture http;
    private static final long NOW = System.currentTimeMillis();

    @BeforeAll
    static void start() throws Exception {
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  external_labels:\n    cluster: eu1\n");
        server = SextantServer.start(ServerOptions.defaults(dir.resolve("data"), "127.0.0.1", 0)
                .withRemoteWriteReceiver(true).withConfigFile(config));
        http = new HttpFixture(server.port());
        long[] ts = new long[250];
        double[] vs = new double[250];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = 1_000_000 + i * 1000L;
            vs[i] = i * 1.5;
        }
        Remote.WriteRequest req = Remote.WriteRequest.newBuilder()
                .addTimeseries(series(new String[] {"__name__", "reads", "job", "a", "instance", "h:1"}, ts, vs))
                .addTimeseries(series(new String[] {"__name__", "fresh", "job", "b"},
                        new long[] {NOW - 10_000, NOW - 5_000}, new double[] {1, 1234567}))
                .addTimeseries(series(new String[] {"__name__", "fresh", "job", "c", "instance", "x\"y"},
                        new long[] {NOW - 5_000}, new double[] {0.5}))
                .build();
        assertThat(http.write(req).statusCode()).isEqualTo(204);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void samplesResponseCarriesExternalLabelsAndHonoursThem() throws Exception {
        Remote.ReadResponse resp = Remote.ReadResponse.parseFrom(Snappy.uncompress(read(Remote.ReadRequest.newBuilder()
                .addQueries(query(1_000_000, 1_010_000, "reads", "eu1")).build()).body()));
        assertThat(resp.getResultsCount()).isEqualTo(1);
        Types.TimeSeries ts = resp.getResults(0).getTimeseries(0);
        assertThat(ts.getLabelsList()).extracting(l -> l.getName() + "=" + l.getValue())
                .containsExactly("__name__=reads", "cluster=eu1", "instance=h:1", "job=a");
        assertThat(ts.getSamplesCount()).isEqualTo(11);
        assertThat(ts.getSamples(10).getValue()).isEqualTo(15.0);
        // A different cluster value selects nothing.
        Remote.ReadResponse none = Remote.ReadResponse.parseFrom(Snappy.uncompress(read(Remote.ReadRequest.newBuilder()
                .addQueries(query(1_000_000, 1_010_000, "reads", "us1")).build()).body()));
        assertThat(none.getResults(0).getTimeseriesCount()).isZero();
    }

    @Test
    void streamedChunksAreFramedWithCrcAndDecodeToTheSamples() throws Exception {
        HttpResponse<byte[]> r = read(Remote.ReadRequest.newBuilder()
                .addQueries(query(0, 2_000_000, "reads", null))
                .addAcceptedResponseTypes(Remote.ReadRequest.ResponseType.STREAMED_XOR_CHUNKS).build());
        assertThat(r.headers().firstValue("content-type"))
                .hasValue("application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse");
        CodedInputStream in = CodedInputStream.newInstance(r.body());
        List<Long> ts = new ArrayList<>();
        int frames = 0;
        while (!in.isAtEnd()) {
            int len = in.readRawVarint32();
            byte[] crcBytes = in.readRawBytes(4);
            byte[] msg = in.readRawBytes(len);
            CRC32C crc = new CRC32C();
            crc.update(msg);
            long expected = ((crcBytes[0] & 0xffL) << 24) | ((crcBytes[1] & 0xffL) << 16) | ((crcBytes[2] & 0xffL) << 8)
                    | (crcBytes[3] & 0xffL);
            assertThat(crc.getValue()).isEqualTo(expected);
            Remote.ChunkedReadResponse c = Remote.ChunkedReadResponse.parseFrom(msg);
            for (Types.Chunk chunk : c.getChunkedSeries(0).getChunksList()) {
                assertThat(chunk.getType()).isEqualTo(Types.Chunk.Encoding.XOR);
                byte[] data = chunk.getData().toByteArray();
                XorIterator it = XorChunk.fromBytes(data, 0, data.length).iterator(null);
                while (it.next()) {
                    ts.add(it.atT());
                }
                assertThat(chunk.getMinTimeMs()).isLessThanOrEqualTo(chunk.getMaxTimeMs());
            }
            frames++;
        }
        assertThat(frames).isEqualTo(1);
        assertThat(ts).hasSize(250).startsWith(1_000_000L).endsWith(1_249_000L);
    }

    @Test
    void undecodableReadBodyIs400() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/api/v1/read"))
                .POST(HttpRequest.BodyPublishers.ofString("nope")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
    }

    @Test
    void federationWritesTheNewestSamplesInTextFormat() throws Exception {
        HttpResponse<String> r = http.get("/federate?match[]=" + HttpFixture.enc("{__name__=\"fresh\"}"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(r.body()).isEqualTo("# TYPE fresh untyped\n"
                + "fresh{cluster=\"eu1\",instance=\"x\\\"y\",job=\"c\"} 0.5 " + (NOW - 5_000) + "\n"
                + "fresh{cluster=\"eu1\",instance=\"\",job=\"b\"} 1.234567e+06 " + (NOW - 5_000) + "\n");
        assertThat(http.get("/federate").body()).isEmpty();
        assertThat(http.get("/federate?match[]=up%7B").statusCode()).isEqualTo(400);
    }

    private static Remote.Query query(long start, long end, String name, String cluster) {
        Remote.Query.Builder q = Remote.Query.newBuilder().setStartTimestampMs(start).setEndTimestampMs(end)
                .addMatchers(Types.LabelMatcher.newBuilder().setType(Types.LabelMatcher.Type.EQ)
                        .setName("__name__").setValue(name));
        if (cluster != null) {
            q.addMatchers(Types.LabelMatcher.newBuilder().setType(Types.LabelMatcher.Type.EQ)
                    .setName("cluster").setValue(cluster));
        }
        return q.build();
    }

    private static HttpResponse<byte[]> read(Remote.ReadRequest req) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/api/v1/read"))
                .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                .header("X-Prometheus-Remote-Read-Version", "0.1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(req.toByteArray()))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
