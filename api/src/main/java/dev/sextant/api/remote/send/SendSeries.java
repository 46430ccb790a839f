package dev.sextant.api.remote.send;

import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.wal.Records;
import java.nio.charset.StandardCharsets;

/**
 * A series as a queue sends it: labels after external labels and {@code write_relabel_configs},
 * with the 1.0 protobuf encoding of its labels computed once, so each sample only copies bytes.
 *
 * <p>Thread-safety: immutable after construction except {@link #lastSegment}, which only the WAL
 * watcher thread touches.
 */
final class SendSeries {
    /**
     * 64-bit hash of the labels as the WAL encodes them (before external labels and relabeling),
     * to recognise a series record that repeats a known ref without decoding it.
     */
    final long rawHash;
    /** Labels as sent; null for a series encoded straight from its WAL bytes (see {@link #fromWal}). */
    final Labels labels;
    /** Repeated {@code Label} fields (field 1 of {@code TimeSeries}), ready to copy; null for protocol 2. */
    final byte[] v1Labels;
    /** Label names and values in order, for the 2.0 symbol table; null for protocol 1. */
    final String[] strings;
    final int hash;
    /** WAL segment of the newest series record for this ref (for garbage collection at checkpoints). */
    int lastSegment;
    /** True when external labels plus {@code write_relabel_configs} dropped the series: its samples are not sent. */
    final boolean dropped;

    /** 64-bit FNV-1a over {@code [from, to)} of {@code b}. */
    static long rawHash(byte[] b, int from, int to) {
        long h = 0xcbf29ce484222325L;
        for (int i = from; i < to; i++) {
            h = (h ^ (b[i] & 0xFF)) * 0x100000001b3L;
        }
        return h;
    }

    /** A placeholder for a series that relabeling dropped. */
    static SendSeries dropped(long rawHash, int segment) {
        return new SendSeries(rawHash, segment);
    }

    private SendSeries(long rawHash, int segment) {
        this.rawHash = rawHash;
        labels = null;
        v1Labels = null;
        strings = null;
        hash = 0;
        lastSegment = segment;
        dropped = true;
    }

    /**
     * A protocol 1.0 series sent exactly as the WAL holds it (no external labels to add, no write
     * relabeling): its label bytes are re-framed as protobuf without building Strings or Labels.
     * The WAL writes labels sorted and as UTF-8, like the wire format wants them.
     */
    static SendSeries fromWal(Records.SeriesCursor c, long rawHash, int segment) {
        byte[] b = c.array();
        ProtoWriter w = new ProtoWriter(Math.max(16, 2 * (c.labelsEnd() - c.labelsStart())));
        while (c.nextLabel()) {
            int n = c.nameLength();
            int v = c.valueLength();
            int inner = 1 + ProtoWriter.varintSize(n) + n + 1 + ProtoWriter.varintSize(v) + v;
            w.tag(1, ProtoWriter.LEN);
            w.varint(inner);
            w.tag(1, ProtoWriter.LEN);
            w.varint(n);
            w.bytes(b, c.nameOffset(), n);
            w.tag(2, ProtoWriter.LEN);
            w.varint(v);
            w.bytes(b, c.valueOffset(), v);
        }
        return new SendSeries(rawHash, java.util.Arrays.copyOf(w.array(), w.length()), segment);
    }

    private SendSeries(long rawHash, byte[] v1Labels, int segment) {
        this.rawHash = rawHash;
        this.labels = null;
        this.v1Labels = v1Labels;
        this.strings = null;
        this.hash = (int) (rawHash ^ (rawHash >>> 32));
        this.lastSegment = segment;
        this.dropped = false;
    }

    SendSeries(long rawHash, Labels labels, int segment, int protocol) {
        this.rawHash = rawHash;
        this.labels = labels;
        this.hash = labels.hashCode();
        this.lastSegment = segment;
        this.dropped = false;
        if (protocol == 2) {
            strings = new String[labels.size() * 2];
            for (int i = 0; i < labels.size(); i++) {
                strings[2 * i] = labels.name(i);
                strings[2 * i + 1] = labels.value(i);
            }
            v1Labels = null;
            return;
        }
        strings = null;
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
