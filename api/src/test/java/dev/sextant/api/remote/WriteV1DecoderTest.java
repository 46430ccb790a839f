package dev.sextant.api.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import dev.sextant.api.remote.prompb.Types;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The receiver's wire decoder against protobuf-java's generated classes: same series, labels and
 * samples for every request the generated parser accepts, rejection (an IOException, never another
 * exception) for truncated and mutated bodies, and bounded handling of hostile nesting.
 */
class WriteV1DecoderTest {
    private static final String[] NAMES = {"__name__", "job", "instance", "le", "a", "é", "pod", "zone"};
    private static final String[] VALUES = {"up", "node", "10.0.0.1:9100", "0.5", "", "ünïcode", "x", "日本", "+Inf"};

    static WriteRequest randomRequest(Random rnd) {
        WriteRequest.Builder req = WriteRequest.newBuilder();
        int series = rnd.nextInt(6);
        for (int s = 0; s < series; s++) {
            Types.TimeSeries.Builder ts = Types.TimeSeries.newBuilder();
            int labels = rnd.nextInt(6);
            for (int l = 0; l < labels; l++) {
                ts.addLabels(Types.Label.newBuilder().setName(NAMES[rnd.nextInt(NAMES.length)])
                        .setValue(VALUES[rnd.nextInt(VALUES.length)]));
            }
            int samples = rnd.nextInt(4);
            for (int k = 0; k < samples; k++) {
                double v = switch (rnd.nextInt(4)) {
                    case 0 -> Double.NaN;
                    case 1 -> rnd.nextGaussian() * 1e6;
                    case 2 -> 0;
                    default -> rnd.nextInt(100);
                };
                ts.addSamples(Types.Sample.newBuilder().setTimestamp(rnd.nextLong() >> rnd.nextInt(64)).setValue(v));
            }
            if (rnd.nextInt(4) == 0) {
                ts.addExemplars(Types.Exemplar.newBuilder().setTimestamp(5).setValue(1)
                        .addLabels(Types.Label.newBuilder().setName("trace_id").setValue("abc")));
            }
            req.addTimeseries(ts);
        }
        return req.build();
    }

    /** Asserts the decoder's columns hold exactly what the generated classes parsed. */
    static void assertSame(WriteV1Decoder d, WriteRequest req) {
        assertThat(d.seriesCount).isEqualTo(req.getTimeseriesCount());
        for (int i = 0; i < d.seriesCount; i++) {
            Types.TimeSeries ts = req.getTimeseries(i);
            int firstLabel = d.series[4 * i];
            assertThat(d.series[4 * i + 1]).isEqualTo(ts.getLabelsCount());
            for (int l = 0; l < ts.getLabelsCount(); l++) {
                int k = 4 * (firstLabel + l);
                assertThat(new String(d.buf, d.labels[k], d.labels[k + 1], StandardCharsets.UTF_8))
                        .isEqualTo(ts.getLabels(l).getName());
                assertThat(new String(d.buf, d.labels[k + 2], d.labels[k + 3], StandardCharsets.UTF_8))
                        .isEqualTo(ts.getLabels(l).getValue());
            }
            int firstSample = d.series[4 * i + 2];
            assertThat(d.series[4 * i + 3]).isEqualTo(ts.getSamplesCount());
            for (int s = 0; s < ts.getSamplesCount(); s++) {
                assertThat(d.ts[firstSample + s]).isEqualTo(ts.getSamples(s).getTimestamp());
                assertThat(Double.doubleToRawLongBits(d.vs[firstSample + s]))
                        .isEqualTo(Double.doubleToRawLongBits(ts.getSamples(s).getValue()));
            }
        }
    }

    @Test
    void decodesWhatGeneratedClassesDecode() throws IOException {
        Random rnd = new Random(42);
        WriteV1Decoder d = new WriteV1Decoder();
        for (int iter = 0; iter < 2000; iter++) {
            WriteRequest req = randomRequest(rnd);
            byte[] wire = req.toByteArray();
            // At an offset inside a larger buffer, as the receiver's reused buffer holds it.
            byte[] padded = new byte[wire.length + 10];
            System.arraycopy(wire, 0, padded, 3, wire.length);
            d.decode(padded, 3, wire.length);
            assertSame(d, req);
        }
    }

