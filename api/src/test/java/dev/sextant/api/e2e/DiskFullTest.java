package dev.sextant.api.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import dev.sextant.api.remote.prompb.Types;
import java.io.FileOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory on a 32 MiB tmpfs made by the test (needs root for {@code mount}, hence the
 * interop profile, which CI runs as root; without root the test fails, it does not skip). The
 * server runs as a child process; the test fills the file system with a ballast file and checks
 * that remote write is answered 500 (senders retry 5xx) naming the cause, that queries, health
 * and the process survive, that after the ballast is deleted the failed batches are accepted on
 * resend, and that after a SIGKILL and restart exactly the acknowledged samples are there with no
 * WAL corruption to repair (a failed WAL write must not leave a torn record behind).
 */
@Tag("interop")
class DiskFullTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long BASE = 1_700_000_000_000L;
    private static final int SERIES_PER_BATCH = 10;
    private static final int SAMPLES_PER_SERIES = 250; // two full chunks per series reach chunks_head
    private static final int SAMPLES_PER_BATCH = SERIES_PER_BATCH * SAMPLES_PER_SERIES;

    @TempDir
    Path dir;

    @Test
    void fullDiskFailsWritesWith5xxKeepsQueriesAndLosesNothing() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        mountTmpfs(data, "32m");
        try {
            run(data);
        } finally {
            exec("umount", "-l", data.toString());
        }
    }

    private void run(Path data) throws Exception {
        Path log = dir.resolve("server.log");
        List<Integer> acked = new ArrayList<>();
        List<Integer> failed = new ArrayList<>();
        int next = 0;
        try (ServerProcess s = ServerProcess.start(data, log).awaitReady()) {
            for (; next < 5; next++) {
                assertThat(write(s, next).statusCode()).as("write %d before the disk is full", next).isEqualTo(204);
                acked.add(next);
            }
            Path ballast = data.resolve("ballast");
            fill(ballast);

            HttpResponse<String> firstFailure = null;
            for (int i = 0; i < 200 && failed.size() < 5; i++, next++) {
                HttpResponse<String> r = write(s, next);
                if (r.statusCode() == 204) {
                    acked.add(next); // landed in space the server had already reserved
                } else {
                    assertThat(r.statusCode()).as("status of a write to a full disk: %s", r.body()).isEqualTo(500);
                    failed.add(next);
                    if (firstFailure == null) {
                        firstFailure = r;
                    }
                }
            }
            assertThat(failed).as("writes refused while the disk is full").hasSize(5);
            assertThat(firstFailure.body()).startsWith("{\"status\":\"error\",\"errorType\":\"internal\"")
                    .containsIgnoringCase("no space left on device");

            // Reads and health are unaffected; the process is alive.
            assertThat(s.process.isAlive()).isTrue();
            assertThat(s.http.get("/-/healthy").statusCode()).isEqualTo(200);
            assertThat(count(s)).as("samples queryable while the disk is full").isEqualTo(acked.size() * (long) SAMPLES_PER_BATCH);
            assertThat(s.http.get("/api/v1/series?match[]=disk_full_test").statusCode()).isEqualTo(200);

            Files.delete(ballast);
            // A sender retries what got a 5xx: every retry is accepted now, and so is new data.
            for (int b : failed) {
                assertThat(write(s, b).statusCode()).as("resend of batch %d after space was freed", b).isEqualTo(204);
                acked.add(b);
            }
            for (int i = 0; i < 3; i++, next++) {
                assertThat(write(s, next).statusCode()).as("write %d after space was freed", next).isEqualTo(204);
                acked.add(next);
            }
            assertThat(count(s)).isEqualTo(acked.size() * (long) SAMPLES_PER_BATCH);
            s.kill();
        }
        try (ServerProcess s = ServerProcess.start(data, log).awaitReady()) {
            assertThat(count(s)).as("acknowledged samples after SIGKILL and WAL replay")
                    .isEqualTo(acked.size() * (long) SAMPLES_PER_BATCH);
            assertThat(s.http.get("/metrics").body()).contains("sextant_tsdb_wal_corruptions_total 0.0");
        }
    }

    /** Batch {@code b}: SERIES_PER_BATCH new series, each with SAMPLES_PER_SERIES one-second samples. */
    private static HttpResponse<String> write(ServerProcess s, int b) throws Exception {
        WriteRequest.Builder req = WriteRequest.newBuilder();
        for (int k = 0; k < SERIES_PER_BATCH; k++) {
            Types.TimeSeries.Builder ts = Types.TimeSeries.newBuilder()
                    .addLabels(Types.Label.newBuilder().setName("__name__").setValue("disk_full_test"))
                    .addLabels(Types.Label.newBuilder().setName("batch").setValue(Integer.toString(b)))
                    .addLabels(Types.Label.newBuilder().setName("series").setValue(Integer.toString(k)));
            for (int j = 0; j < SAMPLES_PER_SERIES; j++) {
                ts.addSamples(Types.Sample.newBuilder().setTimestamp(BASE + j * 1000L).setValue(b * 1000 + j));
            }
            req.addTimeseries(ts);
        }
        return s.http.write(req.build());
    }

    private static long count(ServerProcess s) throws Exception {
        String q = "sum(count_over_time(disk_full_test[10m]))";
        HttpResponse<String> r = s.http.get("/api/v1/query?time=" + (BASE / 1000 + 300) + "&query=" + HttpFixture.enc(q));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode result = JSON.readTree(r.body()).path("data").path("result");
        return result.size() == 0 ? 0 : Long.parseLong(result.get(0).path("value").get(1).asText());
    }

    /** Writes {@code ballast} until the file system refuses more (1 MiB, then 4 KiB writes). */
    private static void fill(Path ballast) throws IOException {
        try (FileOutputStream out = new FileOutputStream(ballast.toFile())) {
            for (int size : new int[] {1 << 20, 4096, 1}) {
                byte[] buf = new byte[size];
                try {
                    while (true) {
                        out.write(buf);
                    }
                } catch (IOException e) {
                    assertThat(e.getMessage()).containsIgnoringCase("no space left");
                }
            }
        }
    }

    static void mountTmpfs(Path at, String size) throws Exception {
        int rc = exec("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", at.toString());
        if (rc != 0) {
            throw new AssertionError("cannot mount a tmpfs at " + at + " (exit " + rc + "): this test needs root"
                    + " (CI runs the interop profile as root); it does not skip");
        }
    }

    private static int exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
