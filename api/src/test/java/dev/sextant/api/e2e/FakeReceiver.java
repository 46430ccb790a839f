package dev.sextant.api.e2e;

import com.sun.net.httpserver.HttpServer;
import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import dev.sextant.api.remote.prompb.Types;
import dev.sextant.api.remote.prompb.v2.WriteV2;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.xerial.snappy.Snappy;

/**
 * An in-process remote-write receiver for sender tests: decodes 1.0 and 2.0 requests, records the
 * samples per series (labels rendered as {@code {a="b",...}}) and answers with a status the test controls.
 */
final class FakeReceiver implements AutoCloseable {
    final Map<String, List<long[]>> samples = new ConcurrentHashMap<>();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger acceptedRequests = new AtomicInteger();
    /** Metadata received: family name to "type|help". */
    final Map<String, String> metadata = new ConcurrentHashMap<>();
    final List<String> contentTypes = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile IntSupplier status = () -> 204;
    private final HttpServer server;

    FakeReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/write", ex -> {
            try (InputStream in = ex.getRequestBody()) {
                byte[] body = in.readAllBytes();
                requests.incrementAndGet();
                int code = status.getAsInt();
                String ct = ex.getRequestHeaders().getFirst("Content-Type");
                contentTypes.add(ct);
                if (code / 100 == 2) {
                    byte[] raw = Snappy.uncompress(body);
                    if (ct.contains("io.prometheus.write.v2.Request")) {
                        record(WriteV2.Request.parseFrom(raw));
                    } else {
                        record(WriteRequest.parseFrom(raw));
                    }
                    acceptedRequests.incrementAndGet();
                }
                byte[] msg = code / 100 == 2 ? new byte[0] : ("rejected with " + code).getBytes();
                ex.sendResponseHeaders(code, msg.length == 0 ? -1 : msg.length);
                if (msg.length > 0) {
                    ex.getResponseBody().write(msg);
                }
            } finally {
                ex.close();
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url() {
        return "http://127.0.0.1:" + port() + "/api/v1/write";
    }

    private void record(WriteRequest req) {
        for (Types.MetricMetadata m : req.getMetadataList()) {
            metadata.put(m.getMetricFamilyName(), m.getType() + "|" + m.getHelp());
        }
        for (Types.TimeSeries ts : req.getTimeseriesList()) {
            Map<String, String> l = new TreeMap<>();
            for (Types.Label lab : ts.getLabelsList()) {
                l.put(lab.getName(), lab.getValue());
            }
            for (Types.Sample s : ts.getSamplesList()) {
                add(l, s.getTimestamp(), s.getValue());
            }
        }
    }

    private void record(WriteV2.Request req) {
        for (WriteV2.TimeSeries ts : req.getTimeseriesList()) {
            Map<String, String> l = new TreeMap<>();
            for (int i = 0; i < ts.getLabelsRefsCount(); i += 2) {
                l.put(req.getSymbols(ts.getLabelsRefs(i)), req.getSymbols(ts.getLabelsRefs(i + 1)));
            }
            for (WriteV2.Sample s : ts.getSamplesList()) {
                add(l, s.getTimestamp(), s.getValue());
            }
        }
    }

    private void add(Map<String, String> labels, long t, double v) {
        StringBuilder sb = new StringBuilder("{");
        labels.forEach((k, val) -> sb.append(sb.length() > 1 ? "," : "").append(k).append("=\"").append(val).append('"'));
        sb.append('}');
        samples.computeIfAbsent(sb.toString(), k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                .add(new long[] {t, Double.doubleToRawLongBits(v)});
    }

    /** Distinct (series, timestamp) pairs received. */
    int distinctSamples() {
        int n = 0;
        for (List<long[]> l : samples.values()) {
            synchronized (l) {
                n += (int) l.stream().mapToLong(s -> s[0]).distinct().count();
            }
        }
        return n;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
