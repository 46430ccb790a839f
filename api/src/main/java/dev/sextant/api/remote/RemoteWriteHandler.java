package dev.sextant.api.remote;

import dev.sextant.api.http.ApiRequest;
import dev.sextant.api.http.ApiResponse;
import dev.sextant.api.http.Handler;
import dev.sextant.api.v1.Envelope;
import dev.sextant.api.v1.ErrorType;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import dev.sextant.tsdb.storage.Appendable;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.storage.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xerial.snappy.Snappy;

/**
 * {@code POST /api/v1/write}: Prometheus remote write 1.0 (snappy block format around a protobuf
 * {@code WriteRequest}), decoded without generated classes by {@link WriteV1Decoder} and resolved to
 * series through {@link SeriesRefCache}, so a request for known series builds no label strings. A
 * request is all or nothing: every sample is appended and committed, or,
 * on the first rejected sample, the batch is rolled back and answered 400 (the sender drops it,
 * as Prometheus's receiver does). Storage failures answer 500 so that senders retry.
 */
public final class RemoteWriteHandler implements Handler {
    private static final Logger log = LoggerFactory.getLogger(RemoteWriteHandler.class);

    /** Largest decompressed body accepted; Prometheus senders stay far below. */
    static final int MAX_DECODED_BYTES = 256 * 1024 * 1024;

    /** Series remembered by the receiver (about 40 bytes each), see {@link SeriesRefCache}. */
    static final int CACHE_ENTRIES = 4 << 20;

