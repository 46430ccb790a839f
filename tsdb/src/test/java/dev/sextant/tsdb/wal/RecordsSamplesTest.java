package dev.sextant.tsdb.wal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.encoding.Encbuf;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecordsSamplesTest {
    /**
     * The bulk encoder writes the very bytes of Prometheus's layout spelled out field by field
     * (type, be64 base ref, be64 base time, then per sample varint ref delta, varint time delta,
     * be64 value bits), also when the buffer already holds earlier records and must grow.
     */
    @Test
    void bulkEncodingEqualsFieldByFieldEncoding() {
        Random r = new Random(11);
        for (int round = 0; round < 200; round++) {
            int n = r.nextInt(500);
            long[] refs = new long[n];
            long[] ts = new long[n];
            double[] vs = new double[n];
            for (int i = 0; i < n; i++) {
                refs[i] = round % 4 == 0 ? r.nextLong() : 1 + r.nextInt(1 << (1 + r.nextInt(30)));
                ts[i] = round % 3 == 0 ? r.nextLong() >> r.nextInt(64) : 1_700_000_000_000L + r.nextInt(1 << 20);
                vs[i] = round % 5 == 0 ? Double.longBitsToDouble(r.nextLong()) : r.nextInt(1000) / 100.0;
            }
            int from = n == 0 ? 0 : r.nextInt(n);
            byte[] prefix = new byte[r.nextInt(40)];
            r.nextBytes(prefix);

            Encbuf bulk = new Encbuf(16);
            bulk.putBytes(prefix, 0, prefix.length);
            Records.encodeSamples(bulk, refs, ts, vs, from, n);

            Encbuf want = new Encbuf(16);
            want.putBytes(prefix, 0, prefix.length);
            want.putByte(Records.SAMPLES);
            if (from < n) {
                want.putBE64(refs[from]).putBE64(ts[from]);
                for (int i = from; i < n; i++) {
                    want.putVarint(refs[i] - refs[from]).putVarint(ts[i] - ts[from]).putF64(vs[i]);
                }
            }
            assertThat(bulk.toByteArray()).isEqualTo(want.toByteArray());
        }
    }

    @Test
    void decodingReturnsEverySampleAndTheSkipTableLeavesOutThoseItCovers() {
        Random r = new Random(3);
        for (int round = 0; round < 50; round++) {
            int n = 1 + r.nextInt(3000);
            long[] refs = new long[n];
            long[] ts = new long[n];
            double[] vs = new double[n];
            for (int i = 0; i < n; i++) {
                // Refs and times far from the first (long varints, negative deltas) and raw NaN payloads.
                refs[i] = 1 + (round % 3 == 0 ? r.nextInt(1 << 30) : r.nextInt(200));
                ts[i] = round % 2 == 0 ? r.nextLong() >> r.nextInt(64) : 1_000_000L + i * 15_000L - r.nextInt(100);
                vs[i] = Double.longBitsToDouble(r.nextLong());
            }
            Encbuf enc = new Encbuf();
            Records.encodeSamples(enc, refs, ts, vs, 0, n);
            byte[] rec = enc.toByteArray();

            Records.SampleBatch all = new Records.SampleBatch();
            assertThat(Records.decodeSamples(rec, rec.length, all)).isNull();
            assertThat(all.size).isEqualTo(n);
            for (int i = 0; i < n; i++) {
                assertThat(all.refs[i]).isEqualTo(refs[i]);
                assertThat(all.ts[i]).isEqualTo(ts[i]);
                assertThat(Double.doubleToRawLongBits(all.vs[i])).isEqualTo(Double.doubleToRawLongBits(vs[i]));
            }

            long[] skip = new long[100];
            java.util.Arrays.fill(skip, Long.MIN_VALUE);
            for (int k = 0; k < skip.length; k += 2) {
                skip[k] = 1_000_000L + r.nextInt(3000) * 15_000L;
            }
            Records.SampleBatch kept = new Records.SampleBatch();
            assertThat(Records.decodeSamples(rec, rec.length, kept, skip)).isNull();
            int j = 0;
            long skipped = 0;
            for (int i = 0; i < n; i++) {
                if (refs[i] < skip.length && ts[i] <= skip[(int) refs[i]]) {
                    skipped++;
                    continue;
                }
                assertThat(kept.refs[j]).isEqualTo(refs[i]);
                assertThat(kept.ts[j]).isEqualTo(ts[i]);
                j++;
            }
            assertThat(kept.size).isEqualTo(j);
            assertThat(kept.skipped).isEqualTo(skipped);

            // A record cut anywhere decodes what it holds and reports the rest as an error, never throws.
            int cut = 18 + r.nextInt(rec.length - 18 + 1);
            Records.SampleBatch part = new Records.SampleBatch();
            String err = Records.decodeSamples(rec, cut, part);
            assertThat(part.size).isLessThanOrEqualTo(n);
            if (cut < rec.length && err == null) {
                assertThat(part.size).isLessThan(n);
            }
            for (int i = 0; i < part.size; i++) {
                assertThat(part.ts[i]).isEqualTo(ts[i]);
            }
        }
    }
}
