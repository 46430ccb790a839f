package dev.sextant.api.e2e;

import static dev.sextant.api.e2e.HttpFixture.series;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.api.app.ServerOptions;
import dev.sextant.api.app.SextantServer;
import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import dev.sextant.api.remote.prompb.Types;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xerial.snappy.Snappy;

/**
 * Hostile and broken requests each get the right status and envelope; the server stays up and
 * keeps every sample it acknowledged before.
 */
class HostileInputTest {
    @TempDir
    static Path dir;

    private static SextantServer server;
    private static HttpFixture http;

    @BeforeAll
    static void start() throws Exception {
        server = SextantServer.start(ServerOptions.defaults(dir, "127.0.0.1", 0).withRemoteWriteReceiver(true));
        http = new HttpFixture(server.port());
        assertThat(http.write(WriteRequest.newBuilder().addTimeseries(series(new String[] {"__name__", "kept", "a", "b"},
                new long[] {1000, 2000}, new double[] {1, 2})).build()).statusCode()).isEqualTo(204);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void earlierSamplesAreStillThere() throws Exception {
        assertThat(http.get("/api/v1/query_range?query=kept&start=1&end=2&step=1").body())
                .contains("\"values\":[[1,\"1\"],[2,\"2\"]]");
        assertThat(http.get("/-/healthy").statusCode()).isEqualTo(200);
    }

    @Test
    void truncatedSnappy() throws Exception {
        byte[] good = Snappy.compress(WriteRequest.newBuilder().addTimeseries(series(new String[] {"__name__", "x"},
                new long[] {1}, new double[] {1})).build().toByteArray());
        HttpResponse<String> r = http.writeRaw(Arrays.copyOf(good, good.length / 2), "application/x-protobuf");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).startsWith("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"snappy:");
    }

    @Test
    void protobufWithWrongFieldTypes() throws Exception {
        // Field 1 (timeseries, length-delimited) sent as a varint, then field 2 as a fixed64.
        byte[] wrong = {0x08, (byte) 0x96, 0x01, 0x11, 1, 2, 3, 4, 5, 6, 7, 8};
        HttpResponse<String> r = http.writeRaw(Snappy.compress(wrong), "application/x-protobuf");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"errorType\":\"bad_data\"").contains("proto: cannot decode WriteRequest");
    }

    @Test
    void hundredMegabyteBodyIsRefusedWithoutReadingItAll() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/v1/write HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
                    + "Content-Encoding: snappy\r\nContent-Length: " + 100_000_000 + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = readStatusLine(s.getInputStream());
            assertThat(status).startsWith("HTTP/1.1 413");
        }
    }

    @Test
    void invalidLabelNamesAndEmptyNamesAreSkippedNotStored() throws Exception {
        WriteRequest req = WriteRequest.newBuilder()
                .addTimeseries(series(new String[] {"__name__", "bad_labels", "", "v"}, new long[] {5000}, new double[] {1}))
                .addTimeseries(series(new String[] {"__name__", "dup", "a", "1", "a", "2"}, new long[] {5000}, new double[] {1}))
                .build();
        assertThat(http.write(req).statusCode()).isEqualTo(204);
        assertThat(http.get("/api/v1/series?match[]=%7B__name__%3D~%22bad_labels%7Cdup%22%7D").body())
                .isEqualTo("{\"status\":\"success\",\"data\":[]}");
    }

    @Test
    void millionsOfLabelPairsInOneSeriesDoNotStallTheServer() throws Exception {
        Types.TimeSeries.Builder ts = Types.TimeSeries.newBuilder()
                .addLabels(Types.Label.newBuilder().setName("__name__").setValue("wide"));
        for (int i = 0; i < 1_000_000; i++) {
            ts.addLabels(Types.Label.newBuilder().setName("l" + i).setValue("v"));
        }
        // A duplicate name at the end makes the series invalid, so it is skipped after an O(n log n) check.
        ts.addLabels(Types.Label.newBuilder().setName("l7").setValue("again"));
        ts.addSamples(Types.Sample.newBuilder().setTimestamp(5000).setValue(1));
        long started = System.nanoTime();
        HttpResponse<String> r = http.write(WriteRequest.newBuilder().addTimeseries(ts).build());
        assertThat(r.statusCode()).isIn(204, 413);
        assertThat(System.nanoTime() - started).as("bounded handling time").isLessThan(60_000_000_000L);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "start after end|/api/v1/query_range?query=up&start=10&end=1&step=1|400|bad_data",
        "too many points|/api/v1/query_range?query=up&start=0&end=100000&step=1|400|bad_data",
        "negative step|/api/v1/query_range?query=up&start=0&end=10&step=-1|400|bad_data",
        "bad time|/api/v1/query?query=up&time=tomorrow|400|bad_data",
        "overflowing time|/api/v1/query?query=up&time=1e300|400|bad_data",
        "bad timeout|/api/v1/query?query=up&timeout=forever|400|bad_data",
        "bad limit|/api/v1/labels?limit=-5|400|bad_data",
        "bad selector|/api/v1/series?match[]=%7B|400|bad_data",
    })
    void badParametersGetTheEnvelope(String name, String path, int status, String type) throws Exception {
        HttpResponse<String> r = http.get(path);
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.body()).startsWith("{\"status\":\"error\",\"errorType\":\"" + type + "\"");
    }

    @Test
    void unknownEndpointsAre404() throws Exception {
        assertThat(http.get("/api/v1/nope").statusCode()).isEqualTo(404);
        assertThat(http.get("/../../etc/passwd").statusCode()).isEqualTo(404);
    }

    @Test
    void hostileQueriesGetAnEnvelopeNotACrash() throws Exception {
        String deep = "(".repeat(100_000) + "1" + ")".repeat(100_000);
        HttpResponse<String> nested = http.post("/api/v1/query", "query=" + HttpFixture.enc(deep));
        assertThat(nested.statusCode()).isIn(400, 422);
        assertThat(nested.body()).startsWith("{\"status\":\"error\"");

        String huge = "up" + " or up".repeat(150_000); // about 1 MB of PromQL
        HttpResponse<String> big = http.post("/api/v1/query", "query=" + HttpFixture.enc(huge) + "&time=2");
        assertThat(big.statusCode()).isIn(200, 400, 422);
        assertThat(big.body()).startsWith("{\"status\":");

        String regex = "kept{a=~\"(a+)+(b+)+(c+)+$\"}";
        HttpResponse<String> re = http.get("/api/v1/query?time=2&query=" + HttpFixture.enc(regex));
        assertThat(re.statusCode()).isEqualTo(200);
        HttpResponse<String> badRe = http.get("/api/v1/query?query=" + HttpFixture.enc("kept{a=~\"(\"}"));
        assertThat(badRe.statusCode()).isEqualTo(400);
    }

    private static String readStatusLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            sb.append((char) c);
        }
        return sb.toString().trim();
    }
}
