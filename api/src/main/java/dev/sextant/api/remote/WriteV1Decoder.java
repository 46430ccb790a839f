package dev.sextant.api.remote;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Decodes a (decompressed) remote-write 1.0 {@code WriteRequest} straight from its protobuf wire
 * bytes into reusable columns: per series the range of its labels and of its samples; per label the
 * offsets and lengths of its name and value bytes in the request buffer; per sample its timestamp
 * and value. Nothing is allocated per series, label or sample once the columns have grown to the
 * request's size, and no label string is built: the receiver resolves series by their raw bytes.
 *
 * <p>The whole request is decoded (and checked) before anything is appended, so a malformed
 * request is rejected as a whole, as with generated classes. Checks: every length and varint stays
 * inside its message, known fields have their declared wire type (as Prometheus's decoder
 * demands), label names and values are valid UTF-8 (proto3 strings), wire types 6 and 7 are
 * invalid, groups nest at most {@value #MAX_GROUP_DEPTH} deep. Unknown fields, exemplars (field 3
 * of TimeSeries), native histograms (field 4) and metadata (field 3 of WriteRequest) are skipped
 * after their bounds are checked. Repeated scalar fields: the last one wins, like protobuf.
 *
 * <p>Errors are {@link IOException}s whose message starts with {@code proto: cannot decode
 * WriteRequest: }.
 *
 * <p>Public for the JMH suite ({@code RemoteWriteDecodeBench.receiverDecode}); the receiver uses it
 * through {@link RemoteWriteHandler}.
 *
 * <p>Thread-safety: not thread-safe; one decoder per thread, reused across requests.
 */
public final class WriteV1Decoder {
    static final String ERR = "proto: cannot decode WriteRequest: ";
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    static final int MAX_GROUP_DEPTH = 100;
    /** Columns that grew beyond this many entries are dropped after the request ({@link #trim}). */
    private static final int KEEP_ENTRIES = 1 << 16;

    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LEN = 2;
    private static final int START_GROUP = 3;
    private static final int END_GROUP = 4;
    private static final int FIXED32 = 5;

    byte[] buf;
    int seriesCount;
    /** Per series: first label index, label count, first sample index, sample count. */
    int[] series = new int[4 * 256];
    /** Per label: name offset, name length, value offset, value length (into {@link #buf}). */
    int[] labels = new int[4 * 2048];
    int labelCount;
    long[] ts = new long[2048];
    double[] vs = new double[2048];
    int sampleCount;

    private int pos;
    private int[] groupStack = new int[8];

    public WriteV1Decoder() {}

    /** Series in the last decoded request. */
    public int seriesCount() {
        return seriesCount;
    }

    /** Samples in the last decoded request. */
    public int sampleCount() {
        return sampleCount;
    }

    /** The receiver's cache key of series {@code i} of the last decoded request ({@link SeriesRefCache#hash}). */
    public long seriesHash(int i) {
        return SeriesRefCache.hash(buf, labels, series[4 * i], series[4 * i + 1]);
    }

    /** Decodes {@code buf[off, off + len)}; on error the columns are undefined. */
    public void decode(byte[] b, int off, int len) throws IOException {
        buf = b;
        seriesCount = 0;
        labelCount = 0;
        sampleCount = 0;
        pos = off;
        int end = off + len;
        while (pos < end) {
            int tag = readTag(end);
            int field = tag >>> 3;
            int wt = tag & 7;
            if (field == 1 || field == 3) {
                if (wt != LEN) {
                    throw wrongType(field, "WriteRequest");
                }
                int l = readLength(end);
                if (field == 1) {
                    readSeries(pos + l);
                } else {
                    pos += l; // metadata
                }
            } else if (field == 2) {
                throw wrongType(field, "WriteRequest"); // reserved in remote.proto
            } else {
                skip(tag, end);
            }
        }
        if (pos != end) {
            throw new IOException(ERR + "truncated message");
        }
    }

    /** Drops columns grown by an unusually large request, so one request does not pin memory. */
    void trim() {
        buf = null;
        if (series.length > 4 * KEEP_ENTRIES) {
            series = new int[4 * 256];
        }
        if (labels.length > 4 * KEEP_ENTRIES) {
            labels = new int[4 * 2048];
        }
        if (ts.length > KEEP_ENTRIES) {
            ts = new long[2048];
            vs = new double[2048];
        }
    }

    private void readSeries(int end) throws IOException {
        if (4 * seriesCount + 4 > series.length) {
            series = Arrays.copyOf(series, series.length * 2);
        }
        int firstLabel = labelCount;
        int firstSample = sampleCount;
        while (pos < end) {
            int tag = readTag(end);
            int field = tag >>> 3;
            int wt = tag & 7;
            if (field >= 1 && field <= 4) {
                if (wt != LEN) {
                    throw wrongType(field, "TimeSeries");
                }
                int l = readLength(end);
                if (field == 1) {
                    readLabel(pos + l);
                } else if (field == 2) {
                    readSample(pos + l);
                } else {
                    pos += l; // exemplars, histograms
                }
            } else {
                skip(tag, end);
            }
        }
        int i = 4 * seriesCount++;
        series[i] = firstLabel;
        series[i + 1] = labelCount - firstLabel;
        series[i + 2] = firstSample;
        series[i + 3] = sampleCount - firstSample;
    }

