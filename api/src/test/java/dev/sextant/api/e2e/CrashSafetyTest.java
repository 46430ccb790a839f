package dev.sextant.api.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import dev.sextant.api.remote.prompb.Types;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * Starts the server as a child process, ingests steadily over remote write, SIGKILLs it at a random
 * moment, restarts it, and checks that every sample whose write request was acknowledged is there
 * and that no tmp directory is left behind. Each write request carries an hour of data, so head
 * compaction (block write, head truncation, WAL checkpoint) runs every couple of requests and
 * block compaction every few; the kills land in all of them. Four rounds run with Prometheus's
 * default retention, four more with {@code --storage.tsdb.retention.time=12h}, so that retention
 * deletes blocks all the time too (on its own data directory, so its blocks stay 2h long): there the
 * newest ten hours must be complete after each restart, and older data must be gone at the end.
 * Both check that WAL checkpoints were written.
 */
class CrashSafetyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long BASE = 1_700_000_000_000L;
    private static final int SAMPLES_PER_BATCH = 60; // one a minute: each batch is an hour of data

    @TempDir
    Path dir;

    @Test
    void acknowledgedSamplesSurviveSigkillAtRandomMoments() throws Exception {
        long acked = rounds(dir.resolve("data"), false, new Random(42));
        assertThat(acked).as("batches acknowledged over all rounds").isGreaterThan(3);
    }

    @Test
    void sigkillDuringRetentionAndCheckpointsLosesNothingRetained() throws Exception {
        long acked = rounds(dir.resolve("data-retention"), true, new Random(43));
        // Twelve hours of retention against 2h blocks: old blocks were deleted while the kills went on.
        assertThat(acked).as("batches acknowledged over all rounds").isGreaterThan(14);
    }

    /**
     * Four rounds of start, check, ingest, SIGKILL, then a last start and check. Returns the number
     * of acknowledged batches.
     */
    private long rounds(Path data, boolean retention, Random random) throws Exception {
        long acked = 0; // number of batches acknowledged with 204
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (int round = 0; round <= 4; round++) {
            int port = freePort();
            Process p = start(data, port, retention);
            try {
                awaitReady(client, port, p);
                assertNoTmpDirs(data, round);
                if (!retention) {
                    // Everything acknowledged in earlier rounds must be there after the restart.
                    assertThat(countSamples(client, port, acked)).as("round %d after restart", round)
                            .isGreaterThanOrEqualTo(acked * SAMPLES_PER_BATCH);
                } else {
                    // Retention may delete what is older than 12h, never the newest ten hours.
                    assertThat(countRecent(client, port, acked)).as("round %d: newest 10h after restart", round)
                            .isEqualTo(Math.min(600, acked * SAMPLES_PER_BATCH));
                }
                if (round == 4) {
                    if (retention) {
                        assertThat(countSamples(client, port, acked)).as("retention deleted old blocks")
                                .isLessThan(acked * SAMPLES_PER_BATCH);
                    }
                    try (Stream<Path> s = Files.list(data.resolve("wal"))) {
                        assertThat(s.map(x -> x.getFileName().toString()).filter(n -> n.startsWith("checkpoint."))
                                .toList()).as("WAL checkpoint written").isNotEmpty();
                    }
                    return acked;
                }
                long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500 + random.nextInt(2000));
                // A minimum number of batches per round as well as the random moment: on a loaded
                // machine (a JIT-cold server each round) few writes may fit in the time, and the
                // retention run needs more than twelve hours of data for retention to delete any.
                long roundEnd = acked + (retention ? 5 : 1);
                int failedInARow = 0;
                while (System.nanoTime() < killAt || acked < roundEnd) {
                    int status = write(client, port, acked);
                    if (status == -1 && ++failedInARow < 3) {
                        continue; // no answer within 30 s on a loaded machine: send the same batch again
                    }
                    failedInARow = 0;
                    if (status == 204) {
                        acked++;
                    } else if (status == 400
                            && countRecent(client, port, acked + 1) == Math.min(600, (acked + 1) * SAMPLES_PER_BATCH)) {
                        // The batch reached the WAL before the kill but its answer did not reach us:
                        // the restart replayed it, so the resend is out of order. It is there; go on.
                        acked++;
                    } else {
                        assertThat(status).as("write of batch %d", acked).isEqualTo(204);
                    }
                }
            } finally {
                if (round < 4) {
                    p.destroyForcibly(); // SIGKILL on Linux
                } else {
                    p.destroy();
                }
                p.waitFor(20, TimeUnit.SECONDS);
            }
        }
        throw new AssertionError("unreachable");
    }

    private static void assertNoTmpDirs(Path data, int round) throws IOException {
        for (Path d : new Path[] {data, data.resolve("wal")}) {
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> s = Files.list(d)) {
                assertThat(s.map(x -> x.getFileName().toString()).filter(n -> n.contains(".tmp")).toList())
                        .as("tmp directories in %s after restart %d", d, round).isEmpty();
            }
        }
    }

    private static Process start(Path data, int port, boolean retention) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
                "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "dev.sextant.api.app.Main",
                "--storage.tsdb.path=" + data, "--web.listen-address=127.0.0.1:" + port,
                "--web.enable-remote-write-receiver"));
        if (retention) {
            cmd.add("--storage.tsdb.retention.time=12h");
        }
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolveSibling("server.log").toFile())).start();
    }

    private static void awaitReady(HttpClient client, int port, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            assertThat(p.isAlive()).as("server process alive").isTrue();
            try {
                if (client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("server did not become ready");
    }

    /** Writes batch {@code n}: an hour of one-minute samples of crash_test continuing the series. */
    private static int write(HttpClient client, int port, long n) {
        Types.TimeSeries.Builder ts = Types.TimeSeries.newBuilder()
                .addLabels(Types.Label.newBuilder().setName("__name__").setValue("crash_test"))
                .addLabels(Types.Label.newBuilder().setName("writer").setValue("a"));
        for (int j = 0; j < SAMPLES_PER_BATCH; j++) {
            long i = n * SAMPLES_PER_BATCH + j;
            ts.addSamples(Types.Sample.newBuilder().setTimestamp(BASE + i * 60_000L).setValue(i));
        }
        try {
            byte[] body = Snappy.compress(WriteRequest.newBuilder().addTimeseries(ts).build().toByteArray());
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/api/v1/write")).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static long countSamples(HttpClient client, int port, long batches) throws Exception {
        if (batches == 0) {
            return 0;
        }
        long lastT = BASE + (batches * SAMPLES_PER_BATCH - 1) * 60_000L;
        String range = (batches * SAMPLES_PER_BATCH + 1) + "m";
        String q = "count_over_time(crash_test[" + range + "])";
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/v1/query?time=" + (lastT / 1000) + "&query=" + java.net.URLEncoder.encode(q, "UTF-8"))).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode result = JSON.readTree(r.body()).path("data").path("result");
        return result.size() == 0 ? 0 : Long.parseLong(result.get(0).path("value").get(1).asText());
    }

    /** Samples in the ten hours up to the last sample of batch {@code batches - 1}. */
    private static long countRecent(HttpClient client, int port, long batches) throws Exception {
        if (batches == 0) {
            return 0;
        }
        long lastT = BASE + (batches * SAMPLES_PER_BATCH - 1) * 60_000L;
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/v1/query?time=" + (lastT / 1000) + "&query="
                + java.net.URLEncoder.encode("count_over_time(crash_test[10h])", "UTF-8"))).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode result = JSON.readTree(r.body()).path("data").path("result");
        return result.size() == 0 ? 0 : Long.parseLong(result.get(0).path("value").get(1).asText());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
