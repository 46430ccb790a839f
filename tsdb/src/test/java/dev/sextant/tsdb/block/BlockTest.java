package dev.sextant.tsdb.block;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.chunk.ChunkMeta;
import dev.sextant.tsdb.chunk.Hex;
import dev.sextant.tsdb.chunk.SeriesChunks;
import dev.sextant.tsdb.chunk.XorAppender;
import dev.sextant.tsdb.chunk.XorChunk;
import dev.sextant.tsdb.encoding.Crc;
import dev.sextant.tsdb.index.BlockIndex;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.testutil.Samples;
import dev.sextant.tsdb.testutil.Samples.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockTest {
    @TempDir
    Path dir;

    static ChunkMeta chunk(long from, int n, long step, double base) {
        XorChunk c = new XorChunk();
        XorAppender a = c.appender();
        for (int i = 0; i < n; i++) {
            a.append(from + i * step, base + i);
        }
        return new ChunkMeta(from, from + (n - 1) * step, c.bytes());
    }

    private BlockMeta writeSample() throws IOException {
        List<SeriesChunks> in = new ArrayList<>();
        in.add(new SeriesChunks(Labels.of("__name__", "up", "job", "a"), List.of(chunk(0, 120, 1000, 0), chunk(120_000, 10, 1000, 120))));
        in.add(new SeriesChunks(Labels.of("__name__", "up", "job", "b"), List.of(chunk(5000, 5, 1000, 100))));
        in.add(new SeriesChunks(Labels.of("__name__", "x", "job", "a", "ü", "ß"), List.of(chunk(0, 3, 1000, 7))));
        return BlockWriter.write(dir, 0, 7_200_000, in.iterator(), BlockWriter.Origin.head(), 1_700_000_000_000L, 120);
    }

    @Test
    void writesPrometheusLayoutAndReadsBack() throws IOException {
        BlockMeta meta = writeSample();
        Path b = dir.resolve(meta.ulid());
        assertThat(Ulid.isValid(meta.ulid())).isTrue();
        assertThat(Files.exists(dir.resolve(meta.ulid() + BlockWriter.TMP_CREATION))).isFalse();
        assertThat(Hex.format(Files.readAllBytes(b.resolve("tombstones")), 0, 9)).isEqualTo("0130ba300100000000");
        byte[] seg = Files.readAllBytes(b.resolve("chunks/000001"));
        assertThat(Hex.format(seg, 0, 8)).isEqualTo("85bd40dd01000000");
        byte[] idx = Files.readAllBytes(b.resolve("index"));
        assertThat(Hex.format(idx, 0, 5)).isEqualTo("baaad70002");
        int toc = idx.length - 52;
        assertThat(Crc.readBE32(idx, toc + 48)).isEqualTo(Crc.crc32c(idx, toc, 48));

        BlockMeta read = BlockMeta.read(b);
        assertThat(read.numSamples()).isEqualTo(138);
        assertThat(read.numSeries()).isEqualTo(3);
        assertThat(read.numChunks()).isEqualTo(4);
        assertThat(read.level()).isEqualTo(1);
        assertThat(read.sources()).containsExactly(meta.ulid());
        String json = Files.readString(b.resolve("meta.json"));
        assertThat(json).contains("\"version\" : 1").doesNotContain("numTombstones");

        Block block = Block.open(b);
        BlockIndex ix = block.index();
        assertThat(ix.labelNames()).containsExactly("__name__", "job", "ü");
        assertThat(ix.labelValues("job")).containsExactly("a", "b");
        long[] all = ix.allPostings();
        assertThat(all).hasSize(3);
        BlockIndex.SeriesEntry e = ix.series(all[0], new LabelsBuilder());
        assertThat(e.labels()).isEqualTo(Labels.of("__name__", "up", "job", "a"));
        assertThat(e.chunks()).hasSize(6);
        assertThat(e.chunks()[3]).isEqualTo(120_000);
        assertThat(e.chunks()[5] >>> 32).isZero();
        assertThat(all[0] * 16 % 16).isZero();

        Map<Labels, List<Sample>> got = Samples.query(block, 0, Long.MAX_VALUE, Matcher.equal("job", "a"));
        assertThat(got).containsOnlyKeys(Labels.of("__name__", "up", "job", "a"), Labels.of("__name__", "x", "job", "a", "ü", "ß"));
        assertThat(got.get(Labels.of("__name__", "up", "job", "a"))).hasSize(130);
        assertThat(Samples.query(block, 6000, 7000, Matcher.notEqual("job", "a")).get(Labels.of("__name__", "up", "job", "b")))
                .containsExactly(Sample.of(6000, 101), Sample.of(7000, 102));
        assertThat(Samples.query(block, 0, Long.MAX_VALUE, Matcher.regex("ü", "ß|x"))).hasSize(1);
        assertThat(Samples.query(block, 0, Long.MAX_VALUE, Matcher.equal("ü", ""))).hasSize(2);
        try (Querier q = block.querier(0, Long.MAX_VALUE)) {
            assertThat(q.labelValues("__name__", Matcher.equal("job", "b"))).containsExactly("up");
        }
    }

    @Test
    void chunksOutsideTheRangeOrOverlappingAreReencoded() throws IOException {
        List<SeriesChunks> in = List.of(new SeriesChunks(Labels.of("__name__", "m"),
                List.of(chunk(0, 10, 1000, 0), chunk(5000, 10, 1000, 100), chunk(7_199_000, 3, 1000, 0))));
        BlockMeta meta = BlockWriter.write(dir, 0, 7_200_000, in.iterator(), BlockWriter.Origin.head(), 1, 120);
        Block block = Block.open(dir.resolve(meta.ulid()));
        List<Sample> got = Samples.query(block, Long.MIN_VALUE, Long.MAX_VALUE, Matcher.equal("__name__", "m"))
                .get(Labels.of("__name__", "m"));
        // 0..9 s from the first chunk (5..9 s keep the first value), 10..14 s from the second, 7199 s only.
        assertThat(got).hasSize(16);
        assertThat(got.get(5)).isEqualTo(Sample.of(5000, 5));
        assertThat(got.get(14)).isEqualTo(Sample.of(14000, 109));
        assertThat(got.get(15).t()).isEqualTo(7_199_000);
    }

    @Test
    void indexReaderRejectsVersionOneAndCorruptToc() throws IOException {
        BlockMeta meta = writeSample();
        byte[] idx = Files.readAllBytes(dir.resolve(meta.ulid()).resolve("index"));
        byte[] v1 = idx.clone();
        v1[4] = 1;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BlockIndex(v1, "v1"))
                .isInstanceOf(IOException.class).hasMessageContaining("version 1");
        byte[] v3 = idx.clone();
        v3[4] = 3;
        assertThat(new BlockIndex(v3, "v3").allPostings()).hasSize(3);
        byte[] bad = idx.clone();
        bad[bad.length - 20] ^= 1;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BlockIndex(bad, "bad"))
                .isInstanceOf(IOException.class).hasMessageContaining("TOC checksum");
    }

    @Test
    void indexLargerThanTheWriteBufferStreamsCorrectly() throws IOException {
        List<SeriesChunks> in = new ArrayList<>();
        ChunkMeta c = chunk(0, 2, 1000, 1);
        for (int i = 0; i < 30_000; i++) {
            in.add(new SeriesChunks(Labels.of("__name__", "m", "id", String.format("%06d", i), "pad", "v" + (i % 977)),
                    List.of(c)));
        }
        BlockMeta meta = BlockWriter.write(dir, 0, 7_200_000, in.iterator(), BlockWriter.Origin.head(), 1, 120);
        Path idx = dir.resolve(meta.ulid()).resolve("index");
        assertThat(Files.size(idx)).isGreaterThan(2L << 20);
        Block block = Block.open(dir.resolve(meta.ulid()));
        assertThat(block.index().allPostings()).hasSize(30_000);
        assertThat(block.index().labelValues("pad")).hasSize(977);
        Labels l = Labels.of("__name__", "m", "id", "029999", "pad", "v" + (29_999 % 977));
        assertThat(Samples.query(block, 0, Long.MAX_VALUE, Matcher.equal("id", "029999")).get(l))
                .containsExactly(Sample.of(0, 1), Sample.of(1000, 2));
        assertThat(Samples.query(block, 0, Long.MAX_VALUE, Matcher.equal("pad", "v5"))).hasSize(31);
    }

    @Test
    void emptyInputWritesNothing() throws IOException {
        assertThat(BlockWriter.write(dir, 0, 10, List.<SeriesChunks>of().iterator(), BlockWriter.Origin.head(), 1, 120)).isNull();
        try (var s = Files.list(dir)) {
            assertThat(s.count()).isZero();
        }
    }

    @Test
    void tombstonesHideSamples() throws IOException {
        BlockMeta meta = writeSample();
        Path b = dir.resolve(meta.ulid());
        long ref = Block.open(b).index().postings("job", "b")[0];
        Tombstones.write(b, Map.of(ref, new long[] {6000, 7000}));
        Block block = Block.open(b);
        assertThat(Samples.query(block, 0, Long.MAX_VALUE, Matcher.equal("job", "b")).values().iterator().next())
                .extracting(Sample::t).containsExactly(5000L, 8000L, 9000L);
        SeriesChunks sc = null;
        for (var it = block.allSeriesChunks(); it.hasNext();) {
            SeriesChunks x = it.next();
            if (x.labels().get("job").equals("b")) {
                sc = x;
            }
        }
        assertThat(sc.chunks().get(0).data()[1]).isEqualTo((byte) 3);
    }
}
