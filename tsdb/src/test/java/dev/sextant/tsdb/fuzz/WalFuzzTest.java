package dev.sextant.tsdb.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sextant.tsdb.Tsdb;
import dev.sextant.tsdb.TsdbOptions;
import dev.sextant.tsdb.storage.StorageException;
import dev.sextant.tsdb.wal.Records;
import dev.sextant.tsdb.wal.Wal;
import dev.sextant.tsdb.wal.WalReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Any bytes as a WAL segment: the reader yields records and then stops, with a corruption report
 * at most; the record decoders return an error message or a value; a TSDB opened on such a WAL
 * repairs it and opens, or refuses with the documented {@link StorageException} (native-histogram
 * records it cannot replay). Never another exception, a hang or an out-of-memory. The seeds
 * (segments written by Sextant and byte-damaged variants) run under plain Surefire;
 * {@code JAZZER_FUZZ=1} fuzzes.
 */
class WalFuzzTest {
    private static final Path ROOT;

    static {
        try {
            ROOT = Files.createTempDirectory("wal-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void segment(byte[] input) throws IOException {
        if (input == null) {
            return;
        }
        Path dir = ROOT.resolve("reader");
        Files.createDirectories(dir);
        Files.write(dir.resolve(Wal.segmentName(0)), input);
        List<Records.RefSeries> series = new ArrayList<>();
        Records.SampleBatch samples = new Records.SampleBatch();
        Records.TombstoneBatch stones = new Records.TombstoneBatch();
        try (WalReader r = new WalReader(dir, List.of(0))) {
            while (r.next()) {
                byte[] rec = r.record();
                int len = r.recordLength();
                switch (Records.type(rec, len)) {
                    case Records.SERIES -> {
                        series.clear();
                        Records.decodeSeries(rec, len, series);
                    }
                    case Records.SAMPLES -> {
                        samples.clear();
                        Records.decodeSamples(rec, len, samples);
                    }
                    case Records.SAMPLES_V2 -> {
                        samples.clear();
                        Records.decodeSamplesV2(rec, len, samples);
                    }
                    case Records.TOMBSTONES -> {
                        stones.size = 0;
                        Records.decodeTombstones(rec, len, stones);
                    }
                    default -> {
                        // unknown types are skipped on replay
                    }
                }
            }
        }
    }

    @FuzzTest(maxDuration = "30s")
    void replay(byte[] input) throws IOException {
        if (input == null) {
            return;
        }
        Path dir = ROOT.resolve("db");
        deleteTree(dir);
        Files.createDirectories(dir.resolve("wal"));
        Files.write(dir.resolve("wal").resolve(Wal.segmentName(0)), input);
        try (Tsdb db = Tsdb.open(dir, TsdbOptions.defaults().withBackgroundCompaction(false))) {
            db.head().numSeries();
        } catch (StorageException documented) {
            if (!documented.getMessage().contains("native-histogram records")) {
                throw documented;
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var s = Files.walk(p)) {
            List<Path> all = new ArrayList<>();
            s.forEach(all::add);
            for (int i = all.size() - 1; i >= 0; i--) {
                Files.deleteIfExists(all.get(i));
            }
        }
    }
}
