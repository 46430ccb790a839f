package dev.sextant.scrape.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The hot path (next() over sample lines, values, timestamps) must not allocate per sample. */
class ParserAllocationTest {
    static long consume(ExpositionParser p, byte[] b) throws ParseException {
        p.reset(b, 0, b.length);
        long n = 0;
        ExpositionParser.Entry e;
        while ((e = p.next()) != ExpositionParser.Entry.END) {
            if (e == ExpositionParser.Entry.SAMPLE) {
                n += p.seriesEnd() - p.seriesStart() + (long) p.value();
            }
        }
        return n;
    }

    static String payload(boolean om) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            sb.append("http_requests_total{method=\"get\",code=\"200\",handler=\"/api/").append(i).append("\"} ")
                    .append(i * 3).append(".25").append(om ? " 1520879607.789" : " 1395066363000").append('\n');
        }
        if (om) {
            sb.append("# EOF\n");
        }
        return sb.toString();
    }

    @Test
    void noAllocationPerSample() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (boolean om : new boolean[] {false, true}) {
            byte[] b = payload(om).getBytes(StandardCharsets.UTF_8);
            ExpositionParser p = om ? new OpenMetricsParser() : new TextParser();
            for (int i = 0; i < 200; i++) {
                consume(p, b); // warm up so the JIT has compiled the loop
            }
            long before = mx.getCurrentThreadAllocatedBytes();
            long sink = 0;
            for (int i = 0; i < 20; i++) {
                sink += consume(p, b);
            }
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            assertThat(sink).isPositive();
            // 40,000 samples parsed; a single allocation per sample would be >= 640 kB.
            assertThat(allocated).as("bytes allocated for 40k samples, om=" + om).isLessThan(16_384);
        }
    }
}
