package dev.sextant.api.remote;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sextant.api.http.ApiRequest;
import dev.sextant.api.http.ApiResponse;
import dev.sextant.api.http.Handler;
import dev.sextant.api.remote.prompb.Remote;
import dev.sextant.api.remote.prompb.Types;
import dev.sextant.tsdb.chunk.XorAppender;
import dev.sextant.tsdb.chunk.XorChunk;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.Queryable;
import dev.sextant.tsdb.storage.SampleIterator;
import dev.sextant.tsdb.storage.SelectHints;
import dev.sextant.tsdb.storage.Series;
import dev.sextant.tsdb.storage.SeriesSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.zip.CRC32C;
import org.xerial.snappy.Snappy;

/**
 * {@code POST /api/v1/read}: Prometheus remote read. Answers with the first response type the
 * client accepts that Sextant supports: {@code STREAMED_XOR_CHUNKS} (frames of {@code uvarint len,
 * CRC-32C, ChunkedReadResponse}, one series per frame, chunks of at most 120 samples) or {@code
 * SAMPLES} (one snappy-compressed {@code ReadResponse}). External labels are added to every series,
 * and equality matchers on external-label names are relaxed to match the empty value, so that a
 * query for {@code cluster="a"} finds local series that do not carry the label.
 */
public final class RemoteReadHandler implements Handler {
    static final int SAMPLES_PER_CHUNK = 120;

    private final Queryable storage;
    private final java.util.function.Supplier<Labels> externalLabels;
    private final long sampleLimit;

    /** @param sampleLimit {@code --storage.remote.read-sample-limit} for SAMPLES responses (0 = none) */
    public RemoteReadHandler(Queryable storage, java.util.function.Supplier<Labels> externalLabels, long sampleLimit) {
        this.storage = storage;
        this.externalLabels = externalLabels;
        this.sampleLimit = sampleLimit;
    }

    @Override
    public ApiResponse handle(ApiRequest request) throws IOException {
        Remote.ReadRequest read;
        try {
            if (!Snappy.isValidCompressedBuffer(request.body())) {
                return ApiResponse.text(400, "snappy: corrupt input\n");
            }
            read = Remote.ReadRequest.parseFrom(Snappy.uncompress(request.body()));
        } catch (InvalidProtocolBufferException e) {
            return ApiResponse.text(400, "proto: cannot decode ReadRequest: " + e.getMessage() + "\n");
        }
        boolean streamed = false;
        for (Remote.ReadRequest.ResponseType t : read.getAcceptedResponseTypesList()) {
            if (t == Remote.ReadRequest.ResponseType.STREAMED_XOR_CHUNKS) {
                streamed = true;
                break;
            }
            if (t == Remote.ReadRequest.ResponseType.SAMPLES) {
                break;
            }
        }
        if (read.getAcceptedResponseTypesCount() > 0 && !streamed
                && !read.getAcceptedResponseTypesList().contains(Remote.ReadRequest.ResponseType.SAMPLES)) {
            return ApiResponse.text(400, "server does not support any of the requested response types: "
                    + read.getAcceptedResponseTypesList() + "\n");
        }
        try {
            return streamed ? streamedChunks(read) : samples(read);
        } catch (SampleLimitExceeded e) {
            return ApiResponse.text(400, "exceeded sample limit (" + sampleLimit + ")\n");
        } catch (IllegalArgumentException e) {
            return ApiResponse.text(400, e.getMessage() + "\n");
        }
    }

    private ApiResponse samples(Remote.ReadRequest read) throws IOException {
        Remote.ReadResponse.Builder resp = Remote.ReadResponse.newBuilder();
        long total = 0;
        for (Remote.Query q : read.getQueriesList()) {
            Remote.QueryResult.Builder result = Remote.QueryResult.newBuilder();
            try (Querier querier = storage.querier(q.getStartTimestampMs(), q.getEndTimestampMs())) {
                SeriesSet set = querier.select(true, hints(q), matchers(q));
                SampleIterator reuse = null;
                while (set.next()) {
                    Series s = set.at();
                    Types.TimeSeries.Builder ts = Types.TimeSeries.newBuilder();
                    addLabels(s.labels(), ts::addLabels);
                    SampleIterator it = s.iterator(reuse);
                    reuse = it;
                    while (it.next()) {
                        ts.addSamples(Types.Sample.newBuilder().setTimestamp(it.atT()).setValue(it.atV()));
                        if (sampleLimit > 0 && ++total > sampleLimit) {
                            throw new SampleLimitExceeded();
                        }
                    }
                    result.addTimeseries(ts);
                }
            }
            resp.addResults(result);
        }
        return new ApiResponse(200, "application/x-protobuf", Map.of("Content-Encoding", "snappy"),
                Snappy.compress(resp.build().toByteArray()));
    }

