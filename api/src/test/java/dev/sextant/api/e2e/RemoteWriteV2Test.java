package dev.sextant.api.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.api.app.ServerOptions;
import dev.sextant.api.app.SextantServer;
import dev.sextant.api.remote.prompb.v2.WriteV2;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

class RemoteWriteV2Test {
    @TempDir
    Path dir;

    @Test
    void symbolsTablePartialWritesAndWrittenCountHeaders() throws Exception {
        try (SextantServer server = SextantServer.start(ServerOptions.defaults(dir, "127.0.0.1", 0)
                .withRemoteWriteReceiver(true))) {
            HttpFixture http = new HttpFixture(server.port());
            // symbols: 0 "", 1 __name__, 2 v2_metric, 3 job, 4 a
            WriteV2.Request ok = WriteV2.Request.newBuilder()
                    .addSymbols("").addSymbols("__name__").addSymbols("v2_metric").addSymbols("job").addSymbols("a")
                    .addTimeseries(WriteV2.TimeSeries.newBuilder().addLabelsRefs(1).addLabelsRefs(2).addLabelsRefs(3)
                            .addLabelsRefs(4)
                            .addSamples(WriteV2.Sample.newBuilder().setTimestamp(1000).setValue(1))
                            .addSamples(WriteV2.Sample.newBuilder().setTimestamp(2000).setValue(2)))
                    .build();
            HttpResponse<String> r = send(server.port(), ok);
            assertThat(r.statusCode()).isEqualTo(204);
            assertThat(r.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written")).hasValue("2");
            assertThat(r.headers().firstValue("X-Prometheus-Remote-Write-Histograms-Written")).hasValue("0");
            assertThat(http.get("/api/v1/query?query=v2_metric&time=2").body())
                    .contains("{\"__name__\":\"v2_metric\",\"job\":\"a\"}", "[2,\"2\"]");

            // One good series, one with an out-of-range symbol reference: the good one is written, 400 reports the bad.
            WriteV2.Request partial = ok.toBuilder().clearTimeseries()
                    .addTimeseries(WriteV2.TimeSeries.newBuilder().addLabelsRefs(1).addLabelsRefs(2).addLabelsRefs(3)
                            .addLabelsRefs(4).addSamples(WriteV2.Sample.newBuilder().setTimestamp(3000).setValue(3)))
                    .addTimeseries(WriteV2.TimeSeries.newBuilder().addLabelsRefs(1).addLabelsRefs(99)
                            .addSamples(WriteV2.Sample.newBuilder().setTimestamp(3000).setValue(3)))
                    .build();
            HttpResponse<String> p = send(server.port(), partial);
            assertThat(p.statusCode()).isEqualTo(400);
            assertThat(p.body()).contains("label reference out of range");
            assertThat(p.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written")).hasValue("1");
            assertThat(http.get("/api/v1/query?query=v2_metric&time=3").body()).contains("[3,\"3\"]");

            // Out-of-order samples are a 400 with the reason, the rest of the request stays.
            HttpResponse<String> ooo = send(server.port(), ok);
            assertThat(ooo.statusCode()).isEqualTo(400);
            assertThat(ooo.body()).contains("out of order sample");

            // symbols[0] must be empty.
            HttpResponse<String> bad = send(server.port(), ok.toBuilder().setSymbols(0, "x").build());
            assertThat(bad.statusCode()).isEqualTo(400);
        }
    }

    private static HttpResponse<String> send(int port, WriteV2.Request req) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/write"))
                .header("Content-Type", "application/x-protobuf;proto=io.prometheus.write.v2.Request")
                .header("Content-Encoding", "snappy").header("X-Prometheus-Remote-Write-Version", "2.0.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(req.toByteArray()))).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
