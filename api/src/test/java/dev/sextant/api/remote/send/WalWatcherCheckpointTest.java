package dev.sextant.api.remote.send;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import dev.sextant.api.remote.prompb.Types;
import dev.sextant.scrape.config.HttpClientConfig;
import dev.sextant.tsdb.encoding.Encbuf;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.wal.Checkpoint;
import dev.sextant.tsdb.wal.Records;
import dev.sextant.tsdb.wal.Wal;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * Where a queue starts reading the WAL: series refs learned from a checkpoint, samples of a
 * truncated range sent from the checkpoint when the persisted position lies inside it, and a new
 * queue sending only what is written after it started.
 */
class WalWatcherCheckpointTest {
    @TempDir
    Path data;

    private HttpServer server;
    /** Received "series@t" keys. */
    private final Set<String> received = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void startReceiver() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/w", ex -> {
            try (InputStream in = ex.getRequestBody()) {
                WriteRequest req = WriteRequest.parseFrom(Snappy.uncompress(in.readAllBytes()));
                for (Types.TimeSeries ts : req.getTimeseriesList()) {
                    String name = ts.getLabelsList().stream().filter(l -> l.getName().equals("__name__"))
                            .findFirst().orElseThrow().getValue();
                    for (Types.Sample s : ts.getSamplesList()) {
                        received.add(name + "@" + s.getTimestamp());
                    }
                }
                ex.sendResponseHeaders(204, -1);
            } finally {
                ex.close();
            }
        });
        server.start();
    }

    @AfterEach
    void stopReceiver() {
        server.stop(0);
    }

    private RemoteWriteConfig config() {
        return new RemoteWriteConfig("http://127.0.0.1:" + server.getAddress().getPort() + "/w", "q", Map.of(),
                new HttpClientConfig(null, null, HttpClientConfig.TlsConfig.DEFAULT, null, null, null, false, true, false, null),
                5_000, List.of(), new RemoteWriteConfig.QueueConfig(1000, 1, 4, 100, 50, 10, 100, false, 0),
                RemoteWriteConfig.MetadataConfig.DEFAULT, 1);
    }

    private static void series(Wal wal, long ref, String name) {
        Encbuf e = new Encbuf();
        Records.encodeSeries(e, List.of(new Records.RefSeries(ref, Labels.of("__name__", name))));
        wal.log(e.toByteArray());
    }

    private static void samples(Wal wal, long ref, long from, int n) {
        long[] refs = new long[n];
        long[] ts = new long[n];
        double[] vs = new double[n];
        for (int i = 0; i < n; i++) {
            refs[i] = ref;
            ts[i] = from + i;
            vs[i] = i;
        }
        Encbuf e = new Encbuf();
        Records.encodeSamples(e, refs, ts, vs, 0, n);
        wal.log(e.toByteArray());
    }

    private static void await(String what, java.util.function.BooleanSupplier c) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!c.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out: " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aPositionInsideATruncatedRangeSendsTheCheckpointsSamples() throws Exception {
        Path walDir = data.resolve("wal");
        try (Wal wal = new Wal(walDir, Wal.DEFAULT_SEGMENT_SIZE)) {
            series(wal, 1, "a");
            samples(wal, 1, 1000, 10);           // segment 0
            wal.nextSegment();
            series(wal, 2, "b");
            samples(wal, 2, 2000, 10);           // segment 1
            wal.nextSegment();
            samples(wal, 1, 1010, 5);            // segment 2: ref 1 is only known from the checkpoint
            wal.flush();
            Checkpoint.create(walDir, 0, 1, ref -> true, 0);
            wal.truncateBefore(2);
        }
        assertThat(Wal.segments(walDir)).doesNotContain(0, 1);
        RemoteWriteManager m = new RemoteWriteManager(data, new RemoteWriteMetrics(new PrometheusRegistry()), () -> 0);
        ProgressFile.write(m.progressFile(config()), 0, 0); // nothing was sent before the truncation
        try {
            m.apply(List.of(config()), Labels.EMPTY);
            await("all 25 samples", () -> received.size() == 25);
            assertThat(received).contains("a@1000", "a@1009", "b@2000", "b@2009", "a@1010", "a@1014");
        } finally {
            m.close();
        }
        long[] pos = ProgressFile.read(m.progressFile(config()));
        assertThat(pos[0]).as("progress moved past the checkpoint").isGreaterThanOrEqualTo(2);
    }

    @Test
    void aNewQueueSendsOnlyWhatIsWrittenAfterItStarted() throws Exception {
        Path walDir = data.resolve("wal");
        try (Wal wal = new Wal(walDir, Wal.DEFAULT_SEGMENT_SIZE)) {
            series(wal, 1, "old");
            samples(wal, 1, 1000, 10);
            wal.flush();
            RemoteWriteManager m = new RemoteWriteManager(data, new RemoteWriteMetrics(new PrometheusRegistry()), () -> 0);
            try {
                m.apply(List.of(config()), Labels.EMPTY);
                Path progress = m.progressFile(config());
                await("the queue to reach the end of the WAL", () -> Files.exists(progress));
                samples(wal, 1, 5000, 3); // the series record came before the queue started
                series(wal, 2, "new");
                samples(wal, 2, 6000, 3);
                wal.flush();
                await("the 6 new samples", () -> received.size() == 6);
                Thread.sleep(300);
                assertThat(received).containsExactlyInAnyOrder("old@5000", "old@5001", "old@5002",
                        "new@6000", "new@6001", "new@6002");
            } finally {
                m.close();
            }
        }
    }

    @Test
    void samplesWrittenRightAfterANewQueueStartsAreSentEvenBeforeItHasReadTheOldWal() throws Exception {
        Path walDir = data.resolve("wal");
        try (Wal wal = new Wal(walDir, Wal.DEFAULT_SEGMENT_SIZE)) {
            series(wal, 1, "old");
            for (int i = 0; i < 20_000; i++) { // enough WAL that the watcher is still reading it below
                samples(wal, 1, 1000 + 10L * i, 10);
            }
            wal.flush();
            RemoteWriteManager m = new RemoteWriteManager(data, new RemoteWriteMetrics(new PrometheusRegistry()), () -> 0);
            try {
                m.apply(List.of(config()), Labels.EMPTY);
                // No wait: like a write acknowledged just after a reload returned.
                series(wal, 2, "new");
                samples(wal, 2, 900_000, 3);
                wal.flush();
                await("the 3 new samples", () -> received.size() == 3);
                Thread.sleep(300);
                assertThat(received).containsExactlyInAnyOrder("new@900000", "new@900001", "new@900002");
            } finally {
                m.close();
            }
            long[] pos = ProgressFile.read(m.progressFile(config()));
            assertThat(pos[0]).isZero();
            assertThat(pos[1]).as("the persisted position is past the old samples")
                    .isGreaterThanOrEqualTo(Files.size(walDir.resolve(Wal.segmentName(0))) - 200);
        }
    }
}
