package dev.sextant.bench.jmh;

import dev.sextant.scrape.exposition.ExpositionParser;
import dev.sextant.scrape.exposition.OpenMetricsParser;
import dev.sextant.scrape.exposition.ParseException;
import dev.sextant.scrape.exposition.TextParser;
import dev.sextant.scrape.loop.BenchIngest;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import dev.sextant.tsdb.storage.Appender;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Exposition parsing on a realistic scrape body of 10,000 series ({@link ExpositionPayload}:
 * node-exporter and kube-state-metrics shaped, HELP/TYPE, a histogram and a summary, escaped label
 * values), in the text format 0.0.4 and OpenMetrics 1.0. One operation is one whole body.
 *
 * <ul>
 *   <li>{@code parse}: the pull parser alone, as the scrape loop drives it for series it has seen:
 *       every entry, and for samples the series byte range and the value (no label decoding).
 *   <li>{@code parseLabels}: the first scrape of a target: every sample's labels decoded into a
 *       {@link Labels} (allocates, as a cache miss does).
 *   <li>{@code scrapeCached}: the steady state of a scrape loop: {@code SampleIngester.ingest}
 *       (parse, hash of the series bytes, scrape-cache lookup, append with the cached ref and labels,
 *       staleness bookkeeping; series in the previous scrape's order are matched by an order hint,
 *       a byte comparison, instead) on a cache already filled by earlier scrapes of the same body, into
 *       an appender that only counts. Storage cost is not included (see {@code HeadAppendBench}).
 * </ul>
 *
 * <p>Figures: throughput mode, so the primary score is bodies per second; the {@code bytes} and
 * {@code samples} secondary scores ({@link AuxCounters}) are bytes and samples per second
 * (MB/s = {@code bytes} / 10^6). Payload size and sample count are printed at setup.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {Flags.ADD_OPENS_REFLECT, Flags.ADD_OPENS_NIO, Flags.ADD_EXPORTS_REF,
        Flags.ADD_EXPORTS_MISC, "-Xmx1g"})
@State(Scope.Thread)
public class ExpositionParseBench {
    @Param({"text", "openmetrics"})
    public String format;

    @Param({"10000"})
    public int series;

    byte[] body;
    int samples;
    ExpositionParser parser;
    final LabelsBuilder lb = new LabelsBuilder();
    BenchIngest ingest;
    final CountingAppender appender = new CountingAppender();
    long ts = 1_700_000_000_000L;

    /** Secondary scores: bytes and samples handled, reported per second. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Rates {
        public long bytes;
        public long samples;

        @Setup(Level.Iteration)
        public void clear() {
            bytes = 0;
            samples = 0;
        }
    }

    @Setup(Level.Trial)
    public void setup() throws ParseException {
        ExpositionPayload p = ExpositionPayload.build(series);
        body = format.equals("text") ? p.text : p.openMetrics;
        samples = p.samples;
        parser = format.equals("text") ? new TextParser() : new OpenMetricsParser();
        // Check the body parses completely, and fill the scrape cache.
        ingest = new BenchIngest(Labels.of("instance", "10.1.2.3:9100", "job", "bench"));
        String err = ingest.ingest(appender, parser, body, ts);
        if (err != null) {
            throw new IllegalStateException(format + " payload rejected: " + err);
        }
        if (ingest.appended() != samples) {
            throw new IllegalStateException(format + ": " + ingest.appended() + " samples appended, expected " + samples);
        }
        System.out.printf("%n%s payload: %d bytes, %d samples (%.1f bytes/sample)%n", format, body.length, samples,
                (double) body.length / samples);
    }

    @Benchmark
    public double parse(Rates r) throws ParseException {
        ExpositionParser p = parser;
        p.reset(body, 0, body.length);
        double acc = 0;
        int n = 0;
        for (ExpositionParser.Entry e = p.next(); e != ExpositionParser.Entry.END; e = p.next()) {
            if (e == ExpositionParser.Entry.SAMPLE) {
                acc += p.value() + (p.seriesEnd() - p.seriesStart());
                n++;
            }
        }
        r.bytes += body.length;
        r.samples += n;
        return acc;
    }

    @Benchmark
    public int parseLabels(Rates r) throws ParseException {
        ExpositionParser p = parser;
        p.reset(body, 0, body.length);
        int acc = 0;
        int n = 0;
        for (ExpositionParser.Entry e = p.next(); e != ExpositionParser.Entry.END; e = p.next()) {
            if (e == ExpositionParser.Entry.SAMPLE) {
                lb.reset();
                p.labels(lb);
                acc += lb.build().size();
                n++;
            }
        }
        r.bytes += body.length;
        r.samples += n;
        return acc;
    }

    @Benchmark
    public long scrapeCached(Rates r) {
        ts += 15_000;
        String err = ingest.ingest(appender, parser, body, ts);
        if (err != null || ingest.added() != 0) {
            throw new IllegalStateException("steady-state scrape failed or added series: " + err);
        }
        r.bytes += body.length;
        r.samples += ingest.appended();
        return appender.count;
    }

    /** Counts appends; hands out a new ref for a series without one, like a head would. */
    static final class CountingAppender implements Appender {
        long count;
        long nextRef = 1;

        @Override
        public long append(long ref, Labels labels, long t, double v) {
            count++;
            return ref != 0 ? ref : nextRef++;
        }

        @Override
        public void commit() {}

        @Override
        public void rollback() {}
    }
}
