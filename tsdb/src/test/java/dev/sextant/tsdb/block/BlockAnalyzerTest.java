package dev.sextant.tsdb.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.tsdb.chunk.ChunkMeta;
import dev.sextant.tsdb.chunk.SeriesChunks;
import dev.sextant.tsdb.chunk.XorAppender;
import dev.sextant.tsdb.chunk.XorChunk;
import dev.sextant.tsdb.model.Labels;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockAnalyzerTest {
    @TempDir
    Path dir;

    static ChunkMeta chunk(long from, long step, int n) {
        XorChunk c = new XorChunk();
        XorAppender a = c.appender();
        for (int i = 0; i < n; i++) {
            a.append(from + i * step, i);
        }
        return new ChunkMeta(from, from + (n - 1) * step, c.bytes());
    }

    @Test
    void goDurationPrintsLikeGo() {
        assertThat(BlockAnalyzer.goDuration(0)).isEqualTo("0s");
        assertThat(BlockAnalyzer.goDuration(1_000_000L)).isEqualTo("1ms");
        assertThat(BlockAnalyzer.goDuration(999_000_000L)).isEqualTo("999ms");
        assertThat(BlockAnalyzer.goDuration(1_500L)).isEqualTo("1.5µs");
        assertThat(BlockAnalyzer.goDuration(1_000_000_000L)).isEqualTo("1s");
        assertThat(BlockAnalyzer.goDuration(7_200_000_000_000L)).isEqualTo("2h0m0s");
        assertThat(BlockAnalyzer.goDuration(7_170_001_000_000L)).isEqualTo("1h59m30.001s");
        assertThat(BlockAnalyzer.goDuration(61_250_000_000L)).isEqualTo("1m1.25s");
        assertThat(BlockAnalyzer.goDuration(-90_000_000_000L)).isEqualTo("-1m30s");
    }

    @Test
    void churnCountsCardinalityAndFullnessOfABlock() throws IOException {
        // Block [0, 1000): a covers it all (2 chunks: 120 + 30 samples), b covers [500, 600] in one
        // 11-sample chunk, so b leaves 1000 - 100 = 900 ms uncovered and a leaves 1000 - 990 = 10.
        List<SeriesChunks> series = new ArrayList<>();
        series.add(new SeriesChunks(Labels.of("__name__", "up", "job", "a"), List.of(chunk(0, 5, 120), chunk(600, 13, 30))));
        series.add(new SeriesChunks(Labels.of("__name__", "up", "job", "bb"), List.of(chunk(500, 10, 11))));
        series.add(new SeriesChunks(Labels.of("__name__", "x", "job", "bb"), List.of(chunk(0, 10, 100))));
        BlockWriter.write(dir, 0, 1000, series.iterator(), BlockWriter.Origin.head(), 1_700_000_000_000L, 120);

        BlockAnalyzer.Report r = BlockAnalyzer.analyze(dir, "", true);
        assertThat(r.meta().numSeries()).isEqualTo(3);
        assertThat(r.labelNames()).isEqualTo(2);
        assertThat(r.uniquePairs()).isEqualTo(4);
        assertThat(r.pairEntries()).isEqualTo(6);
        // Uncovered per series: a 10, up/bb 900, x/bb 10 (chunk 0..990); sums over 1000 truncated.
        assertThat(r.pairChurn()).containsExactly(new BlockAnalyzer.Entry("__name__=up", 0),
                new BlockAnalyzer.Entry("__name__=x", 0), new BlockAnalyzer.Entry("job=a", 0),
                new BlockAnalyzer.Entry("job=bb", 0));
        assertThat(r.commonPairs()).startsWith(new BlockAnalyzer.Entry("__name__=up", 2), new BlockAnalyzer.Entry("job=bb", 2));
        assertThat(r.valueLengths()).containsExactly(new BlockAnalyzer.Entry("__name__", 3), new BlockAnalyzer.Entry("job", 3));
        assertThat(r.labelCardinality()).containsExactly(new BlockAnalyzer.Entry("__name__", 2), new BlockAnalyzer.Entry("job", 2));
        assertThat(r.metricCardinality()).containsExactly(new BlockAnalyzer.Entry("up", 2), new BlockAnalyzer.Entry("x", 1));
        // Chunks: 120 → 100 %, 30 → 30 % (ceil(10*30/120)-1 = 2), 11 → 10 %, 100 → 90 %.
        assertThat(r.chunks()).isEqualTo(4);
        assertThat(r.fullness()).containsExactly(1, 0, 1, 0, 0, 0, 0, 0, 1, 1);

        StringWriter out = new StringWriter();
        BlockAnalyzer.print(r, 1, true, new PrintWriter(out));
        assertThat(out.toString()).startsWith("Block ID: " + r.meta().ulid() + "\nDuration: 1s\nSeries: 3\nLabel names: 2\n")
                .contains("\nMost common label pairs:\n2 __name__=up\n\n")
                .contains("\n     10%: #########################\n     20%: \n     30%: #########################\n")
                .endsWith("    100%: #########################\n");
    }

    @Test
    void churnBecomesWholeMultiplesOfTheRange() throws IOException {
        // Ten series each covering 1/10 of [0, 1000): each leaves 900 uncovered; 9000 / 1000 = 9.
        List<SeriesChunks> series = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            series.add(new SeriesChunks(Labels.of("__name__", "m", "i", "" + i), List.of(chunk(i * 100, 10, 11))));
        }
        BlockWriter.write(dir, 0, 1000, series.iterator(), BlockWriter.Origin.head(), 1_700_000_000_000L, 120);
        BlockAnalyzer.Report r = BlockAnalyzer.analyze(dir, null, false);
        assertThat(r.pairChurn().get(0)).isEqualTo(new BlockAnalyzer.Entry("__name__=m", 9));
        assertThat(r.nameChurn()).containsExactly(new BlockAnalyzer.Entry("__name__", 9), new BlockAnalyzer.Entry("i", 9));
    }

    @Test
    void picksTheLastBlockByMinTimeAndReportsAMissingOne() throws IOException {
        BlockMeta late = BlockWriter.write(dir, 2000, 3000, List.of(new SeriesChunks(Labels.of("__name__", "late"),
                List.of(chunk(2000, 1, 5)))).iterator(), BlockWriter.Origin.head(), 1_600_000_000_000L, 120);
        BlockMeta early = BlockWriter.write(dir, 0, 1000, List.of(new SeriesChunks(Labels.of("__name__", "early"),
                List.of(chunk(0, 1, 5)))).iterator(), BlockWriter.Origin.head(), 1_700_000_000_000L, 120);
        Files.createDirectories(dir.resolve("01ARZ3NDEKTSV4RRFFQ69G5FAV.tmp-for-creation"));
        assertThat(BlockAnalyzer.listBlocks(dir)).extracting(BlockMeta::ulid).containsExactly(early.ulid(), late.ulid());
        assertThat(BlockAnalyzer.analyze(dir, "", false).meta().ulid()).isEqualTo(late.ulid());
        assertThat(BlockAnalyzer.analyze(dir, early.ulid(), false).metricCardinality())
                .containsExactly(new BlockAnalyzer.Entry("early", 1));
        assertThatThrownBy(() -> BlockAnalyzer.analyze(dir, "01ARZ3NDEKTSV4RRFFQ69G5FAV", false))
                .hasMessage("block 01ARZ3NDEKTSV4RRFFQ69G5FAV not found");
        assertThatThrownBy(() -> BlockAnalyzer.analyze(dir.resolve("nope"), "", false))
                .hasMessageContaining("no such data directory");
    }
}