    private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);

    private final Appendable storage;
    private final Listener listener;
    private final SeriesRefCache cache = new SeriesRefCache(CACHE_ENTRIES);

    /** Told about accepted samples and rejected requests (self-metrics). Must be thread-safe. */
    public interface Listener {
        Listener NONE = new Listener() {
            @Override
            public void accepted(long samples) {}

            @Override
            public void rejected(String reason) {}
        };

        void accepted(long samples);

        void rejected(String reason);
    }

    public RemoteWriteHandler(Appendable storage, Listener listener) {
        this.storage = storage;
        this.listener = listener;
    }

    @Override
    public ApiResponse handle(ApiRequest request) {
        String encoding = request.header("content-encoding");
        if (encoding != null && !encoding.isEmpty() && !encoding.equalsIgnoreCase("snappy")) {
            listener.rejected("unsupported_encoding");
            return ApiResponse.text(415, "unsupported compression: " + encoding
                    + ". Only snappy compression is supported\n");
        }
        String contentType = request.header("content-type");
        if (isWriteV2(contentType)) {
            byte[] raw;
            try {
                raw = uncompress(request.body());
            } catch (IOException e) {
                listener.rejected("decode");
                return WriteV2Ingester.withCounts(ApiResponse.text(400, e.getMessage() + "\n"), 0);
            }
            return WriteV2Ingester.ingest(raw, storage, listener);
        }
        if (!isWriteV1(contentType)) {
            listener.rejected("unsupported_content_type");
            return ApiResponse.text(415, "unsupported content type: " + contentType + "\n");
        }
        State st = STATE.get();
        try {
            int len = uncompressInto(request.body(), st);
            st.decoder.decode(st.raw, 0, len);
            return ingest(st);
        } catch (IOException e) {
            listener.rejected("decode");
            return Envelope.error(ErrorType.BAD_DATA, e.getMessage());
        } finally {
            st.release();
        }
    }

    /**
     * Appends a decoded request: all or nothing (see the class comment). Series are resolved in
     * passes over the whole request (hashes, then cache lookups, then byte checks of the hits),
     * so the memory reads of different series overlap instead of waiting on one another.
     */
    private ApiResponse ingest(State st) {
        WriteV1Decoder d = st.decoder;
        byte[] buf = d.buf;
        int[] series = d.series;
        int[] lab = d.labels;
        long[] ts = d.ts;
        double[] vs = d.vs;
        int ns = d.seriesCount;
        st.ensure(ns);
        long[] hashes = st.hashes;
        SeriesRefCache.Entry[] hits = st.hits;
        for (int i = 0; i < ns; i++) {
            hashes[i] = series[4 * i + 3] == 0 ? 0 : SeriesRefCache.hash(buf, lab, series[4 * i], series[4 * i + 1]);
        }
        for (int i = 0; i < ns; i++) {
            hits[i] = hashes[i] == 0 ? null : cache.find(hashes[i]);
        }
        for (int i = 0; i < ns; i++) {
            SeriesRefCache.Entry e = hits[i];
            if (e != null && !SeriesRefCache.matches(buf, lab, series[4 * i], series[4 * i + 1], e.labels)) {
                hits[i] = null;
            }
        }
        Appender app = storage.appender();
        // Does the storage still hold the series under these labels? (Null: it cannot say, or the
        // series is gone; the append then resolves it.) This pass also brings the series' memory
        // in for the appends below, many series at a time instead of one after another.
        for (int i = 0; i < ns; i++) {
            SeriesRefCache.Entry e = hits[i];
            if (e != null) {
                Labels stored = app.storedLabels(e.ref);
                if (stored != null && stored != e.labels) {
                    hits[i] = null;
                }
            }
        }
        long appended = 0;
        long invalid = 0;
        try {
            for (int i = 0; i < ns; i++) {
                int firstLabel = series[4 * i];
                int labelCount = series[4 * i + 1];
                int firstSample = series[4 * i + 2];
                int sampleCount = series[4 * i + 3];
                if (sampleCount == 0) {
                    continue;
                }
                SeriesRefCache.Entry hit = hits[i];
                hits[i] = null;
                Labels labels;
                long ref;
                if (hit != null) {
                    labels = hit.labels;
                    ref = hit.ref;
                } else {
                    labels = toLabels(buf, lab, firstLabel, labelCount, st);
                    if (labels == null) {
                        // Like Prometheus's 1.0 receiver: skip the series, keep the rest of the batch.
                        invalid += sampleCount;
                        continue;
                    }
                    ref = 0;
                }
                long r = ref;
                for (int j = firstSample, end = firstSample + sampleCount; j < end; j++) {
                    r = app.append(r, labels, ts[j], vs[j]);
                    appended++;
                }
                if (hit == null || r != ref) {
                    Labels stored = app.storedLabels(r);
                    cache.put(hashes[i], r, stored != null ? stored : labels, app::storedLabels);
                }
            }
        } catch (StorageException e) {
            app.rollback();
            if (isClientError(e)) {
                log.warn("msg=\"rejected remote-write batch\" err=\"{}\"", e.getMessage());
                listener.rejected("sample");
                return Envelope.error(ErrorType.BAD_DATA, e.getMessage());
            }
            listener.rejected("storage");
            log.error("msg=\"remote-write append failed\" err=\"{}\"", e.getMessage(), e);
            return Envelope.error(ErrorType.INTERNAL, e.getMessage());
        } catch (RuntimeException e) {
            app.rollback();
            throw e;
        }
        try {
            app.commit();
        } catch (StorageException e) {
            log.error("msg=\"remote-write commit failed\" err=\"{}\"", e.getMessage(), e);
            listener.rejected("storage");
            return Envelope.error(ErrorType.INTERNAL, e.getMessage());
        }
        if (invalid > 0) {
            log.warn("msg=\"dropped samples of series with invalid labels\" samples={}", invalid);
            listener.rejected("invalid_labels");
        }
        listener.accepted(appended);
        return ApiResponse.noContent();
    }

    /**
     * Decodes a remote-write 1.0 body (snappy, then protobuf) the way the receiver does; for tests.
     *
     * @return a decoder holding the request's columns
     */
    static WriteV1Decoder decode(byte[] body) throws IOException {
        State st = new State();
        int len = uncompressInto(body, st);
        st.decoder.decode(st.raw, 0, len);
        return st.decoder;
    }

    /** Snappy block decompression with a bound on the decoded size. */
    static byte[] uncompress(byte[] body) throws IOException {
        State st = new State();
        int len = uncompressInto(body, st);
        return java.util.Arrays.copyOf(st.raw, len);
    }

    /**
     * Decompresses into the thread's buffer ({@code st.raw}); returns the decoded length. Snappy's
     * decoder checks every copy against the output bounds, so corrupt input fails here.
     */
    private static int uncompressInto(byte[] body, State st) throws IOException {
        try {
            int len = Snappy.uncompressedLength(body);
            if (len < 0 || len > MAX_DECODED_BYTES) {
                throw new IOException("snappy: decoded length " + len + " exceeds the limit");
            }
            if (st.raw.length < len) {
                st.raw = new byte[Math.max(len, Math.min(2 * st.raw.length, MAX_DECODED_BYTES))];
            }
            int n = Snappy.uncompress(body, 0, body.length, st.raw, 0);
            if (n != len) {
                throw new IOException("snappy: corrupt input");
            }
            return n;
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("snappy:")) {
                throw e;
            }
            throw new IOException("snappy: corrupt input", e);
        } catch (RuntimeException e) {
            throw new IOException("snappy: corrupt input", e);
        }
    }

    /**
     * A cache-miss series' labels built from its wire bytes, or null when they are unusable (no
     * metric name, duplicate or empty names). O(n log n) in the label count, so a hostile series
     * with millions of labels cannot stall us.
     */
    private static Labels toLabels(byte[] buf, int[] lab, int first, int n, State st) {
        if (st.names.length < n) {
            st.names = new String[Math.max(n, st.names.length * 2)];
            st.values = new String[st.names.length];
        }
        String[] names = st.names;
        String[] values = st.values;
        for (int i = 0; i < n; i++) {
            int k = 4 * (first + i);
            names[i] = new String(buf, lab[k], lab[k + 1], StandardCharsets.UTF_8);
            values[i] = new String(buf, lab[k + 2], lab[k + 3], StandardCharsets.UTF_8);
        }
        Labels labels = LabelsBuilder.fromArrays(names, values, n);
        java.util.Arrays.fill(names, 0, n, null);
        java.util.Arrays.fill(values, 0, n, null);
        return labels != null && labels.has(Labels.METRIC_NAME) ? labels : null;
    }

    /** Per-thread scratch, reused across requests (the handler pool has a fixed number of threads). */
    private static final class State {
        /** Decoded bodies larger than this are not kept for the next request. */
        static final int KEEP_RAW = 8 * 1024 * 1024;
        final WriteV1Decoder decoder = new WriteV1Decoder();
        /** Per series of the request: its cache key and its verified cache entry (or null). */
        long[] hashes = new long[256];
        SeriesRefCache.Entry[] hits = new SeriesRefCache.Entry[256];
        byte[] raw = new byte[64 * 1024];
        String[] names = new String[16];
        String[] values = new String[16];

        void ensure(int series) {
            if (hashes.length < series) {
                int n = Math.max(series, 2 * hashes.length);
                hashes = new long[n];
                hits = new SeriesRefCache.Entry[n];
            }
        }

        void release() {
            decoder.trim();
            if (hashes.length > 1 << 16) {
                hashes = new long[256];
                hits = new SeriesRefCache.Entry[256];
            } else {
                java.util.Arrays.fill(hits, null); // no entry (and its labels) outlives the request
            }
            if (raw.length > KEEP_RAW) {
                raw = new byte[64 * 1024];
            }
            if (names.length > 1024) {
                names = new String[16];
                values = new String[16];
            }
        }
    }

    /** Remote write 2.0: {@code application/x-protobuf;proto=io.prometheus.write.v2.Request}. */
    static boolean isWriteV2(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().equalsIgnoreCase("application/x-protobuf")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].trim().equals("proto=io.prometheus.write.v2.Request")) {
                return true;
            }
        }
        return false;
    }

    /** Remote write 1.0: {@code application/x-protobuf}, optionally with {@code proto=prometheus.WriteRequest}. */
    static boolean isWriteV1(String contentType) {
        if (contentType == null || contentType.isEmpty()) {
            return true; // Old senders omit it; Prometheus assumes 1.0.
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().equalsIgnoreCase("application/x-protobuf")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.startsWith("proto=") && !p.substring(6).equals("prometheus.WriteRequest")) {
                return false;
            }
        }
        return true;
    }

    private static boolean isClientError(StorageException e) {
        return e instanceof StorageException.OutOfOrder || e instanceof StorageException.DuplicateSample
                || e instanceof StorageException.OutOfBounds || e instanceof StorageException.InvalidLabels;
    }
}
