package dev.sextant.tsdb.head;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.mem.MemoryLeakCheck;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.storage.SeriesHandle;
import dev.sextant.tsdb.testutil.Samples;
import dev.sextant.tsdb.testutil.Samples.Sample;
import dev.sextant.tsdb.wal.Wal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Appends through {@link SeriesHandle}s: the series itself, taken only while it is still the ref's and stored. */
@ExtendWith(MemoryLeakCheck.class)
class HeadAppenderHandleTest {
    private static final long H2 = 2 * 3600_000L;
    private static final Labels A = Labels.of("__name__", "a", "job", "j");
    private static final Labels B = Labels.of("__name__", "b", "job", "j");

    @TempDir
    Path dir;

    private static HeadOptions opts() {
        return new HeadOptions(H2, 120, 16, 4 * Wal.PAGE_SIZE);
    }

    @Test
    void aHandleAppendsToItsRefsSeriesAndOnlyThen() {
        try (Head head = Head.open(null, opts(), Long.MIN_VALUE)) {
            Appender app = head.appender();
            long ra = app.append(0, A, 1000, 1);
            long rb = app.append(0, B, 1000, 1);
            app.commit();
            Appender next = head.appender();
            SeriesHandle ha = next.handle(ra);
            SeriesHandle hb = next.handle(rb);
            assertThat(ha).isNotNull().isNotSameAs(hb);
            assertThat(next.handle(12345)).isNull();
            assertThat(next.handle(0)).isNull();
            Labels sa = next.storedLabels(ra);
            Labels sb = next.storedLabels(rb);
            assertThat(next.append(ha, ra, sa, 2000, 2)).isEqualTo(ra);
            // A handle that is not the ref's series (a caller's mix-up) is ignored: the ref decides.
            assertThat(next.append(ha, rb, sb, 2000, 20)).isEqualTo(rb);
            // A handle of another kind, or none, falls back to the ref; an unknown ref to the labels.
            assertThat(next.append(new SeriesHandle() {}, ra, sa, 3000, 3)).isEqualTo(ra);
            assertThat(next.append(null, 999_999, B, 3000, 30)).isEqualTo(rb);
            next.commit();
            assertThat(Samples.query(head, 0, Long.MAX_VALUE, Matcher.equal("job", "j"))).isEqualTo(Map.of(
                    A, List.of(Sample.of(1000, 1), Sample.of(2000, 2), Sample.of(3000, 3)),
                    B, List.of(Sample.of(1000, 1), Sample.of(2000, 20), Sample.of(3000, 30))));
        }
    }

    @Test
    void aStaleHandleOfACollectedSeriesIsNeverAppendedToAndTheSampleSurvivesReplay() {
        long oldRef;
        long newRef;
        try (Head head = Head.open(dir, opts(), Long.MIN_VALUE)) {
            Appender first = head.appender();
            oldRef = first.append(0, A, 1000, 1);
            first.commit();
            Appender look = head.appender();
            SeriesHandle stale = look.handle(oldRef);
            Labels stored = look.storedLabels(oldRef);
            look.rollback();
            head.truncate(H2); // only old samples: collected
            assertThat(head.numSeries()).isZero();
            MemSeries collected = (MemSeries) stale;
            assertThat(collected.removed).isTrue();

            Appender app = head.appender();
            assertThat(app.handle(oldRef)).isNull();
            newRef = app.append(stale, oldRef, stored, 3 * H2, 3);
            assertThat(newRef).isNotEqualTo(oldRef);
            app.commit();
            // The collected series took nothing; a live one for the same labels holds the sample.
            assertThat(collected.lastTimestamp()).isEqualTo(1000);
            assertThat(head.numSeries()).isEqualTo(1);
            Appender again = head.appender();
            SeriesHandle fresh = again.handle(newRef);
            assertThat(fresh).isNotNull().isNotSameAs(stale);
            assertThat(again.append(fresh, newRef, again.storedLabels(newRef), 3 * H2 + 1, 4)).isEqualTo(newRef);
            again.commit();
            assertThat(Samples.query(head, 0, Long.MAX_VALUE, Matcher.equal("job", "j"))).isEqualTo(Map.of(
                    A, List.of(Sample.of(3 * H2, 3), Sample.of(3 * H2 + 1, 4))));
        }
        try (Head head = Head.open(dir, opts(), H2)) {
            assertThat(Samples.query(head, 0, Long.MAX_VALUE, Matcher.equal("job", "j"))).isEqualTo(Map.of(
                    A, List.of(Sample.of(3 * H2, 3), Sample.of(3 * H2 + 1, 4))));
        }
    }

    @Test
    void prefetchReadsLiveCollectedAndForeignHandlesAndChangesNothing() {
        try (Head head = Head.open(null, opts(), Long.MIN_VALUE)) {
            Appender app = head.appender();
            long ra = app.append(0, A, 1000, 1);
            long rb = app.append(0, B, 5 * H2, 1);
            app.commit();
            HeadAppender next = (HeadAppender) head.appender();
            SeriesHandle ha = next.handle(ra);
            SeriesHandle hb = next.handle(rb);
            head.truncate(H2); // collects A
            SeriesHandle[] hs = {null, ha, new SeriesHandle() {}, hb, null};
            next.prefetch(hs, 0, hs.length);
            assertThat(next.prefetched).isNotZero(); // the reads happened (timestamps are non-zero)
            next.prefetch(hs, 2, 2);
            assertThat(next.append(hb, rb, next.storedLabels(rb), 5 * H2 + 1, 2)).isEqualTo(rb);
            next.commit();
            assertThat(Samples.query(head, 0, Long.MAX_VALUE, Matcher.equal("job", "j"))).isEqualTo(Map.of(
                    B, List.of(Sample.of(5 * H2, 1), Sample.of(5 * H2 + 1, 2))));
        }
    }
}
