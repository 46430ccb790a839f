package dev.sextant.api.remote.send;

import dev.sextant.tsdb.model.Labels;
import java.nio.charset.StandardCharsets;

/**
 * A series as a queue sends it: labels after external labels and {@code write_relabel_configs},
 * with the 1.0 protobuf encoding of its labels computed once, so each sample only copies bytes.
 *
 * <p>Thread-safety: immutable after construction except {@link #lastSegment}, which only the WAL
 * watcher thread touches.
 */
final class SendSeries {
    /** The labels as the WAL holds them (before external labels and relabeling). */
    final Labels raw;
    final Labels labels;
    /** Repeated {@code Label} fields (field 1 of {@code TimeSeries}), ready to copy. */
    final byte[] v1Labels;
    /** Label names and values in order, as UTF-8-free Java strings for the 2.0 symbol table. */
    final String[] strings;
    final int hash;
    /** WAL segment of the newest series record for this ref (for garbage collection at checkpoints). */
    int lastSegment;
    /** True when external labels plus {@code write_relabel_configs} dropped the series: its samples are not sent. */
    final boolean dropped;

    /** A placeholder for a series that relabeling dropped. */
    static SendSeries dropped(Labels raw, int segment) {
        return new SendSeries(raw, segment);
    }

    private SendSeries(Labels raw, int segment) {
        this.raw = raw;
        labels = null;
        v1Labels = null;
        strings = null;
        hash = 0;
        lastSegment = segment;
        dropped = true;
    }

    SendSeries(Labels raw, Labels labels, int segment) {
        this.raw = raw;
        this.labels = labels;
        this.hash = labels.hashCode();
        this.lastSegment = segment;
        this.dropped = false;
        strings = new String[labels.size() * 2];
        for (int i = 0; i < labels.size(); i++) {
            strings[2 * i] = labels.name(i);
            strings[2 * i + 1] = labels.value(i);
        }
        ProtoWriter w = new ProtoWriter(64);
        for (int i = 0; i < labels.size(); i++) {
            byte[] n = labels.name(i).getBytes(StandardCharsets.UTF_8);
            byte[] v = labels.value(i).getBytes(StandardCharsets.UTF_8);
            int inner = 1 + ProtoWriter.varintSize(n.length) + n.length + 1 + ProtoWriter.varintSize(v.length) + v.length;
            w.tag(1, ProtoWriter.LEN);
            w.varint(inner);
            w.tag(1, ProtoWriter.LEN);
            w.varint(n.length);
            w.bytes(n, 0, n.length);
            w.tag(2, ProtoWriter.LEN);
            w.varint(v.length);
            w.bytes(v, 0, v.length);
        }
        v1Labels = java.util.Arrays.copyOf(w.array(), w.length());
    }
}
