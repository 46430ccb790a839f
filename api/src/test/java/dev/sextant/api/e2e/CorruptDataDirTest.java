package dev.sextant.api.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.api.app.ServerOptions;
import dev.sextant.api.app.SextantServer;
import dev.sextant.tsdb.Tsdb;
import dev.sextant.tsdb.TsdbOptions;
import dev.sextant.tsdb.block.BlockMeta;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Appender;
import java.io.RandomAccessFile;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server on a data directory with one block whose meta.json is truncated and one whose chunk
 * bytes are damaged: it starts, sets the first block aside (renamed, counted in
 * {@code sextant_tsdb_blocks_corrupted_total}), answers a query that reads the damaged chunk with
 * an error envelope instead of wrong numbers, and serves everything else.
 */
class CorruptDataDirTest {
    private static final long BASE = 1_700_000_000_000L - 1_700_000_000_000L % 7_200_000L;
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;

    @Test
    void brokenBlocksAreSetAsideOrFailQueriesAndTheRestIsServed() throws Exception {
        Path data = dir.resolve("data");
        List<BlockMeta> blocks;
        try (Tsdb db = Tsdb.open(data, TsdbOptions.defaults().withBackgroundCompaction(false))) {
            Labels l = Labels.of("__name__", "corrupt_test");
            long ref = 0;
            for (long t = BASE; t < BASE + 6 * HOUR; t += 60_000) {
                Appender app = db.appender();
                ref = app.append(ref, l, t, 1);
                app.commit();
            }
            db.compact(); // [0, 2h) and [2h, 4h) become blocks; the head keeps [4h, 6h)
            blocks = db.blocks();
        }
        assertThat(blocks).hasSize(2);
        String damagedChunks = blocks.get(0).ulid();
        String truncatedMeta = blocks.get(1).ulid();
        flipChunkData(data.resolve(damagedChunks).resolve("chunks").resolve("000001"));
        Files.write(data.resolve(truncatedMeta).resolve("meta.json"), new byte[0]);

        try (SextantServer server = SextantServer.start(ServerOptions.defaults(data, "127.0.0.1", 0))) {
            HttpFixture http = new HttpFixture(server.port());
            assertThat(Files.isDirectory(data.resolve(truncatedMeta + ".corrupted"))).isTrue();
            assertThat(http.get("/metrics").body()).contains("sextant_tsdb_blocks_corrupted_total 1.0")
                    .contains("sextant_tsdb_blocks_loaded 1");

            HttpResponse<String> bad = http.get("/api/v1/query?query=count_over_time(corrupt_test%5B1h%5D)&time="
                    + (BASE + HOUR) / 1000);
            assertThat(bad.statusCode()).isEqualTo(422);
            assertThat(bad.body()).startsWith("{\"status\":\"error\",\"errorType\":\"execution\"")
                    .contains("checksum mismatch");

            HttpResponse<String> good = http.get("/api/v1/query?query=count_over_time(corrupt_test%5B1h%5D)&time="
                    + (BASE + 6 * HOUR - 60_000) / 1000);
            assertThat(good.statusCode()).isEqualTo(200);
            assertThat(good.body()).contains("\"60\"]");
        }
    }

    /** Flips a byte inside the first chunk's XOR data (after the 8-byte header, length and encoding). */
    private static void flipChunkData(Path segment) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            long p = 8;
            f.seek(p);
            while ((f.read() & 0x80) != 0) {
                p++;
            }
            long data = p + 1 + 1; // past the last length byte and the encoding byte
            f.seek(data + 3);
            int b = f.read();
            f.seek(data + 3);
            f.write(b ^ 0x10);
        }
    }
}
