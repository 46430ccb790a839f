package dev.sextant.tsdb.wal;

import dev.sextant.tsdb.encoding.Decbuf;
import dev.sextant.tsdb.encoding.Encbuf;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Encoders and decoders for WAL record bodies: series (type 1), float samples (type 2) and
 * tombstones (type 3). Sample deltas are zig-zag varints against the record's first entry.
 *
 * <p>Thread-safety: stateless static methods; the batches passed in are caller-owned.
 */
public final class Records {
    public static final int SERIES = 1;
    public static final int SAMPLES = 2;
    public static final int TOMBSTONES = 3;
    /** Float samples with start timestamps (Prometheus 3.11+, {@code st-storage}); read only. */
    public static final int SAMPLES_V2 = 11;

    private Records() {}

    /** The record type (first byte), or -1 for an empty record. */
    public static int type(byte[] rec, int len) {
        return len == 0 ? -1 : rec[0] & 0xFF;
    }

    /** A series record entry. */
    public record RefSeries(long ref, Labels labels) {}

    public static void encodeSeries(Encbuf buf, List<RefSeries> series) {
        buf.putByte(SERIES);
        for (RefSeries s : series) {
            buf.putBE64(s.ref());
            putLabels(buf, s.labels());
        }
    }

    /** One entry of a series record (after its type byte): ref and labels. */
    public static void putSeries(Encbuf buf, long ref, Labels l) {
        buf.putBE64(ref);
        putLabels(buf, l);
    }

    static void putLabels(Encbuf buf, Labels l) {
        buf.putUvarint(l.size());
        for (int i = 0; i < l.size(); i++) {
            buf.putUvarintStr(l.name(i));
            buf.putUvarintStr(l.value(i));
        }
    }

    /** Decodes a series record into {@code out}; returns an error message or null. */
    public static String decodeSeries(byte[] rec, int len, List<RefSeries> out) {
        Decbuf d = new Decbuf(rec, 0, len);
        if (d.getByte() != SERIES) {
            return "not a series record";
        }
        LabelsBuilder b = new LabelsBuilder();
        while (d.remaining() > 0 && d.error() == null) {
            long ref = d.getBE64();
            long n = d.getUvarint();
            b.reset();
            for (long i = 0; i < n && d.error() == null; i++) {
                String name = d.getUvarintStr();
                String value = d.getUvarintStr();
                b.set(name, value);
            }
            if (d.error() == null) {
                out.add(new RefSeries(ref, b.build()));
            }
        }
        return d.error();
    }

    /**
     * Walks a series record entry by entry without building {@link Labels}: each entry's ref, the
     * byte range of its encoded labels (for hashing or comparing), and on demand its labels as
     * byte ranges ({@link #nextLabel}) or as {@link Labels}. For readers that mostly meet series
     * they already know (the remote-write sender) or only need refs (checkpoint liveness).
     *
     * <p>Thread-safety: not thread-safe; reusable via {@link #reset}.
     */
    public static final class SeriesCursor {
        private final Decbuf d = new Decbuf();
        private final Decbuf labels = new Decbuf();
        private byte[] rec;
        private String error;
        private long ref;
        private int start;
        private int end;
        private int left;
        private int nameOff;
        private int nameLen;
        private int valueOff;
        private int valueLen;

        /** Starts on a record; returns an error message (not a series record) or null. */
        public String reset(byte[] rec, int len) {
            this.rec = rec;
            d.reset(rec, 0, len);
            error = null;
            if (len == 0 || d.getByte() != SERIES) {
                error = "not a series record";
            }
            return error;
        }

        /** Moves to the next entry; false at the end or on malformed data ({@link #error()}). */
        public boolean next() {
            if (error != null || d.remaining() == 0) {
                return false;
            }
            ref = d.getBE64();
            start = d.position();
            long n = d.getUvarint();
            for (long i = 0; i < n && d.error() == null; i++) {
                for (int k = 0; k < 2; k++) {
                    int l = d.getUvarint32();
                    if (l < 0) {
                        error = "label length " + Integer.toUnsignedString(l) + " exceeds data";
                        return false;
                    }
                    d.skip(l);
                }
            }
            if (d.error() != null) {
                error = d.error();
                return false;
            }
            end = d.position();
            labels.reset(rec, start, end - start);
            left = (int) labels.getUvarint();
            return true;
        }

        public String error() {
            return error;
        }

        public long ref() {
            return ref;
        }

        /** The record's array; the current entry's encoded labels are {@code [labelsStart, labelsEnd)}. */
        public byte[] array() {
            return rec;
        }

        public int labelsStart() {
            return start;
        }

        public int labelsEnd() {
            return end;
        }

        /** Moves to the current entry's next label pair; false after the last. */
        public boolean nextLabel() {
            if (left == 0) {
                return false;
            }
            left--;
            nameLen = labels.getUvarint32();
            nameOff = labels.position();
            labels.skip(nameLen);
            valueLen = labels.getUvarint32();
            valueOff = labels.position();
            labels.skip(valueLen);
            return true;
        }

