package dev.sextant.tsdb;

import static dev.sextant.tsdb.TsdbTest.A;
import static dev.sextant.tsdb.TsdbTest.H;
import static dev.sextant.tsdb.TsdbTest.expected;
import static dev.sextant.tsdb.TsdbTest.fill;
import static dev.sextant.tsdb.TsdbTest.manual;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.mem.MemoryLeakCheck;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.testutil.Samples;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(MemoryLeakCheck.class)
class TsdbQuerierTest {
    @TempDir
    Path dir;

    @Test
    void aQuerierOpenedBeforeAHeadCutStillSeesTheMovedSamples() {
        try (Tsdb db = Tsdb.open(dir, manual())) {
            fill(db, 0, 4 * H, 15_000, A);
            try (Querier q = db.querier(0, Long.MAX_VALUE)) {
                db.compact(); // moves [0, 2h) from the head into a block and truncates the head
                assertThat(db.blocks()).hasSize(1);
                assertThat(Samples.read(q.select(true, null, Matcher.equal("job", "a"))).get(A))
                        .isEqualTo(expected(0, 4 * H, 15_000, 0));
                assertThat(q.labelValues("job")).containsExactly("a");
            }
        }
    }

    @Test
    void deletesRacingWithAppendsReplayToTheSameAnswer() throws Exception {
        java.util.Map<dev.sextant.tsdb.model.Labels, java.util.List<Samples.Sample>> before;
        try (Tsdb db = Tsdb.open(dir, manual())) {
            java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
            // The writer pauses after its first quarter hour until a delete has run, so at least one
            // delete races with appends however the two threads are scheduled on a loaded machine.
            java.util.concurrent.CountDownLatch deleted = new java.util.concurrent.CountDownLatch(1);
            Thread writer = new Thread(() -> {
                try {
                    fill(db, 0, H / 4, 1_000, A, TsdbTest.B);
                    if (!deleted.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
                        throw new AssertionError("no delete within 60 s");
                    }
                    fill(db, H / 4, H, 1_000, A, TsdbTest.B);
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            writer.start();
            int deletes = 0;
            while (writer.isAlive()) {
                long newest = db.head().maxTime();
                if (newest > 10_000) {
                    // Up to and past the newest sample, while appends continue.
                    db.deleteSeries(newest - 2_000, newest + 2_000, Matcher.equal("job", "a"));
                    deletes++;
                    deleted.countDown();
                }
                Samples.query(db, 0, Long.MAX_VALUE, Matcher.equal("__name__", "up"));
            }
            writer.join();
            assertThat(deletes).isPositive();
            assertThat(failure.get()).isNull();
            before = Samples.query(db, 0, Long.MAX_VALUE, Matcher.equal("__name__", "up"));
            assertThat(before.get(TsdbTest.B)).hasSize(3600);
            assertThat(before.get(A).size()).isLessThan(3600);
        }
        try (Tsdb db = Tsdb.open(dir, manual())) {
            assertThat(Samples.query(db, 0, Long.MAX_VALUE, Matcher.equal("__name__", "up"))).isEqualTo(before);
        }
    }

    @Test
    void deletionsApplyToQueriersOpenedBefore() {
        try (Tsdb db = Tsdb.open(dir, manual())) {
            fill(db, 0, H, 15_000, A);
            try (Querier q = db.querier(0, Long.MAX_VALUE)) {
                db.deleteSeries(0, H, Matcher.equal("job", "a"));
                assertThat(Samples.read(q.select(true, null, Matcher.equal("job", "a")))).isEmpty();
            }
        }
    }
}