    private void readLabel(int end) throws IOException {
        if (4 * labelCount + 4 > labels.length) {
            labels = Arrays.copyOf(labels, labels.length * 2);
        }
        int i = 4 * labelCount;
        labels[i] = pos;
        labels[i + 1] = 0;
        labels[i + 2] = pos;
        labels[i + 3] = 0;
        while (pos < end) {
            int tag = readTag(end);
            int field = tag >>> 3;
            if (field == 1 || field == 2) {
                if ((tag & 7) != LEN) {
                    throw wrongType(field, "Label");
                }
                int l = readLength(end);
                checkUtf8(buf, pos, l);
                int slot = field == 1 ? i : i + 2;
                labels[slot] = pos;
                labels[slot + 1] = l;
                pos += l;
            } else {
                skip(tag, end);
            }
        }
        labelCount++;
    }

    private void readSample(int end) throws IOException {
        if (sampleCount == ts.length) {
            ts = Arrays.copyOf(ts, ts.length * 2);
            vs = Arrays.copyOf(vs, vs.length * 2);
        }
        long t = 0;
        long bits = 0;
        while (pos < end) {
            int tag = readTag(end);
            int field = tag >>> 3;
            int wt = tag & 7;
            if (field == 1) {
                if (wt != FIXED64) {
                    throw wrongType(field, "Sample");
                }
                bits = readFixed64(end);
            } else if (field == 2) {
                if (wt != VARINT) {
                    throw wrongType(field, "Sample");
                }
                t = readVarint(end);
            } else {
                skip(tag, end);
            }
        }
        ts[sampleCount] = t;
        vs[sampleCount] = Double.longBitsToDouble(bits);
        sampleCount++;
    }

    private int readTag(int end) throws IOException {
        long tag = readVarint(end);
        if (tag >>> 32 != 0 || (tag >>> 3) == 0) {
            throw new IOException(ERR + "invalid tag " + tag);
        }
        int wt = (int) tag & 7;
        if (wt == 6 || wt == 7) {
            throw new IOException(ERR + "invalid wire type " + wt + " for field " + (tag >>> 3));
        }
        return (int) tag;
    }

    /** A length that fits in what is left of the enclosing message. */
    private int readLength(int end) throws IOException {
        long l = readVarint(end);
        if (l < 0 || l > end - pos) {
            throw new IOException(ERR + "truncated message (length " + l + " exceeds the " + (end - pos)
                    + " bytes left)");
        }
        return (int) l;
    }

    private long readVarint(int end) throws IOException {
        long x = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw new IOException(ERR + "truncated varint");
            }
            int b = buf[pos++];
            x |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return x;
            }
        }
        throw new IOException(ERR + "malformed varint");
    }

    private long readFixed64(int end) throws IOException {
        if (end - pos < 8) {
            throw new IOException(ERR + "truncated fixed64");
        }
        long x = 0;
        for (int i = 7; i >= 0; i--) {
            x = (x << 8) | (buf[pos + i] & 0xFF);
        }
        pos += 8;
        return x;
    }

    /** Skips the field whose tag was just read; groups are walked iteratively with a depth bound. */
    private void skip(int tag, int end) throws IOException {
        int depth = 0;
        while (true) {
            int wt = tag & 7;
            switch (wt) {
                case VARINT -> readVarint(end);
                case FIXED64 -> {
                    if (end - pos < 8) {
                        throw new IOException(ERR + "truncated fixed64");
                    }
                    pos += 8;
                }
                case LEN -> {
                    int l = readLength(end); // not "pos += readLength(..)": that would add to the old pos
                    pos += l;
                }
                case FIXED32 -> {
                    if (end - pos < 4) {
                        throw new IOException(ERR + "truncated fixed32");
                    }
                    pos += 4;
                }
                case START_GROUP -> {
                    if (depth == MAX_GROUP_DEPTH) {
                        throw new IOException(ERR + "groups nested too deeply");
                    }
                    if (depth == groupStack.length) {
                        groupStack = Arrays.copyOf(groupStack, depth * 2);
                    }
                    groupStack[depth++] = tag >>> 3;
                }
                default -> { // END_GROUP
                    if (depth == 0 || groupStack[depth - 1] != tag >>> 3) {
                        throw new IOException(ERR + "unexpected end-group tag for field " + (tag >>> 3));
                    }
                    depth--;
                }
            }
            if (depth == 0) {
                return;
            }
            if (pos >= end) {
                throw new IOException(ERR + "truncated group");
            }
            tag = readTag(end);
        }
    }

    private static IOException wrongType(int field, String message) {
        return new IOException(ERR + "wrong wire type for field " + field + " of " + message);
    }

    /** Proto3 strings must be valid UTF-8 (what protobuf-java's generated parser enforces). */
    static void checkUtf8(byte[] b, int off, int len) throws IOException {
        int i = off;
        int end = off + len;
        // ASCII (nearly every label) eight bytes at a time, then byte by byte.
        while (i + 8 <= end && ((long) LONGS.get(b, i) & 0x8080808080808080L) == 0) {
            i += 8;
        }
        while (i < end && b[i] >= 0) {
            i++;
        }
        while (i < end) {
            int c = b[i++] & 0xFF;
            if (c < 0x80) {
                continue;
            }
            int more;
            int min;
            if (c >= 0xC2 && c <= 0xDF) {
                more = 1;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                more = 2;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                more = 3;
                min = 0x10000;
            } else {
                throw invalidUtf8();
            }
            if (end - i < more) {
                throw invalidUtf8();
            }
            int cp = c & (0x3F >> more);
            for (int k = 0; k < more; k++) {
                int cc = b[i++] & 0xFF;
                if ((cc & 0xC0) != 0x80) {
                    throw invalidUtf8();
                }
                cp = (cp << 6) | (cc & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                throw invalidUtf8();
            }
        }
    }

    private static IOException invalidUtf8() {
        return new IOException(ERR + "Protocol message had invalid UTF-8.");
    }
}
