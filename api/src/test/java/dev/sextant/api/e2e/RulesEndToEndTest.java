package dev.sextant.api.e2e;

import static dev.sextant.api.e2e.HttpFixture.series;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.api.app.ServerOptions;
import dev.sextant.api.app.SextantServer;
import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rule files named by prometheus.yml are evaluated by the server and shown by the rules APIs. */
class RulesEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void recordingAndAlertingRulesRunAndReload() throws Exception {
        Files.writeString(dir.resolve("rules.yml"), """
                groups:
                  - name: demo
                    interval: 1s
                    rules:
                      - record: job:temperature:max
                        expr: max by (job) (temperature)
                      - alert: TooHot
                        expr: job:temperature:max > 30
                        labels:
                          severity: page
                        annotations:
                          summary: "{{ $labels.job }} is at {{ $value }} degrees"
                """);
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  evaluation_interval: 1s\nrule_files:\n  - rules.yml\n");
        ServerOptions base = ServerOptions.defaults(dir.resolve("data"), "127.0.0.1", 0);
        ServerOptions o = new ServerOptions(config, base.dataDir(), "127.0.0.1", 0, true, true, false,
                Duration.ofMinutes(2), 50_000_000L, Duration.ofMinutes(5), Duration.ofDays(15), 0, 20);
        try (SextantServer server = SextantServer.start(o)) {
            HttpFixture http = new HttpFixture(server.port());
            long now = System.currentTimeMillis();
            WriteRequest.Builder w = WriteRequest.newBuilder();
            long[] ts = new long[120];
            double[] vs = new double[120];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = now - 60_000 + i * 1000L;
                vs[i] = 35;
            }
            w.addTimeseries(series(new String[] {"__name__", "temperature", "job", "oven"}, ts, vs));
            assertThat(http.write(w.build()).statusCode()).isEqualTo(204);

            String alerts = awaitBody(http, "/api/v1/alerts", b -> b.contains("\"alertname\":\"TooHot\""));
            assertThat(alerts).contains("\"severity\":\"page\"", "\"summary\":\"oven is at 35 degrees\"",
                    "\"state\":\"firing\"", "\"value\":\"3.5e+01\"");
            assertThat(http.get("/api/v1/query?query=" + HttpFixture.enc("job:temperature:max")).body())
                    .contains("\"__name__\":\"job:temperature:max\"", "\"job\":\"oven\"", ",\"35\"]");
            String rules = http.get("/api/v1/rules").body();
            assertThat(rules).contains("\"name\":\"demo\"", "\"type\":\"recording\"", "\"type\":\"alerting\"",
                    "\"query\":\"job:temperature:max \\u003e 30\"", "\"health\":\"ok\"");
            assertThat(http.get("/api/v1/rules?type=record").body()).doesNotContain("\"type\":\"alerting\"");
            assertThat(http.get("/api/v1/query?query=ALERTS").body()).contains("\"alertstate\":\"firing\"");

            // A broken rule file is rejected on reload, and the old rules keep running.
            Files.writeString(dir.resolve("rules.yml"), "groups:\n  - name: demo\n    rules:\n      - record: x\n        expr: sum(\n");
            assertThat(http.post("/-/reload", "").statusCode()).isEqualTo(500);
            assertThat(http.get("/api/v1/rules").body()).contains("TooHot");
        }
    }

    private static String awaitBody(HttpFixture http, String path, java.util.function.Predicate<String> done)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String body = "";
        while (System.nanoTime() < deadline) {
            body = http.get(path).body();
            if (done.test(body)) {
                return body;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out waiting on " + path + ": " + body);
    }
}
