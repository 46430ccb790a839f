package dev.sextant.bench.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import dev.sextant.api.remote.prompb.Types;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class WriteRequestDecoderTest {
    /** Records what the decoder reports as text, to compare with the generated classes. */
    static final class Recorder implements WriteRequestDecoder.Sink {
        final List<String> events = new ArrayList<>();

        @Override
        public void series(byte[] buf, int[] o, int n) {
            StringBuilder sb = new StringBuilder("series");
            for (int l = 0; l < n; l++) {
                sb.append(' ').append(new String(buf, o[4 * l], o[4 * l + 1], StandardCharsets.UTF_8))
                        .append('=').append(new String(buf, o[4 * l + 2], o[4 * l + 3], StandardCharsets.UTF_8));
            }
            events.add(sb.toString());
        }

        @Override
        public void sample(long t, double v) {
            events.add("sample " + t + " " + v);
        }
    }

    static List<String> viaGenerated(WriteRequest req) {
        List<String> out = new ArrayList<>();
        for (Types.TimeSeries ts : req.getTimeseriesList()) {
            StringBuilder sb = new StringBuilder("series");
            for (Types.Label l : ts.getLabelsList()) {
                sb.append(' ').append(l.getName()).append('=').append(l.getValue());
            }
            out.add(sb.toString());
            for (Types.Sample s : ts.getSamplesList()) {
                out.add("sample " + s.getTimestamp() + " " + s.getValue());
            }
        }
        return out;
    }

    @Test
    void handEncodedRequestsRoundTripThroughBothDecoders() throws Exception {
        WriteRequestEncoder enc = new WriteRequestEncoder();
        byte[] a = WriteRequestEncoder.encodeLabels(new String[] {"__name__", "up", "job", "node", "instance", "h:9100"});
        byte[] b = WriteRequestEncoder.encodeLabels(new String[] {"__name__", "x_total", "zone", "ü-é".repeat(50)});
        enc.addSeries(a, 1_700_000_000_000L, 1.0);
        enc.addSeries(b, new long[] {0, 5, 1_700_000_000_123L}, new double[] {0.0, -2.5, Double.NaN}, 0, 3);
        byte[] raw = Arrays.copyOf(enc.buffer(), enc.length());

        Recorder r = new Recorder();
        new WriteRequestDecoder().decode(raw, 0, raw.length, r);
        List<String> expected = viaGenerated(WriteRequest.parseFrom(raw));
        assertThat(expected).hasSize(6);
        assertThat(r.events).isEqualTo(expected);
    }

    @Test
    void decodesWhatTheGeneratedClassesEncodeIncludingSkippedFieldsAndOffsets() throws Exception {
        WriteRequest req = WriteRequest.newBuilder()
                .addTimeseries(Types.TimeSeries.newBuilder()
                        .addLabels(Types.Label.newBuilder().setName("__name__").setValue("m"))
                        .addLabels(Types.Label.newBuilder().setName("a").setValue("b"))
                        .addSamples(Types.Sample.newBuilder().setTimestamp(10).setValue(3))
                        .addExemplars(Types.Exemplar.newBuilder().setValue(1).setTimestamp(9)))
                .addMetadata(dev.sextant.api.remote.prompb.Types.MetricMetadata.newBuilder().setHelp("h"))
                .build();
        byte[] wire = req.toByteArray();
        byte[] padded = new byte[wire.length + 7];
        System.arraycopy(wire, 0, padded, 7, wire.length);
        Recorder r = new Recorder();
        new WriteRequestDecoder().decode(padded, 7, wire.length, r);
        assertThat(r.events).containsExactly("series __name__=m a=b", "sample 10 3.0");
    }

    @Test
    void rejectsLabelsAfterSamples() {
        // Protobuf writes fields in number order, so concatenate two messages to put samples first.
        byte[] samples = Types.TimeSeries.newBuilder()
                .addSamples(Types.Sample.newBuilder().setTimestamp(1).setValue(1)).build().toByteArray();
        byte[] labels = Types.TimeSeries.newBuilder()
                .addLabels(Types.Label.newBuilder().setName("__name__").setValue("m")).build().toByteArray();
        byte[] req = new byte[2 + samples.length + labels.length];
        req[0] = 0x0A; // WriteRequest.timeseries
        req[1] = (byte) (samples.length + labels.length);
        System.arraycopy(samples, 0, req, 2, samples.length);
        System.arraycopy(labels, 0, req, 2 + samples.length, labels.length);
        assertThatThrownBy(() -> new WriteRequestDecoder().decode(req, 0, req.length, new Recorder()))
                .hasMessageContaining("label after samples");
    }
}
