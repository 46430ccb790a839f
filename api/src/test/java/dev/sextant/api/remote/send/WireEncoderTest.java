package dev.sextant.api.remote.send;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import dev.sextant.api.remote.prompb.Types;
import dev.sextant.api.remote.prompb.v2.WriteV2;
import dev.sextant.tsdb.model.Labels;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/** The hand-written encoders produce what the generated protobuf classes read back. */
class WireEncoderTest {
    private static final double STALE = Double.longBitsToDouble(0x7ff0000000000002L);

    private final Labels la = Labels.of("__name__", "up", "job", "node");
    private final Labels lb = Labels.of("__name__", "temp_\u00b0c", "city", "Z\u00fcrich \uD83C\uDFD4", "job", "node");
    private final Labels[] labels = {la, lb, la};

    private SendSeries[] series(int protocol) {
        SendSeries a = new SendSeries(0, la, 0, protocol);
        SendSeries b = new SendSeries(0, lb, 0, protocol);
        return new SendSeries[] {a, b, a};
    }
    private final long[] ts = {1_700_000_000_000L, -5, 0};
    private final double[] vs = {1, -2.5, STALE};

    @Test
    void version1RoundTrips() throws Exception {
        WireEncoder enc = new WireEncoder(1);
        SendSeries[] series = series(1);
        for (int round = 0; round < 2; round++) { // the second round reuses every buffer
            enc.encode(series, ts, vs, 3);
            byte[] raw = Snappy.uncompress(Arrays.copyOf(enc.compressed(), enc.compressedLength()));
            WriteRequest req = WriteRequest.parseFrom(raw);
            assertThat(req.getTimeseriesCount()).isEqualTo(3);
            for (int i = 0; i < 3; i++) {
                Types.TimeSeries t = req.getTimeseries(i);
                Labels l = labels[i];
                assertThat(t.getLabelsCount()).isEqualTo(l.size());
                for (int j = 0; j < l.size(); j++) {
                    assertThat(t.getLabels(j).getName()).isEqualTo(l.name(j));
                    assertThat(t.getLabels(j).getValue()).isEqualTo(l.value(j));
                }
                assertThat(t.getSamplesCount()).isEqualTo(1);
                assertThat(t.getSamples(0).getTimestamp()).isEqualTo(ts[i]);
                assertThat(Double.doubleToRawLongBits(t.getSamples(0).getValue()))
                        .isEqualTo(Double.doubleToRawLongBits(vs[i]));
            }
        }
    }

    @Test
    void version2RoundTripsThroughTheSymbolTable() throws Exception {
        WireEncoder enc = new WireEncoder(2);
        SendSeries[] series = series(2);
        for (int round = 0; round < 2; round++) {
            enc.encode(series, ts, vs, 3);
            byte[] raw = Snappy.uncompress(Arrays.copyOf(enc.compressed(), enc.compressedLength()));
            WriteV2.Request req = WriteV2.Request.parseFrom(raw);
            assertThat(req.getSymbols(0)).isEmpty();
            assertThat(req.getSymbolsList()).doesNotHaveDuplicates();
            assertThat(req.getTimeseriesCount()).isEqualTo(3);
            for (int i = 0; i < 3; i++) {
                WriteV2.TimeSeries t = req.getTimeseries(i);
                Labels l = labels[i];
                assertThat(t.getLabelsRefsCount()).isEqualTo(2 * l.size());
                for (int j = 0; j < l.size(); j++) {
                    assertThat(req.getSymbols(t.getLabelsRefs(2 * j))).isEqualTo(l.name(j));
                    assertThat(req.getSymbols(t.getLabelsRefs(2 * j + 1))).isEqualTo(l.value(j));
                }
                assertThat(t.getSamples(0).getTimestamp()).isEqualTo(ts[i]);
                assertThat(Double.doubleToRawLongBits(t.getSamples(0).getValue()))
                        .isEqualTo(Double.doubleToRawLongBits(vs[i]));
            }
        }
    }

    @Test
    void seriesTakenStraightFromTheWalEncodeLikeDecodedOnes() {
        dev.sextant.tsdb.encoding.Encbuf buf = new dev.sextant.tsdb.encoding.Encbuf();
        Labels big = Labels.of("__name__", "x".repeat(300), "a", "", "\u00e9t\u00e9", "\uD83D\uDE00");
        dev.sextant.tsdb.wal.Records.encodeSeries(buf, java.util.List.of(
                new dev.sextant.tsdb.wal.Records.RefSeries(5, la), new dev.sextant.tsdb.wal.Records.RefSeries(9, lb),
                new dev.sextant.tsdb.wal.Records.RefSeries(12, big)));
        dev.sextant.tsdb.wal.Records.SeriesCursor c = new dev.sextant.tsdb.wal.Records.SeriesCursor();
        assertThat(c.reset(buf.array(), buf.len())).isNull();
        Labels[] want = {la, lb, big};
        long[] refs = {5, 9, 12};
        for (int i = 0; i < 3; i++) {
            assertThat(c.next()).isTrue();
            assertThat(c.ref()).isEqualTo(refs[i]);
            assertThat(c.labels(new dev.sextant.tsdb.model.LabelsBuilder())).isEqualTo(want[i]);
            long h = SendSeries.rawHash(c.array(), c.labelsStart(), c.labelsEnd());
            SendSeries direct = SendSeries.fromWal(c, h, 0);
            assertThat(direct.v1Labels).as("series %d", i).isEqualTo(new SendSeries(h, want[i], 0, 1).v1Labels);
            assertThat(direct.dropped).isFalse();
        }
        assertThat(c.next()).isFalse();
        assertThat(c.error()).isNull();
        // A cut-off record is reported, not read past its end.
        assertThat(c.reset(buf.array(), buf.len() - 3)).isNull();
        assertThat(c.next()).isTrue();
        assertThat(c.next()).isTrue();
        assertThat(c.next()).isFalse();
        assertThat(c.error()).isNotNull();
    }

    @Test
    void manySymbolsGrowTheTable() throws Exception {
        int n = 3000;
        SendSeries[] s = new SendSeries[n];
        long[] t = new long[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = new SendSeries(0, Labels.of("__name__", "m", "id", "series-" + i), 0, 2);
            t[i] = i;
            v[i] = i;
        }
        WireEncoder enc = new WireEncoder(2);
        enc.encode(s, t, v, n);
        WriteV2.Request req = WriteV2.Request.parseFrom(
                Snappy.uncompress(Arrays.copyOf(enc.compressed(), enc.compressedLength())));
        assertThat(req.getSymbolsCount()).isEqualTo(1 + 3 + n);
        WriteV2.TimeSeries last = req.getTimeseries(n - 1);
        assertThat(req.getSymbols(last.getLabelsRefs(3))).isEqualTo("series-" + (n - 1));
    }
}
