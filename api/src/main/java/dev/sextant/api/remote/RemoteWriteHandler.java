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

    public RemoteWriteHandler(Appendable storage) {
        this.storage = storage;
    }

    @Override
    public ApiResponse handle(ApiRequest request) {
        String encoding = request.header("content-encoding");
        if (encoding != null && !encoding.equalsIgnoreCase("snappy")) {
            return Envelope.error(ErrorType.BAD_DATA, "unsupported Content-Encoding \"" + encoding + "\"");
        }
        WriteRequest write;
        try {
            write = decode(request.body());
        } catch (IOException e) {
            return Envelope.error(ErrorType.BAD_DATA, e.getMessage());
        }
        Appender app = storage.appender();
        LabelsBuilder builder = new LabelsBuilder();
        try {
            for (int i = 0; i < write.getTimeseriesCount(); i++) {
                Types.TimeSeries ts = write.getTimeseries(i);
                Labels labels = toLabels(ts, builder);
                long ref = 0;
                for (int j = 0; j < ts.getSamplesCount(); j++) {
                    Types.Sample s = ts.getSamples(j);
                    ref = app.append(ref, labels, s.getTimestamp(), s.getValue());
                }
            }
        } catch (StorageException e) {
            app.rollback();
            if (isClientError(e)) {
                log.warn("msg=\"rejected remote-write batch\" err=\"{}\"", e.getMessage());
                return Envelope.error(ErrorType.BAD_DATA, e.getMessage());
            }
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
            return Envelope.error(ErrorType.INTERNAL, e.getMessage());
        }
        return ApiResponse.noContent();
    }

    static WriteRequest decode(byte[] body) throws IOException {
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
        try {
            return WriteRequest.parseFrom(raw);
        } catch (InvalidProtocolBufferException e) {
            throw new IOException("proto: cannot decode WriteRequest: " + e.getMessage(), e);
        }
    }

    private static Labels toLabels(Types.TimeSeries ts, LabelsBuilder b) {
        b.reset();
        for (int i = 0; i < ts.getLabelsCount(); i++) {
            Types.Label l = ts.getLabels(i);
            if (!b.get(l.getName()).isEmpty()) {
                throw new StorageException.InvalidLabels("invalid labels for series: duplicate label name \""
                        + l.getName() + "\"");
            }
            b.set(l.getName(), l.getValue());
        }
        Labels labels = b.build();
        if (labels.isEmpty()) {
            throw new StorageException.InvalidLabels("invalid labels for series: empty label set");
        }
        return labels;
    }

    private static boolean isClientError(StorageException e) {
        return e instanceof StorageException.OutOfOrder || e instanceof StorageException.DuplicateSample
                || e instanceof StorageException.OutOfBounds || e instanceof StorageException.InvalidLabels;
    }
}
