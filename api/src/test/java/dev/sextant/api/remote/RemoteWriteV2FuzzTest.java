package dev.sextant.api.remote;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sextant.api.http.ApiRequest;
import dev.sextant.api.http.ApiResponse;
import dev.sextant.api.remote.prompb.v2.WriteV2;
import dev.sextant.tsdb.head.Head;
import dev.sextant.tsdb.head.HeadOptions;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.xerial.snappy.Snappy;

/**
 * Remote write 2.0 ({@code io.prometheus.write.v2.Request}) through the receiver into a real
 * in-memory head: any body is answered 204 or 400 with the written-count headers, never another
 * status, exception, hang or out-of-memory, and never more samples reported written than the
 * request holds. The first input byte chooses the layer under test: odd, the rest is compressed
 * here so the fuzzer explores the protobuf decoding and symbol-table resolution; even, the rest is
 * the body as sent (snappy framing). Seeds run under plain Surefire; {@code JAZZER_FUZZ=1} fuzzes.
 */
class RemoteWriteV2FuzzTest {
    private static final Map<String, String> HEADERS = Map.of(
            "content-type", "application/x-protobuf;proto=io.prometheus.write.v2.Request",
            "content-encoding", "snappy");
    private static final int INPUTS_PER_HEAD = 20_000;

    private static Head head;
    private static RemoteWriteHandler handler;
    private static int inputs;

    @FuzzTest(maxDuration = "30s")
    void decodeV2(byte[] input) throws Exception {
        if (input == null || input.length == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        boolean compressHere = (input[0] & 1) != 0;
        byte[] body = compressHere ? Snappy.compress(rest) : rest;
        ApiResponse r = handler().handle(new ApiRequest("POST", "/api/v1/write", Map.of(), HEADERS, body));
        if (r.status() != 204 && r.status() != 400) {
            throw new AssertionError("status " + r.status() + ": " + new String(r.body()));
        }
        String written = r.headers().get(WriteV2Ingester.SAMPLES_WRITTEN);
        if (written == null) {
            throw new AssertionError("no " + WriteV2Ingester.SAMPLES_WRITTEN + " header on " + r.status());
        }
        long n = Long.parseLong(written);
        long held = samplesIn(compressHere ? rest : uncompressed(body));
        if (n < 0 || n > held) {
            throw new AssertionError(n + " samples reported written, the request holds " + held);
        }
    }

    /** Samples in the decoded request, or 0 when it does not decode (then nothing may be written). */
    private static long samplesIn(byte[] raw) {
        if (raw == null) {
            return 0;
        }
        try {
            WriteV2.Request req = WriteV2.Request.parseFrom(raw);
            long n = 0;
            for (int i = 0; i < req.getTimeseriesCount(); i++) {
                n += req.getTimeseries(i).getSamplesCount();
            }
            return n;
        } catch (InvalidProtocolBufferException e) {
            return 0;
        }
    }

    private static byte[] uncompressed(byte[] body) {
        try {
            return RemoteWriteHandler.uncompress(body);
        } catch (IOException e) {
            return null;
        }
    }

    @AfterAll
    static synchronized void closeHead() {
        if (head != null) {
            head.close();
            head = null;
            handler = null;
        }
    }

    /** A fresh head every so many inputs, so the fuzzer's series do not pile up for the whole run. */
    private static synchronized RemoteWriteHandler handler() {
        if (handler == null || ++inputs % INPUTS_PER_HEAD == 0) {
            if (head != null) {
                head.close();
            }
            head = Head.open(null, HeadOptions.defaults(), Long.MIN_VALUE);
            handler = new RemoteWriteHandler(head, RemoteWriteHandler.Listener.NONE);
        }
        return handler;
    }
}
