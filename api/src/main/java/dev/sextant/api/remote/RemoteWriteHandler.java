package dev.sextant.api.remote;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.sextant.api.http.ApiRequest;
import dev.sextant.api.http.ApiResponse;
import dev.sextant.api.http.Handler;
import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import dev.sextant.api.remote.prompb.Types;
import dev.sextant.api.v1.Envelope;
import dev.sextant.api.v1.ErrorType;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import dev.sextant.tsdb.storage.Appendable;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.storage.StorageException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xerial.snappy.Snappy;

/**
 * {@code POST /api/v1/write}: Prometheus remote write 1.0 (snappy block format around a protobuf
 * {@code WriteRequest}). A request is all or nothing: every sample is appended and committed, or,
 * on the first rejected sample, the batch is rolled back and answered 400 (the sender drops it,
 * as Prometheus's receiver does). Storage failures answer 500 so that senders retry.
 */
public final class RemoteWriteHandler implements Handler {
    private static final Logger log = LoggerFactory.getLogger(RemoteWriteHandler.class);

    /** Largest decompressed body accepted; Prometheus senders stay far below. */
    static final int MAX_DECODED_BYTES = 256 * 1024 * 1024;

    private final Appendable storage;
    private final Listener listener;

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
                return ApiResponse.text(400, e.getMessage() + "\n");
            }
            return WriteV2Ingester.ingest(raw, storage, listener);
        }
        if (!isWriteV1(contentType)) {
            listener.rejected("unsupported_content_type");
            return ApiResponse.text(415, "unsupported content type: " + contentType + "\n");
        }
        WriteRequest write;
        try {
            write = decode(request.body());
        } catch (IOException e) {
            listener.rejected("decode");
            return Envelope.error(ErrorType.BAD_DATA, e.getMessage());
        }
        Appender app = storage.appender();
        Scratch scratch = new Scratch();
        long appended = 0;
        long invalid = 0;
        try {
            for (int i = 0; i < write.getTimeseriesCount(); i++) {
                Types.TimeSeries ts = write.getTimeseries(i);
                Labels labels = toLabels(ts, scratch);
                if (labels == null) {
                    // Like Prometheus's 1.0 receiver: skip the series, keep the rest of the batch.
                    invalid += ts.getSamplesCount();
                    continue;
                }
                long ref = 0;
                for (int j = 0; j < ts.getSamplesCount(); j++) {
                    Types.Sample s = ts.getSamples(j);
                    ref = app.append(ref, labels, s.getTimestamp(), s.getValue());
                    appended++;
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

    static WriteRequest decode(byte[] body) throws IOException {
        byte[] raw = uncompress(body);
        WriteRequest req;
        try {
            req = WriteRequest.parseFrom(raw);
        } catch (InvalidProtocolBufferException e) {
            throw new IOException("proto: cannot decode WriteRequest: " + e.getMessage(), e);
        }
        // protobuf-java files a known field sent with the wrong wire type under unknown fields, where
        // Prometheus's decoder rejects the request; do the same for the request and its series.
        checkWireTypes(req.getUnknownFields(), "WriteRequest", 1, 3);
        for (int i = 0; i < req.getTimeseriesCount(); i++) {
            checkWireTypes(req.getTimeseries(i).getUnknownFields(), "TimeSeries", 1, 4);
        }
        return req;
    }

    /** Snappy block decompression with a bound on the decoded size. */
    static byte[] uncompress(byte[] body) throws IOException {
        byte[] raw;
        try {
            if (!Snappy.isValidCompressedBuffer(body)) {
                throw new IOException("snappy: corrupt input");
            }
            int len = Snappy.uncompressedLength(body);
            if (len < 0 || len > MAX_DECODED_BYTES) {
                throw new IOException("snappy: decoded length " + len + " exceeds the limit");
            }
            raw = Snappy.uncompress(body);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("snappy:")) {
                throw e;
            }
            throw new IOException("snappy: corrupt input", e);
        }
        return raw;
    }

    /**
     * The series' labels, or null when they are unusable (no metric name, duplicate or empty names).
     * O(n log n) in the label count, so a hostile series with millions of labels cannot stall us.
     */
    private static Labels toLabels(Types.TimeSeries ts, Scratch scratch) {
        int n = ts.getLabelsCount();
        if (scratch.names.length < n) {
            scratch.names = new String[Math.max(n, scratch.names.length * 2)];
            scratch.values = new String[scratch.names.length];
        }
        String[] names = scratch.names;
        String[] values = scratch.values;
        for (int i = 0; i < n; i++) {
            Types.Label l = ts.getLabels(i);
            names[i] = l.getName();
            values[i] = l.getValue();
        }
        Labels labels = LabelsBuilder.fromArrays(names, values, n);
        java.util.Arrays.fill(names, 0, n, null);
        java.util.Arrays.fill(values, 0, n, null);
        return labels != null && labels.has(Labels.METRIC_NAME) ? labels : null;
    }

    private static void checkWireTypes(com.google.protobuf.UnknownFieldSet unknown, String message, int firstKnown,
            int lastKnown) throws IOException {
        if (unknown.asMap().isEmpty()) {
            return;
        }
        for (int field : unknown.asMap().keySet()) {
            if (field >= firstKnown && field <= lastKnown) {
                throw new IOException("proto: cannot decode WriteRequest: wrong wire type for field " + field
                        + " of " + message);
            }
        }
    }

    /** Per-request label arrays, reused across the series of one request. */
    private static final class Scratch {
        String[] names = new String[16];
        String[] values = new String[16];
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
