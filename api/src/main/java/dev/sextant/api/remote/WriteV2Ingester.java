package dev.sextant.api.remote;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.sextant.api.http.ApiResponse;
import dev.sextant.api.remote.prompb.v2.WriteV2;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import dev.sextant.tsdb.storage.Appendable;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.storage.StorageException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remote write 2.0 ({@code io.prometheus.write.v2.Request}): strings come from the request's symbol
 * table. Partial writes follow the 2.0 spec: series with bad references or rejected samples are
 * skipped and reported with a 400 while the valid rest is committed; a storage failure rolls
 * everything back with a 500 so the sender retries. Every answer carries the
 * {@code X-Prometheus-Remote-Write-*-Written} counts. Native histograms are not stored yet: they are
 * reported as not written (400), never silently dropped.
 */
final class WriteV2Ingester {
    private static final Logger log = LoggerFactory.getLogger(WriteV2Ingester.class);

    static final String SAMPLES_WRITTEN = "X-Prometheus-Remote-Write-Samples-Written";
    static final String HISTOGRAMS_WRITTEN = "X-Prometheus-Remote-Write-Histograms-Written";
    static final String EXEMPLARS_WRITTEN = "X-Prometheus-Remote-Write-Exemplars-Written";

    private WriteV2Ingester() {}

    static ApiResponse ingest(byte[] decompressed, Appendable storage, RemoteWriteHandler.Listener listener) {
        WriteV2.Request req;
        try {
            req = WriteV2.Request.parseFrom(decompressed);
        } catch (InvalidProtocolBufferException e) {
            listener.rejected("decode");
            return withCounts(ApiResponse.text(400, "proto: cannot decode io.prometheus.write.v2.Request: "
                    + e.getMessage() + "\n"), 0);
        }
        int symbols = req.getSymbolsCount();
        if (symbols > 0 && !req.getSymbols(0).isEmpty()) {
            listener.rejected("decode");
            return withCounts(ApiResponse.text(400, "symbols[0] must be the empty string\n"), 0);
        }
        Appender app = storage.appender();
        long written = 0;
        String firstError = null;
        long badSeries = 0;
        long histograms = 0;
        String[] names = new String[16];
        String[] values = new String[16];
        try {
            for (int i = 0; i < req.getTimeseriesCount(); i++) {
                WriteV2.TimeSeries ts = req.getTimeseries(i);
                histograms += ts.getHistogramsCount();
                int refs = ts.getLabelsRefsCount();
                if ((refs & 1) != 0) {
                    badSeries++;
                    firstError = firstError != null ? firstError : "odd number of label references in series " + i;
                    continue;
                }
                int n = refs / 2;
                if (names.length < n) {
                    names = new String[n * 2];
                    values = new String[n * 2];
                }
                boolean ok = true;
                for (int j = 0; j < n; j++) {
                    int nameRef = ts.getLabelsRefs(2 * j);
                    int valueRef = ts.getLabelsRefs(2 * j + 1);
                    if (nameRef < 0 || nameRef >= symbols || valueRef < 0 || valueRef >= symbols) {
                        ok = false;
                        break;
                    }
                    names[j] = req.getSymbols(nameRef);
                    values[j] = req.getSymbols(valueRef);
                }
                Labels labels = ok ? LabelsBuilder.fromArrays(names, values, n) : null;
                if (labels == null || !labels.has(Labels.METRIC_NAME)) {
                    badSeries++;
                    if (firstError == null) {
                        firstError = ok ? "invalid labels for series " + i : "label reference out of range in series " + i;
                    }
                    continue;
                }
                long ref = 0;
                for (int j = 0; j < ts.getSamplesCount(); j++) {
                    WriteV2.Sample s = ts.getSamples(j);
                    try {
                        ref = app.append(ref, labels, s.getTimestamp(), s.getValue());
                        written++;
                    } catch (StorageException.OutOfOrder | StorageException.DuplicateSample
                            | StorageException.OutOfBounds | StorageException.InvalidLabels e) {
                        badSeries++;
                        firstError = firstError != null ? firstError : e.getMessage() + " for series " + labels;
                    }
                }
            }
            app.commit();
        } catch (StorageException e) {
            app.rollback();
            listener.rejected("storage");
            log.error("msg=\"remote-write 2.0 append failed\" err=\"{}\"", e.getMessage(), e);
            return withCounts(ApiResponse.text(500, e.getMessage() + "\n"), 0);
        }
        listener.accepted(written);
        if (histograms > 0 && firstError == null) {
            firstError = "native histograms are not supported yet: " + histograms + " histogram samples not written";
        }
        if (firstError != null) {
            listener.rejected("partial");
            return withCounts(ApiResponse.text(400, firstError + "\n"), written);
        }
        return withCounts(ApiResponse.noContent(), written);
    }

    /** {@code r} with the written-count headers that every 2.0 answer carries, errors included. */
    static ApiResponse withCounts(ApiResponse r, long samples) {
        Map<String, String> h = new LinkedHashMap<>(r.headers());
        h.put(SAMPLES_WRITTEN, Long.toString(samples));
        h.put(HISTOGRAMS_WRITTEN, "0");
        h.put(EXEMPLARS_WRITTEN, "0");
        return new ApiResponse(r.status(), r.contentType(), h, r.body());
    }
}
