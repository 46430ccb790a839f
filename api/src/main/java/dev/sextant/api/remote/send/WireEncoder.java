package dev.sextant.api.remote.send;

import java.io.IOException;
import java.util.Arrays;

/**
 * Encodes a batch of samples as a remote-write request body: protobuf ({@code prometheus.WriteRequest}
 * for 1.0, {@code io.prometheus.write.v2.Request} for 2.0), then Snappy's block format. Every buffer
 * is owned by the encoder and reused, so a warmed-up shard encodes without allocating; one encoder
 * per shard.
 *
 * <p>Each sample becomes its own {@code TimeSeries} (as Prometheus's sender does): series are
 * already split across shards, and receivers accept repeated series in one request.
 *
 * <p>Thread-safety: not thread-safe.
 */
final class WireEncoder {
    private final int protocol;
    private final ProtoWriter body = new ProtoWriter(64 * 1024);
    private final ProtoWriter series = new ProtoWriter(64 * 1024);
    private byte[] compressed = new byte[64 * 1024];
    private int compressedLen;
    // 2.0 symbol table: open addressing over the strings of one request, cleared after it.
    private String[] symKeys = new String[1024];
    private int[] symIdx = new int[1024];
    private String[] symbols = new String[256];
    private int symbolCount;
    private int[] refs = new int[64];

    WireEncoder(int protocol) {
        this.protocol = protocol;
    }

    byte[] compressed() {
        return compressed;
    }

    int compressedLength() {
        return compressedLen;
    }

    /** Uncompressed protobuf bytes of the last request (for {@code bytes_total} and tests). */
    int protobufLength() {
        return body.length();
    }

    byte[] protobuf() {
        return body.array();
    }

    /** Encodes {@code n} samples and compresses them; the result is in {@link #compressed()}. */
    void encode(SendSeries[] s, long[] ts, double[] vs, int n) throws IOException {
        body.reset();
        if (protocol == 2) {
            encodeV2(s, ts, vs, n);
        } else {
            encodeV1(s, ts, vs, n);
        }
        int max = org.xerial.snappy.Snappy.maxCompressedLength(body.length());
        if (compressed.length < max) {
            compressed = new byte[Math.max(max, compressed.length * 2)];
        }
        compressedLen = org.xerial.snappy.Snappy.compress(body.array(), 0, body.length(), compressed, 0);
    }

    private static int sampleLength(long t) {
        return 1 + 8 + 1 + ProtoWriter.varintSize(t);
    }

    private void encodeV1(SendSeries[] s, long[] ts, double[] vs, int n) {
        for (int i = 0; i < n; i++) {
            byte[] labels = s[i].v1Labels;
            int sampleLen = sampleLength(ts[i]);
            int tsLen = labels.length + 1 + ProtoWriter.varintSize(sampleLen) + sampleLen;
            body.tag(1, ProtoWriter.LEN);
            body.varint(tsLen);
            body.bytes(labels, 0, labels.length);
            writeSample(body, 2, sampleLen, ts[i], vs[i]);
        }
    }

    private static void writeSample(ProtoWriter w, int field, int sampleLen, long t, double v) {
        w.tag(field, ProtoWriter.LEN);
        w.varint(sampleLen);
        w.tag(1, ProtoWriter.FIXED64);
        w.fixed64(Double.doubleToRawLongBits(v));
        w.tag(2, ProtoWriter.VARINT);
        w.varint(t);
    }

    private void encodeV2(SendSeries[] s, long[] ts, double[] vs, int n) {
        series.reset();
        symbolCount = 0;
        intern("");
        for (int i = 0; i < n; i++) {
            String[] strings = s[i].strings;
            if (refs.length < strings.length) {
                refs = new int[strings.length * 2];
            }
            int packed = 0;
            for (int j = 0; j < strings.length; j++) {
                refs[j] = intern(strings[j]);
                packed += ProtoWriter.varintSize(refs[j]);
            }
            int sampleLen = sampleLength(ts[i]);
            int tsLen = 1 + ProtoWriter.varintSize(packed) + packed + 1 + ProtoWriter.varintSize(sampleLen) + sampleLen;
            series.tag(5, ProtoWriter.LEN);
            series.varint(tsLen);
            series.tag(1, ProtoWriter.LEN);
            series.varint(packed);
            for (int j = 0; j < strings.length; j++) {
                series.varint(refs[j]);
            }
            writeSample(series, 2, sampleLen, ts[i], vs[i]);
        }
        for (int i = 0; i < symbolCount; i++) {
            body.string(4, symbols[i]);
        }
        body.bytes(series.array(), 0, series.length());
        // The table is at most twice the symbols of the largest request, so clearing it whole is cheap.
        Arrays.fill(symKeys, null);
        Arrays.fill(symbols, 0, symbolCount, null);
    }

    private int intern(String str) {
        if (symbolCount * 2 >= symKeys.length) {
            growSymbols();
        }
        int mask = symKeys.length - 1;
        int i = str.hashCode() * 0x9E3779B9 >>> 7 & mask;
        while (true) {
            String k = symKeys[i];
            if (k == null) {
                symKeys[i] = str;
                symIdx[i] = symbolCount;
                if (symbolCount == symbols.length) {
                    symbols = Arrays.copyOf(symbols, symbolCount * 2);
                }
                symbols[symbolCount] = str;
                return symbolCount++;
            }
            if (k == str || k.equals(str)) {
                return symIdx[i];
            }
            i = (i + 1) & mask;
        }
    }

    private void growSymbols() {
        String[] old = Arrays.copyOf(symbols, symbolCount);
        symKeys = new String[symKeys.length * 2];
        symIdx = new int[symKeys.length];
        int n = symbolCount;
        symbolCount = 0;
        for (int i = 0; i < n; i++) {
            intern(old[i]);
        }
    }
}