    private ApiResponse streamedChunks(Remote.ReadRequest read) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        CodedOutputStream header = CodedOutputStream.newInstance(out, 16);
        CRC32C crc = new CRC32C();
        for (int qi = 0; qi < read.getQueriesCount(); qi++) {
            Remote.Query q = read.getQueries(qi);
            try (Querier querier = storage.querier(q.getStartTimestampMs(), q.getEndTimestampMs())) {
                SeriesSet set = querier.select(true, hints(q), matchers(q));
                SampleIterator reuse = null;
                while (set.next()) {
                    Series s = set.at();
                    Types.ChunkedSeries.Builder cs = Types.ChunkedSeries.newBuilder();
                    addLabels(s.labels(), cs::addLabels);
                    SampleIterator it = s.iterator(reuse);
                    reuse = it;
                    XorChunk chunk = null;
                    XorAppender app = null;
                    long minT = 0;
                    long maxT = 0;
                    while (it.next()) {
                        if (chunk == null) {
                            chunk = new XorChunk();
                            app = chunk.appender();
                            minT = it.atT();
                        }
                        app.append(it.atT(), it.atV());
                        maxT = it.atT();
                        if (app.count() >= SAMPLES_PER_CHUNK) {
                            cs.addChunks(chunk(chunk, minT, maxT));
                            chunk = null;
                        }
                    }
                    if (chunk != null) {
                        cs.addChunks(chunk(chunk, minT, maxT));
                    }
                    if (cs.getChunksCount() == 0) {
                        continue;
                    }
                    byte[] frame = Remote.ChunkedReadResponse.newBuilder().addChunkedSeries(cs).setQueryIndex(qi)
                            .build().toByteArray();
                    crc.reset();
                    crc.update(frame);
                    header.writeUInt32NoTag(frame.length);
                    long c = crc.getValue();
                    header.writeRawByte((byte) (c >>> 24));
                    header.writeRawByte((byte) (c >>> 16));
                    header.writeRawByte((byte) (c >>> 8));
                    header.writeRawByte((byte) c);
                    header.flush();
                    out.write(frame);
                }
            }
        }
        return new ApiResponse(200, "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse",
                Map.of(), out.toByteArray());
    }

    private static Types.Chunk chunk(XorChunk c, long minT, long maxT) {
        return Types.Chunk.newBuilder().setMinTimeMs(minT).setMaxTimeMs(maxT).setType(Types.Chunk.Encoding.XOR)
                .setData(ByteString.copyFrom(c.buffer(), 0, c.length())).build();
    }

    private Matcher[] matchers(Remote.Query q) {
        Matcher[] ms = new Matcher[q.getMatchersCount()];
        for (int i = 0; i < ms.length; i++) {
            Types.LabelMatcher m = q.getMatchers(i);
            Matcher.Type type = switch (m.getType()) {
                case EQ -> Matcher.Type.EQUAL;
                case NEQ -> Matcher.Type.NOT_EQUAL;
                case RE -> Matcher.Type.REGEX;
                case NRE -> Matcher.Type.NOT_REGEX;
                default -> throw new IllegalArgumentException("unknown matcher type " + m.getTypeValue());
            };
            String value = m.getValue();
            Labels ext = externalLabels.get();
            if (type == Matcher.Type.EQUAL && ext.has(m.getName()) && ext.get(m.getName()).equals(value)) {
                // The series do not carry external labels on disk; they are added on the way out.
                value = "";
            }
            ms[i] = Matcher.of(type, m.getName(), value);
        }
        return ms;
    }

    private static SelectHints hints(Remote.Query q) {
        Types.ReadHints h = q.getHints();
        return new SelectHints(q.getStartTimestampMs(), q.getEndTimestampMs(), h.getStepMs(),
                h.getFunc().isEmpty() ? null : h.getFunc(), h.getRangeMs());
    }

    private void addLabels(Labels labels, java.util.function.Consumer<Types.Label> sink) {
        Labels out = labels;
        Labels ext = externalLabels.get();
        if (!ext.isEmpty()) {
            LabelsBuilder b = new LabelsBuilder(labels);
            for (int i = 0; i < ext.size(); i++) {
                if (!labels.has(ext.name(i))) {
                    b.set(ext.name(i), ext.value(i));
                }
            }
            out = b.build();
        }
        for (int i = 0; i < out.size(); i++) {
            sink.accept(Types.Label.newBuilder().setName(out.name(i)).setValue(out.value(i)).build());
        }
    }

    private static final class SampleLimitExceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SampleLimitExceeded() {
            super(null, null, false, false);
        }
    }
}