        public int nameOffset() {
            return nameOff;
        }

        public int nameLength() {
            return nameLen;
        }

        public int valueOffset() {
            return valueOff;
        }

        public int valueLength() {
            return valueLen;
        }

        /** The current entry's labels (decoded anew; does not move the label pairs of {@link #nextLabel}). */
        public Labels labels(LabelsBuilder b) {
            Decbuf x = new Decbuf(rec, start, end - start);
            long n = x.getUvarint();
            b.reset();
            for (long i = 0; i < n; i++) {
                String name = x.getUvarintStr();
                b.set(name, x.getUvarintStr());
            }
            return b.build();
        }
    }

    /** Reusable parallel arrays of samples; no per-sample objects. */
    public static final class SampleBatch {
        public long[] refs = new long[64];
        public long[] ts = new long[64];
        public double[] vs = new double[64];
        public int size;
        /** Samples a filtering decode left out since the last {@link #clear}. */
        public long skipped;

        public void clear() {
            size = 0;
            skipped = 0;
        }

        public void add(long ref, long t, double v) {
            if (size == refs.length) {
                int n = size * 2;
                refs = java.util.Arrays.copyOf(refs, n);
                ts = java.util.Arrays.copyOf(ts, n);
                vs = java.util.Arrays.copyOf(vs, n);
            }
            refs[size] = ref;
            ts[size] = t;
            vs[size] = v;
            size++;
        }
    }

    public static void encodeSamples(Encbuf buf, long[] refs, long[] ts, double[] vs, int from, int to) {
        buf.putByte(SAMPLES);
        if (to <= from) {
            return;
        }
        long baseRef = refs[from];
        long baseT = ts[from];
        // One capacity check for the whole record, then plain stores: the commit path encodes every
        // sample it logs here, and per-field checks through Encbuf were most of this method's time.
        byte[] a = buf.reserve(16 + (to - from) * MAX_SAMPLE_BYTES);
        int p = buf.len();
        BE_LONGS.set(a, p, baseRef);
        BE_LONGS.set(a, p + 8, baseT);
        p += 16;
        for (int i = from; i < to; i++) {
            p = Encbuf.putVarint(a, p, refs[i] - baseRef);
            p = Encbuf.putVarint(a, p, ts[i] - baseT);
            BE_LONGS.set(a, p, Double.doubleToRawLongBits(vs[i]));
            p += 8;
        }
        buf.setLen(p);
    }

    private static final VarHandle BE_LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** Appends the samples of a record to {@code out}; returns an error message or null. */
    public static String decodeSamples(byte[] rec, int len, SampleBatch out) {
        return decodeSamples(rec, len, out, NO_SKIP);
    }

    private static final long[] NO_SKIP = new long[0];
    /** Longest encoding of one sample: two 10-byte varints and the 8-byte value. */
    private static final int MAX_SAMPLE_BYTES = 28;

    /**
     * Like {@link #decodeSamples(byte[], int, SampleBatch)}, but leaves out every sample whose ref
     * {@code r} lies inside {@code skipUpTo} and whose timestamp is at most {@code skipUpTo[r]},
     * counting them in {@code out.skipped} (WAL replay: samples that loaded head chunks hold).
     * The hot loop of start-up: it reads the bytes directly and falls back to the checked decoder
     * only for the record's last few bytes.
     */
    public static String decodeSamples(byte[] rec, int len, SampleBatch out, long[] skipUpTo) {
        if (len < 17 || rec[0] != SAMPLES) {
            return decodeSamplesChecked(rec, len, out);
        }
        long baseRef = readBE64(rec, 1);
        long baseT = readBE64(rec, 9);
        int p = 17;
        int skipLen = skipUpTo.length;
        while (len - p >= MAX_SAMPLE_BYTES) {
            long ux = 0;
            int sh = 0;
            int c;
            while ((c = rec[p++] & 0xFF) >= 0x80) {
                ux |= (long) (c & 0x7F) << sh;
                if ((sh += 7) >= 70) {
                    return "varint overflow";
                }
            }
            ux |= (long) c << sh;
            long ref = baseRef + ((ux >>> 1) ^ -(ux & 1));
            ux = 0;
            sh = 0;
            while ((c = rec[p++] & 0xFF) >= 0x80) {
                ux |= (long) (c & 0x7F) << sh;
                if ((sh += 7) >= 70) {
                    return "varint overflow";
                }
            }
            ux |= (long) c << sh;
            long t = baseT + ((ux >>> 1) ^ -(ux & 1));
            long bits = readBE64(rec, p);
            p += 8;
            if (ref >= 0 && ref < skipLen && t <= skipUpTo[(int) ref]) {
                out.skipped++;
            } else {
                out.add(ref, t, Double.longBitsToDouble(bits));
            }
        }
        if (p == len) {
            return null;
        }
        Decbuf d = new Decbuf(rec, p, len - p);
        return decodeSampleTail(d, baseRef, baseT, out, skipUpTo);
    }

