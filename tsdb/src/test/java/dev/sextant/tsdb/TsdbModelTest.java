package dev.sextant.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.mem.MemoryLeakCheck;
import dev.sextant.tsdb.memory.MemoryStorage;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.model.StaleNaN;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.storage.StorageException;
import dev.sextant.tsdb.testutil.Samples;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model-based test: random appends (including rejected ones), compactions and restarts against the
 * TSDB and the in-memory reference storage must give identical query results.
 */
@ExtendWith(MemoryLeakCheck.class)
class TsdbModelTest {
    @TempDir
    Path dir;

    private static final Labels[] SERIES = new Labels[12];

    static {
        for (int i = 0; i < SERIES.length; i++) {
            SERIES[i] = Labels.of("__name__", i % 3 == 0 ? "a" : "b", "i", "" + i, "mod", "" + (i % 4));
        }
    }

    private static final Matcher[][] QUERIES = {
        {Matcher.regex("__name__", ".+")},
        {Matcher.equal("__name__", "a")},
        {Matcher.notEqual("mod", "1"), Matcher.equal("__name__", "b")},
        {Matcher.regex("i", "1.*"), Matcher.notRegex("mod", "0|3")},
        {Matcher.equal("nope", ""), Matcher.regex("i", "[0-5]")},
    };

    @Test
    void randomHistoryMatchesReferenceStorage() {
        Random r = new Random(1234);
        MemoryStorage ref = new MemoryStorage();
        TsdbOptions opts = TsdbOptions.defaults().withRetention(0).withBackgroundCompaction(false).withWalSegmentSize(64 * 1024);
        Tsdb db = Tsdb.open(dir, opts);
        try {
            long now = -3 * 3600_000L; // negative timestamps too
            int rejected = 0;
            for (int step = 0; step < 6000; step++) {
                now += 1000 + r.nextInt(20_000);
                Appender a = db.appender();
                Appender b = ref.appender();
                int n = 1 + r.nextInt(6);
                for (int k = 0; k < n; k++) {
                    Labels l = SERIES[r.nextInt(SERIES.length)];
                    long t = now + r.nextInt(500);
                    if (r.nextInt(20) == 0) {
                        t -= 30_000; // often out of order
                    }
                    double v = switch (r.nextInt(10)) {
                        case 0 -> StaleNaN.VALUE;
                        case 1 -> Double.NaN;
                        default -> r.nextInt(1000) / 8.0;
                    };
                    String e1 = tryAppend(a, l, t, v);
                    String e2 = tryAppend(b, l, t, v);
                    assertThat(e1).as("step %d", step).isEqualTo(e2);
                    if (e1 != null) {
                        rejected++;
                    }
                }
                a.commit();
                b.commit();
                if (step % 500 == 499) {
                    db.compact();
                }
                if (step % 1700 == 1699) {
                    db.close();
                    db = Tsdb.open(dir, opts);
                }
                if (step % 1000 == 999) {
                    compare(db, ref, r);
                }
            }
            assertThat(rejected).isPositive();
            assertThat(db.blocks().size()).isGreaterThan(1);
            compare(db, ref, r);
        } finally {
            db.close();
        }
    }

    private static String tryAppend(Appender a, Labels l, long t, double v) {
        try {
            a.append(0, l, t, v);
            return null;
        } catch (StorageException e) {
            return e.getMessage();
        }
    }

    private static void compare(Tsdb db, MemoryStorage ref, Random r) {
        for (Matcher[] q : QUERIES) {
            long mint = Long.MIN_VALUE;
            long maxt = Long.MAX_VALUE;
            assertThat(Samples.query(db, mint, maxt, q)).isEqualTo(Samples.query(ref, mint, maxt, q));
            mint = -3 * 3600_000L + r.nextInt(30 * 3600_000);
            maxt = mint + r.nextInt(10 * 3600_000);
            assertThat(Samples.query(db, mint, maxt, q)).as("range [%d, %d] %s", mint, maxt, q[0])
                    .isEqualTo(Samples.query(ref, mint, maxt, q));
        }
    }
}
