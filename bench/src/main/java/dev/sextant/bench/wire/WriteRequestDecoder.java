package dev.sextant.bench.wire;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;

/**
 * A benchmark candidate for the remote-write receiver: walks a decompressed remote-write 1.0
 * {@code WriteRequest} with {@link CodedInputStream} and reports label byte ranges and samples to
 * a {@link Sink}, without building message objects and without allocating per sample (the stream
 * itself is allocated once per request; {@link #decode} reuses a label-offset scratch array).
 *
 * <p>Labels are handed over as offsets into the request buffer, so a receiver can look a series
 * up by its raw label bytes and only decode strings for series it has not seen. The decoder
 * expects each TimeSeries' labels before its samples (what Prometheus, vmagent and the Grafana
 * agent send); a label after a sample is reported as an error. Exemplars (field 3) and native
 * histograms (field 4) are skipped; the request's metadata (field 3) too.
 *
 * <p>Thread-safety: not thread-safe; one decoder per thread.
 */
public final class WriteRequestDecoder {
    /** Receives one request's content in wire order. Offsets point into the decoded buffer. */
    public interface Sink {
        /**
         * Called once per series before its samples. {@code labelOffsets} holds, for each of the
         * {@code labelCount} labels, name offset, name length, value offset, value length.
         */
        void series(byte[] buf, int[] labelOffsets, int labelCount);

        void sample(long timestampMs, double value);
    }

    private int[] offsets = new int[4 * 16];

    /** Decodes {@code buf[off, off+len)}. */
    public void decode(byte[] buf, int off, int len, Sink sink) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(buf, off, len);
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return;
            }
            if (tag == ((1 << 3) | 2)) { // TimeSeries
                int limit = in.pushLimit(in.readRawVarint32());
                readSeries(in, buf, off, sink);
                in.popLimit(limit);
            } else if (!in.skipField(tag)) {
                return;
            }
        }
    }

    private void readSeries(CodedInputStream in, byte[] buf, int base, Sink sink) throws IOException {
        int labels = 0;
        boolean announced = false;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                break;
            }
            switch (tag) {
                case (1 << 3) | 2 -> { // Label
                    if (announced) {
                        throw new InvalidProtocolBufferException("label after samples in a TimeSeries");
                    }
                    if (4 * labels + 4 > offsets.length) {
                        offsets = java.util.Arrays.copyOf(offsets, offsets.length * 2);
                    }
                    int limit = in.pushLimit(in.readRawVarint32());
                    readLabel(in, base, 4 * labels);
                    in.popLimit(limit);
                    labels++;
                }
                case (2 << 3) | 2 -> { // Sample
                    if (!announced) {
                        sink.series(buf, offsets, labels);
                        announced = true;
                    }
                    int limit = in.pushLimit(in.readRawVarint32());
                    double v = 0;
                    long t = 0;
                    while (true) {
                        int st = in.readTag();
                        if (st == 0) {
                            break;
                        } else if (st == ((1 << 3) | 1)) {
                            v = in.readDouble();
                        } else if (st == (2 << 3)) {
                            t = in.readInt64();
                        } else if (!in.skipField(st)) {
                            break;
                        }
                    }
                    in.popLimit(limit);
                    sink.sample(t, v);
                }
                default -> in.skipField(tag);
            }
        }
        if (!announced) {
            sink.series(buf, offsets, labels);
        }
    }

    private void readLabel(CodedInputStream in, int base, int at) throws IOException {
        offsets[at] = 0;
        offsets[at + 1] = 0;
        offsets[at + 2] = 0;
        offsets[at + 3] = 0;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return;
            }
            if (tag == ((1 << 3) | 2) || tag == ((2 << 3) | 2)) {
                int n = in.readRawVarint32();
                int slot = tag == ((1 << 3) | 2) ? at : at + 2;
                offsets[slot] = base + in.getTotalBytesRead();
                offsets[slot + 1] = n;
                in.skipRawBytes(n);
            } else if (!in.skipField(tag)) {
                return;
            }
        }
    }
}