    private static long readBE64(byte[] b, int p) {
        return ((long) (b[p] & 0xFF) << 56) | ((long) (b[p + 1] & 0xFF) << 48) | ((long) (b[p + 2] & 0xFF) << 40)
                | ((long) (b[p + 3] & 0xFF) << 32) | ((long) (b[p + 4] & 0xFF) << 24) | ((b[p + 5] & 0xFF) << 16)
                | ((b[p + 6] & 0xFF) << 8) | (b[p + 7] & 0xFF);
    }

    private static String decodeSampleTail(Decbuf d, long baseRef, long baseT, SampleBatch out, long[] skipUpTo) {
        while (d.remaining() > 0 && d.error() == null) {
            long ref = baseRef + d.getVarint();
            long t = baseT + d.getVarint();
            long bits = d.getBE64();
            if (d.error() == null) {
                if (ref >= 0 && ref < skipUpTo.length && t <= skipUpTo[(int) ref]) {
                    out.skipped++;
                } else {
                    out.add(ref, t, Double.longBitsToDouble(bits));
                }
            }
        }
        return d.error();
    }

    private static String decodeSamplesChecked(byte[] rec, int len, SampleBatch out) {
        Decbuf d = new Decbuf(rec, 0, len);
        if (d.getByte() != SAMPLES) {
            return "not a samples record";
        }
        if (d.remaining() == 0) {
            return null;
        }
        long baseRef = d.getBE64();
        long baseT = d.getBE64();
        while (d.remaining() > 0 && d.error() == null) {
            long dRef = d.getVarint();
            long dT = d.getVarint();
            long bits = d.getBE64();
            if (d.error() == null) {
                out.add(baseRef + dRef, baseT + dT, Double.longBitsToDouble(bits));
            }
        }
        return d.error();
    }

    /**
     * Decodes a type-11 samples record (start timestamps are dropped: Sextant does not store them).
     * Layout: first sample {@code varint} ref, {@code varint} t, {@code varint} st, f64 v; each later
     * sample {@code varint} (ref - previous ref), {@code varint} (t - first t), ST marker byte (0 none,
     * 1 same as previous, 2 followed by {@code varint} (st - first st)), f64 v.
     */
    public static String decodeSamplesV2(byte[] rec, int len, SampleBatch out) {
        Decbuf d = new Decbuf(rec, 0, len);
        if (d.getByte() != SAMPLES_V2) {
            return "not a samples V2 record";
        }
        if (d.remaining() == 0) {
            return null;
        }
        long ref = d.getVarint();
        long firstT = d.getVarint();
        d.getVarint();
        long bits = d.getBE64();
        if (d.error() == null) {
            out.add(ref, firstT, Double.longBitsToDouble(bits));
        }
        while (d.remaining() > 0 && d.error() == null) {
            ref += d.getVarint();
            long t = firstT + d.getVarint();
            int marker = d.getByte();
            if (marker == 2) {
                d.getVarint();
            } else if (marker > 2) {
                return "bad start-timestamp marker " + marker;
            }
            bits = d.getBE64();
            if (d.error() == null) {
                out.add(ref, t, Double.longBitsToDouble(bits));
            }
        }
        return d.error();
    }

    /** Deletion intervals of a tombstones record, as parallel arrays. */
    public static final class TombstoneBatch {
        public long[] refs = new long[16];
        public long[] mints = new long[16];
        public long[] maxts = new long[16];
        public int size;

        public void add(long ref, long mint, long maxt) {
            if (size == refs.length) {
                int n = size * 2;
                refs = java.util.Arrays.copyOf(refs, n);
                mints = java.util.Arrays.copyOf(mints, n);
                maxts = java.util.Arrays.copyOf(maxts, n);
            }
            refs[size] = ref;
            mints[size] = mint;
            maxts[size] = maxt;
            size++;
        }
    }

    public static void encodeTombstones(Encbuf buf, TombstoneBatch stones) {
        buf.putByte(TOMBSTONES);
        for (int i = 0; i < stones.size; i++) {
            buf.putBE64(stones.refs[i]);
            buf.putVarint(stones.mints[i]);
            buf.putVarint(stones.maxts[i]);
        }
    }

    public static String decodeTombstones(byte[] rec, int len, TombstoneBatch out) {
        Decbuf d = new Decbuf(rec, 0, len);
        if (d.getByte() != TOMBSTONES) {
            return "not a tombstones record";
        }
        while (d.remaining() > 0 && d.error() == null) {
            long ref = d.getBE64();
            long mint = d.getVarint();
            long maxt = d.getVarint();
            if (d.error() == null) {
                out.add(ref, mint, maxt);
            }
        }
        return d.error();
    }
}