    @Test
    void everyTruncationIsRejectedOrDecodedLikeTheGeneratedParser() throws IOException {
        Random rnd = new Random(7);
        for (int iter = 0; iter < 200; iter++) {
            byte[] wire = randomRequest(rnd).toByteArray();
            for (int cut = 0; cut < wire.length; cut++) {
                byte[] prefix = Arrays.copyOf(wire, cut);
                compareWithGenerated(prefix);
            }
        }
    }

    @Test
    void mutatedBodiesNeverThrowAnythingButIoException() throws IOException {
        Random rnd = new Random(11);
        for (int iter = 0; iter < 5000; iter++) {
            byte[] wire = randomRequest(rnd).toByteArray();
            if (wire.length == 0) {
                continue;
            }
            int flips = 1 + rnd.nextInt(3);
            for (int f = 0; f < flips; f++) {
                wire[rnd.nextInt(wire.length)] = (byte) rnd.nextInt(256);
            }
            compareWithGenerated(wire);
        }
    }

    /**
     * Whatever we accept, the generated parser accepts with the same content (except invalid UTF-8
     * in parts we skip).
     */
    private static void compareWithGenerated(byte[] body) {
        WriteV1Decoder d = new WriteV1Decoder();
        boolean ours;
        try {
            d.decode(body, 0, body.length);
            ours = true;
        } catch (IOException e) {
            assertThat(e.getMessage()).startsWith(WriteV1Decoder.ERR);
            ours = false;
        }
        if (ours) {
            WriteRequest req;
            try {
                req = WriteRequest.parseFrom(body);
            } catch (InvalidProtocolBufferException e) {
                // The one allowed difference: the parts we skip (exemplars, histograms, metadata)
                // are only bounds-checked, not parsed. Everything else must parse.
                try {
                    parseOutsideSkippedParts(body);
                } catch (InvalidProtocolBufferException inner) {
                    throw new AssertionError("we accepted what protobuf-java rejects: " + inner.getMessage()
                            + " body " + java.util.HexFormat.of().formatHex(body), inner);
                }
                return;
            }
            assertSame(d, req);
        }
    }

    /** Parses series, labels and samples with the generated classes, leaving fields we skip as raw bytes. */
    private static void parseOutsideSkippedParts(byte[] body) throws InvalidProtocolBufferException {
        UnknownFieldSet req = UnknownFieldSet.parseFrom(body);
        UnknownFieldSet.Field series = req.getField(1);
        for (com.google.protobuf.ByteString ts : series.getLengthDelimitedList()) {
            UnknownFieldSet t = UnknownFieldSet.parseFrom(ts);
            for (com.google.protobuf.ByteString l : t.getField(1).getLengthDelimitedList()) {
                Types.Label.parseFrom(l);
            }
            for (com.google.protobuf.ByteString smp : t.getField(2).getLengthDelimitedList()) {
                Types.Sample.parseFrom(smp);
            }
        }
    }

    @Test
    void knownFieldsWithTheWrongWireTypeAreRejected() {
        // Field 1 (timeseries, length-delimited) sent as a varint.
        byte[] wrong = {0x08, (byte) 0x96, 0x01};
        assertThatThrownBy(() -> new WriteV1Decoder().decode(wrong, 0, wrong.length))
                .isInstanceOf(IOException.class).hasMessage(WriteV1Decoder.ERR + "wrong wire type for field 1 of WriteRequest");
        // Reserved field 2.
        byte[] reserved = {0x11, 1, 2, 3, 4, 5, 6, 7, 8};
        assertThatThrownBy(() -> new WriteV1Decoder().decode(reserved, 0, reserved.length))
                .hasMessageContaining("field 2 of WriteRequest");
        // A sample whose timestamp is a fixed64.
        byte[] sample = {0x0a, 0x0b, 0x12, 0x09, 0x11, 1, 2, 3, 4, 5, 6, 7, 8};
        assertThatThrownBy(() -> new WriteV1Decoder().decode(sample, 0, sample.length))
                .hasMessageContaining("field 2 of Sample");
    }

