package dev.sextant.tsdb.wal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.chunk.Hex;
import dev.sextant.tsdb.encoding.Encbuf;
import dev.sextant.tsdb.model.Labels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snappy-compressed WAL records (Prometheus's {@code --storage.tsdb.wal-compression}): the encoder
 * against the reference implementation (snappy-java), the golden compressed segment, and segments
 * of both kinds read back in one pass.
 */
class WalCompressionTest {
    @TempDir
    Path dir;

    private static byte[] compress(byte[] in) {
        byte[] out = new byte[Snappy.maxCompressedLength(in.length)];
        int n = Snappy.compress(in, 0, in.length, out, new int[1 << Snappy.HASH_BITS]);
        return Arrays.copyOf(out, n);
    }

    @Test
    void encoderOutputDecodesWithTheReferenceAndOurDecoder() throws IOException {
        Random rnd = new Random(3);
        List<byte[]> inputs = new ArrayList<>();
        inputs.add(new byte[0]);
        inputs.add("a".getBytes(StandardCharsets.US_ASCII));
        inputs.add("abcabcabcabcabcabcabcabcabcabcabcabc".getBytes(StandardCharsets.US_ASCII));
        inputs.add(new byte[200_000]); // long runs: copies split into 64-byte pieces
        for (int i = 0; i < 300; i++) {
            byte[] b = new byte[rnd.nextInt(i < 290 ? 5000 : 300_000)];
            int alphabet = 1 + rnd.nextInt(i % 3 == 0 ? 256 : 8);
            for (int k = 0; k < b.length; k++) {
                b[k] = (byte) rnd.nextInt(alphabet);
            }
            inputs.add(b);
        }
        for (byte[] in : inputs) {
            byte[] c = compress(in);
            assertThat(c.length).isLessThanOrEqualTo(Snappy.maxCompressedLength(in.length));
            assertThat(org.xerial.snappy.Snappy.uncompress(c)).isEqualTo(in);
            byte[] ours = new byte[in.length];
            assertThat(Snappy.uncompress(c, 0, c.length, ours)).isEqualTo(in.length);
            assertThat(ours).isEqualTo(in);
            // And our decoder reads what the reference encoder writes.
            byte[] ref = org.xerial.snappy.Snappy.compress(in);
            byte[] back = new byte[in.length];
            assertThat(Snappy.uncompress(ref, 0, ref.length, back)).isEqualTo(in.length);
            assertThat(back).isEqualTo(in);
        }
    }

    /** The records of the compressed golden segment. */
    private static void writeGoldenRecords(Wal wal) {
        Encbuf enc = new Encbuf();
        Records.encodeSeries(enc, List.of(
                new Records.RefSeries(1, Labels.of("__name__", "up", "instance", "host-1:9100", "job", "node")),
                new Records.RefSeries(2, Labels.of("__name__", "up", "instance", "host-2:9100", "job", "node"))));
        wal.log(enc.toByteArray());
        enc.reset();
        Records.encodeSamples(enc, new long[] {1, 2, 1, 2}, new long[] {1_700_000_000_000L, 1_700_000_000_000L,
                1_700_000_015_000L, 1_700_000_015_000L}, new double[] {1, 1, 1, 1}, 0, 4);
        wal.log(enc.toByteArray());
    }

    @Test
    void goldenCompressedSegment() throws IOException {
        byte[] expected = Hex.resource("/fixtures/wal-segment-snappy.hex");
        try (Wal wal = new Wal(dir, Wal.DEFAULT_SEGMENT_SIZE, true)) {
            writeGoldenRecords(wal);
        }
        byte[] seg = Files.readAllBytes(dir.resolve("00000000"));
        assertThat(seg).hasSize(Wal.PAGE_SIZE);
        assertThat(Hex.format(seg, 0, expected.length)).isEqualTo(Hex.format(expected, 0, expected.length));
        for (int i = expected.length; i < seg.length; i++) {
            assertThat(seg[i]).isZero();
        }
        // Fragment flags: both records carry the Snappy bit.
        assertThat(seg[0]).isEqualTo((byte) (Wal.FULL | Wal.SNAPPY));
        // The compressed payloads are what the reference decoder makes of them.
        int len1 = ((seg[1] & 0xFF) << 8) | (seg[2] & 0xFF);
        byte[] payload1 = Arrays.copyOfRange(seg, Wal.HEADER_SIZE, Wal.HEADER_SIZE + len1);
        Encbuf enc = new Encbuf();
        Records.encodeSeries(enc, List.of(
                new Records.RefSeries(1, Labels.of("__name__", "up", "instance", "host-1:9100", "job", "node")),
                new Records.RefSeries(2, Labels.of("__name__", "up", "instance", "host-2:9100", "job", "node"))));
        assertThat(org.xerial.snappy.Snappy.uncompress(payload1)).isEqualTo(enc.toByteArray());
        assertThat(seg[Wal.HEADER_SIZE + len1]).isEqualTo((byte) (Wal.FULL | Wal.SNAPPY));

        try (WalReader r = new WalReader(dir, List.of(0))) {
            assertThat(r.next()).isTrue();
            List<Records.RefSeries> series = new ArrayList<>();
            assertThat(Records.decodeSeries(r.record(), r.recordLength(), series)).isNull();
            assertThat(series).extracting(Records.RefSeries::ref).containsExactly(1L, 2L);
            assertThat(series.get(1).labels().get("instance")).isEqualTo("host-2:9100");
            assertThat(r.next()).isTrue();
            Records.SampleBatch b = new Records.SampleBatch();
            assertThat(Records.decodeSamples(r.record(), r.recordLength(), b)).isNull();
            assertThat(b.size).isEqualTo(4);
            assertThat(b.ts[3]).isEqualTo(1_700_000_015_000L);
            assertThat(r.next()).isFalse();
            assertThat(r.corruption()).isNull();
        }
    }

    @Test
    void recordsThatDoNotShrinkAreStoredPlain() throws IOException {
        byte[] random = new byte[100];
        new Random(1).nextBytes(random);
        try (Wal wal = new Wal(dir, Wal.DEFAULT_SEGMENT_SIZE, true)) {
            wal.log(random);
            wal.log(new byte[0]);
        }
        byte[] seg = Files.readAllBytes(dir.resolve("00000000"));
        assertThat(seg[0]).isEqualTo((byte) Wal.FULL);
        assertThat(Arrays.copyOfRange(seg, Wal.HEADER_SIZE, Wal.HEADER_SIZE + 100)).isEqualTo(random);
        assertThat(seg[Wal.HEADER_SIZE + 100]).isEqualTo((byte) Wal.FULL); // the empty record
        try (WalReader r = new WalReader(dir, List.of(0))) {
            assertThat(r.next()).isTrue();
            assertThat(Arrays.copyOf(r.record(), r.recordLength())).isEqualTo(random);
            assertThat(r.next()).isTrue();
            assertThat(r.recordLength()).isZero();
            assertThat(r.next()).isFalse();
        }
    }

    @Test
    void compressedAndPlainSegmentsReplayInOnePassAcrossPages() throws IOException {
        Random rnd = new Random(5);
        List<byte[]> written = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            // Alternate the setting between restarts, as a flag change would.
            try (Wal wal = new Wal(dir, 4 * Wal.PAGE_SIZE, round % 2 == 0)) {
                for (int i = 0; i < 60; i++) {
                    byte[] rec = new byte[rnd.nextInt(3 * Wal.PAGE_SIZE)];
                    for (int k = 0; k < rec.length; k++) {
                        rec[k] = (byte) (k % 97 < 40 ? 'x' : rnd.nextInt(256)); // partly compressible
                    }
                    wal.log(rec);
                    written.add(rec);
                }
            }
        }
        List<byte[]> read = new ArrayList<>();
        try (WalReader r = new WalReader(dir, Wal.segments(dir))) {
            while (r.next()) {
                read.add(Arrays.copyOf(r.record(), r.recordLength()));
            }
            assertThat(r.corruption()).isNull();
        }
        assertThat(read).hasSameSizeAs(written);
        for (int i = 0; i < read.size(); i++) {
            assertThat(read.get(i)).as("record %d", i).isEqualTo(written.get(i));
        }
    }

    @Test
    void aCorruptDecodedLengthIsCorruptionNotAHugeAllocation() throws IOException {
        try (Wal wal = new Wal(dir, Wal.DEFAULT_SEGMENT_SIZE, true)) {
            wal.log(new byte[1000]);
        }
        Path seg = dir.resolve("00000000");
        byte[] b = Files.readAllBytes(seg);
        // Replace the payload with a Snappy header claiming 2 GiB, and fix up length and CRC.
        byte[] bogus = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 0};
        b[1] = 0;
        b[2] = (byte) bogus.length;
        dev.sextant.tsdb.encoding.Crc.writeBE32(b, 3, dev.sextant.tsdb.encoding.Crc.crc32c(bogus, 0, bogus.length));
        System.arraycopy(bogus, 0, b, Wal.HEADER_SIZE, bogus.length);
        Arrays.fill(b, Wal.HEADER_SIZE + bogus.length, b.length, (byte) 0);
        Files.write(seg, b);
        try (WalReader r = new WalReader(dir, List.of(0))) {
            assertThat(r.next()).isFalse();
            assertThat(r.corruption()).isNotNull();
            assertThat(r.corruption().getMessage()).contains("bad snappy data");
        }
    }
}
