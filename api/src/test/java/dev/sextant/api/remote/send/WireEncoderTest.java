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

    private final SendSeries a = new SendSeries(Labels.EMPTY, Labels.of("__name__", "up", "job", "node"), 0);
    private final SendSeries b = new SendSeries(Labels.EMPTY,
            Labels.of("__name__", "temp_\u00b0c", "city", "Z\u00fcrich \uD83C\uDFD4", "job", "node"), 0);
    private final SendSeries[] series = {a, b, a};
    private final long[] ts = {1_700_000_000_000L, -5, 0};
    private final double[] vs = {1, -2.5, STALE};

    @Test
    void version1RoundTrips() throws Exception {
        WireEncoder enc = new WireEncoder(1);
        for (int round = 0; round < 2; round++) { // the second round reuses every buffer
            enc.encode(series, ts, vs, 3);
            byte[] raw = Snappy.uncompress(Arrays.copyOf(enc.compressed(), enc.compressedLength()));
            WriteRequest req = WriteRequest.parseFrom(raw);
            assertThat(req.getTimeseriesCount()).isEqualTo(3);
            for (int i = 0; i < 3; i++) {
                Types.TimeSeries t = req.getTimeseries(i);
                Labels l = series[i].labels;
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
        for (int round = 0; round < 2; round++) {
            enc.encode(series, ts, vs, 3);
            byte[] raw = Snappy.uncompress(Arrays.copyOf(enc.compressed(), enc.compressedLength()));
            WriteV2.Request req = WriteV2.Request.parseFrom(raw);
            assertThat(req.getSymbols(0)).isEmpty();
            assertThat(req.getSymbolsList()).doesNotHaveDuplicates();
            assertThat(req.getTimeseriesCount()).isEqualTo(3);
            for (int i = 0; i < 3; i++) {
                WriteV2.TimeSeries t = req.getTimeseries(i);
                Labels l = series[i].labels;
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
    void manySymbolsGrowTheTable() throws Exception {
        int n = 3000;
        SendSeries[] s = new SendSeries[n];
        long[] t = new long[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = new SendSeries(Labels.EMPTY, Labels.of("__name__", "m", "id", "series-" + i), 0);
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