    @Test
    void invalidUtf8InALabelIsRejected() {
        byte[] body = WriteRequest.newBuilder().addTimeseries(Types.TimeSeries.newBuilder()
                .addLabels(Types.Label.newBuilder().setName("__name__").setValue("xy"))).build().toByteArray();
        body[body.length - 1] = (byte) 0xC0;
        assertThatThrownBy(() -> new WriteV1Decoder().decode(body, 0, body.length))
                .hasMessageContaining("invalid UTF-8");
        assertThatThrownBy(() -> WriteRequest.parseFrom(body)).isInstanceOf(InvalidProtocolBufferException.class);
    }

    /**
     * The UTF-8 check reads ASCII eight bytes at a time: a bad byte at every position of a long
     * value (before, on and after word boundaries, and in the byte-wise tail) is still found, and
     * the same values with a valid multi-byte character there are accepted.
     */
    @Test
    void utf8CheckFindsABadByteAtEveryPosition() throws IOException {
        for (int l = 1; l <= 40; l++) {
            final int len = l;
            for (int at = 0; at < len; at++) {
                byte[] value = new byte[len];
                Arrays.fill(value, (byte) 'a');
                value[at] = (byte) 0xFF;
                assertThatThrownBy(() -> WriteV1Decoder.checkUtf8(value, 0, value.length))
                        .as("len %d, bad byte at %d", len, at).hasMessageContaining("invalid UTF-8");
                // Offset inside a larger buffer, so word reads start unaligned.
                byte[] shifted = new byte[len + 5];
                System.arraycopy(value, 0, shifted, 3, len);
                assertThatThrownBy(() -> WriteV1Decoder.checkUtf8(shifted, 3, len))
                        .as("shifted, len %d, bad byte at %d", len, at).hasMessageContaining("invalid UTF-8");
                if (at + 2 <= len) {
                    value[at] = (byte) 0xC3; // é, two bytes
                    value[at + 1] = (byte) 0xA9;
                    WriteV1Decoder.checkUtf8(value, 0, value.length);
                }
            }
        }
        // A bad byte just past the checked range does not count.
        byte[] tail = "abcdefghij\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        WriteV1Decoder.checkUtf8(tail, 0, 10);
        assertThatThrownBy(() -> WriteV1Decoder.checkUtf8(tail, 0, 11)).hasMessageContaining("invalid UTF-8");
    }

    @Test
    void deeplyNestedGroupsAreRejectedWithoutRecursion() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 100_000; i++) {
            out.write((9 << 3) | 3); // start group, field 9
        }
        byte[] body = out.toByteArray();
        assertThatThrownBy(() -> new WriteV1Decoder().decode(body, 0, body.length))
                .isInstanceOf(IOException.class).hasMessageContaining("nested too deeply");
    }

    @Test
    void balancedUnknownGroupsAreSkipped() throws IOException {
        byte[] series = WriteRequest.newBuilder().addTimeseries(Types.TimeSeries.newBuilder()
                .addLabels(Types.Label.newBuilder().setName("__name__").setValue("g"))
                .addSamples(Types.Sample.newBuilder().setTimestamp(1).setValue(2))).build().toByteArray();
        byte[] group = {(9 << 3) | 3, (10 << 3) | 0, 5, (9 << 3) | 4};
        byte[] body = new byte[group.length + series.length];
        System.arraycopy(group, 0, body, 0, group.length);
        System.arraycopy(series, 0, body, group.length, series.length);
        WriteV1Decoder d = new WriteV1Decoder();
        d.decode(body, 0, body.length);
        assertSame(d, WriteRequest.parseFrom(body));
    }

    @Test
    void columnsGrowForLargeRequestsAndAreTrimmedAfterwards() throws IOException {
        WriteRequest.Builder req = WriteRequest.newBuilder();
        Types.TimeSeries.Builder ts = Types.TimeSeries.newBuilder()
                .addLabels(Types.Label.newBuilder().setName("__name__").setValue("wide"));
        for (int i = 0; i < 100_000; i++) {
            ts.addSamples(Types.Sample.newBuilder().setTimestamp(i).setValue(i));
        }
        req.addTimeseries(ts);
        WriteV1Decoder d = new WriteV1Decoder();
        byte[] body = req.build().toByteArray();
        d.decode(body, 0, body.length);
        assertSame(d, req.build());
        d.trim();
        assertThat(d.ts.length).isLessThan(100_000);
    }
}
