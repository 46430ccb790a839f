package dev.sextant.api.e2e;

import static dev.sextant.api.e2e.HttpFixture.enc;
import static dev.sextant.api.e2e.HttpFixture.series;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sextant.api.app.ServerOptions;
import dev.sextant.api.app.SextantServer;
import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import dev.sextant.scrape.exposition.ExpositionParser;
import dev.sextant.scrape.exposition.TextParser;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Label values (and names) chosen to break out of their quotes cannot forge output: {@code /federate}
 * text parses back to exactly the series written, and every JSON endpoint returns the exact values.
 */
class OutputForgeryTest {
    static final String[] NASTY = {
        "quote\"q",
        "new\nline",
        "back\\slash",
        "brace} 1 2\nforged_metric{job=\"x\"} 666",
        "line\u2028and\u2029paragraph separators",
        "\\\"\n}{",
        "trailing backslash\\",
        "# TYPE forged_metric counter",
        "tab\tcarriage\rreturn\u0000nul",
    };

    @TempDir
    Path dir;

    @Test
    void hostileLabelValuesRoundTripThroughFederateAndJson() throws Exception {
        ServerOptions o = ServerOptions.defaults(dir.resolve("data"), "127.0.0.1", 0).withRemoteWriteReceiver(true);
        try (SextantServer server = SextantServer.start(o)) {
            HttpFixture http = new HttpFixture(server.port());
            long t = System.currentTimeMillis() - 1_000;
            WriteRequest.Builder req = WriteRequest.newBuilder();
            for (int i = 0; i < NASTY.length; i++) {
                req.addTimeseries(series(new String[] {"__name__", "forge_test", "case", Integer.toString(i), "v", NASTY[i]},
                        new long[] {t}, new double[] {i}));
            }
            // UTF-8 names (Prometheus 3 accepts them over remote write) that would break the text format if written raw.
            req.addTimeseries(series(new String[] {"__name__", "forge.test\nforged 1", "we\"ird}\nname", "x"},
                    new long[] {t}, new double[] {42}));
            assertThat(http.write(req.build()).statusCode()).isEqualTo(204);

            // /federate: parse the text back with our scrape parser.
            HttpResponse<String> fed = http.get("/federate?match[]=" + enc("{__name__=~\"forge.*\"}"));
            assertThat(fed.statusCode()).isEqualTo(200);
            List<Labels> parsed = parse(fed.body());
            assertThat(parsed).as(fed.body()).hasSize(NASTY.length + 1);
            Set<String> values = new HashSet<>();
            for (Labels l : parsed) {
                assertThat(l.metricName()).isIn("forge_test", "forge_test_forged_1");
                if (l.metricName().equals("forge_test")) {
                    values.add(l.get("v"));
                } else {
                    // Underscore escaping, as Prometheus does for clients that did not ask for UTF-8 names.
                    assertThat(l.get("we_ird__name")).isEqualTo("x");
                }
            }
            assertThat(values).containsExactlyInAnyOrder(NASTY);

            // JSON: series, query, label values.
            ObjectMapper json = new ObjectMapper();
            HttpResponse<String> seriesResp = http.get("/api/v1/series?match[]=" + enc("forge_test"));
            assertThat(seriesResp.statusCode()).isEqualTo(200);
            Set<String> fromSeries = new HashSet<>();
            for (JsonNode s : json.readTree(seriesResp.body()).path("data")) {
                fromSeries.add(s.path("v").asText());
            }
            assertThat(fromSeries).containsExactlyInAnyOrder(NASTY);

            HttpResponse<String> query = http.get("/api/v1/query?query=" + enc("forge_test") + "&time=" + (t / 1000.0));
            Set<String> fromQuery = new HashSet<>();
            for (JsonNode s : json.readTree(query.body()).path("data").path("result")) {
                fromQuery.add(s.path("metric").path("v").asText());
            }
            assertThat(fromQuery).containsExactlyInAnyOrder(NASTY);

            HttpResponse<String> labelValues = http.get("/api/v1/label/v/values");
            List<String> lv = new ArrayList<>();
            json.readTree(labelValues.body()).path("data").forEach(n -> lv.add(n.asText()));
            assertThat(lv).containsExactlyInAnyOrder(NASTY);

            HttpResponse<String> names = http.get("/api/v1/series?match[]=" + enc("{\"forge.test\\nforged 1\"}"));
            assertThat(json.readTree(names.body()).path("data").get(0).path("__name__").asText()).isEqualTo("forge.test\nforged 1");

            for (HttpResponse<String> r : List.of(seriesResp, query, labelValues)) {
                // Go's encoder (and so Prometheus's API) escapes U+2028/U+2029, which end a line in JavaScript.
                assertThat(r.body()).doesNotContain("\u2028").doesNotContain("\u2029").contains("\\u2028");
                assertThat(r.body()).doesNotContain("\n");
            }
        }
    }

    static List<Labels> parse(String text) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        TextParser p = new TextParser();
        p.reset(b, 0, b.length);
        List<Labels> out = new ArrayList<>();
        for (ExpositionParser.Entry e = p.next(); e != ExpositionParser.Entry.END; e = p.next()) {
            if (e == ExpositionParser.Entry.SAMPLE) {
                LabelsBuilder lb = new LabelsBuilder();
                p.labels(lb);
                out.add(lb.build());
            }
        }
        return out;
    }
}
