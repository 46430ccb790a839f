package dev.sextant.tsdb.head;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.tsdb.mem.MemoryLeakCheck;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.model.StaleNaN;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.SampleIterator;
import dev.sextant.tsdb.storage.SeriesSet;
import dev.sextant.tsdb.storage.StorageException;
import dev.sextant.tsdb.testutil.Samples;
import dev.sextant.tsdb.testutil.Samples.Sample;
import dev.sextant.tsdb.wal.Records;
import dev.sextant.tsdb.wal.Wal;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(MemoryLeakCheck.class)
class HeadTest {
    private static final long H2 = 2 * 3600_000L;
    private static final Labels UP_A = Labels.of("__name__", "up", "job", "a");
    private static final Labels UP_B = Labels.of("__name__", "up", "job", "b", "zone", "z1");
    private static final Labels REQ = Labels.of("__name__", "req", "job", "a");

    @TempDir
    Path dir;

    private static HeadOptions opts() {
        return new HeadOptions(H2, 120, 16, 4 * Wal.PAGE_SIZE);
    }

    @Test
    void appendCommitQueryWithMatchers() {
        try (Head head = Head.open(null, opts(), Long.MIN_VALUE)) {
            Appender app = head.appender();
            long ref = app.append(0, UP_A, 1000, 1);
            assertThat(app.append(ref, UP_A, 2000, 2)).isEqualTo(ref);
            app.append(0, UP_B, 1000, 3);
            app.append(0, REQ, 1500, StaleNaN.VALUE);
            // Not visible before commit.
            assertThat(Samples.query(head, 0, 10_000, Matcher.equal("__name__", "up"))).isEmpty();
            app.commit();

            assertThat(Samples.query(head, 0, 10_000, Matcher.equal("__name__", "up")))
                    .containsOnlyKeys(UP_A, UP_B);
            assertThat(Samples.query(head, 0, 10_000, Matcher.equal("job", "a"), Matcher.notEqual("__name__", "up")).get(REQ))
                    .containsExactly(new Sample(1500, StaleNaN.BITS));
            assertThat(Samples.query(head, 0, 10_000, Matcher.regex("__name__", "u.*"), Matcher.equal("zone", "")))
                    .containsOnlyKeys(UP_A);
            assertThat(Samples.query(head, 0, 10_000, Matcher.notRegex("job", "b"), Matcher.regex("__name__", ".+")))
                    .containsOnlyKeys(REQ, UP_A);
            assertThat(Samples.query(head, 1500, 10_000, Matcher.equal("job", "a")).get(UP_A))
                    .containsExactly(Sample.of(2000, 2));
            assertThat(Samples.query(head, 3000, 10_000, Matcher.equal("job", "a"))).isEmpty();
            try (Querier q = head.querier(0, 10_000)) {
                assertThat(q.labelNames()).containsExactly("__name__", "job", "zone");
                assertThat(q.labelValues("job")).containsExactly("a", "b");
                assertThat(q.labelValues("job", Matcher.equal("__name__", "req"))).containsExactly("a");
                assertThat(q.labelNames(Matcher.equal("job", "a"))).containsExactly("__name__", "job");
            }
        }
    }

    @Test
    void newSeriesShareTheIndexsLabelStringsAndStoredLabelsAnswersByRef() {
        try (Head head = Head.open(null, opts(), Long.MIN_VALUE)) {
            Appender app = head.appender();
            // Fresh String instances, as a decoder would produce them.
            Labels a = Labels.of(new String("__name__"), new String("up"), new String("job"), new String("a"));
            Labels b = Labels.of(new String("__name__"), new String("up"), new String("job"), new String("b"));
            long ra = app.append(0, a, 1000, 1);
            long rb = app.append(0, b, 1000, 1);
            app.commit();
            Labels sa = head.appender().storedLabels(ra);
            Labels sb = head.appender().storedLabels(rb);
            assertThat(sa).isEqualTo(a);
            assertThat(sb).isEqualTo(b);
            assertThat(sb.name(0)).isSameAs(sa.name(0));
            assertThat(sb.value(0)).isSameAs(sa.value(0));
            assertThat(sb.name(1)).isSameAs(sa.name(1));
            assertThat(head.appender().storedLabels(12345)).isNull();
            // Lookups with the caller's (non-interned) labels still find the series.
            Appender again = head.appender();
            assertThat(again.append(0, Labels.of("__name__", "up", "job", "b"), 2000, 2)).isEqualTo(rb);
            again.commit();
        }
    }

    @Test
    void seriesRecordsAreLoggedByTheFirstCommitThatUsesThemWhicheverAppenderCreatedThem() throws Exception {
        Labels shared = Labels.of("__name__", "shared", "job", "a");
        Labels late = Labels.of("__name__", "late", "job", "a");
        try (Head head = Head.open(dir, opts(), Long.MIN_VALUE)) {
            Appender creator = head.appender();
            creator.append(0, shared, 1000, 1); // creates the series, commits last
            creator.append(0, late, 1000, 1);
            Appender other = head.appender();
            other.append(0, shared, 2000, 2); // finds the uncommitted series
            other.commit();
            creator.commit();
            Appender rolledBack = head.appender();
            rolledBack.append(0, Labels.of("__name__", "never", "job", "a"), 1000, 1);
            rolledBack.rollback();
            Appender next = head.appender();
            next.append(0, late, 3000, 3);
            next.commit();
        }
        // Replay: every committed sample is back (the second sample of "shared" arrived first, but
        // its series record came with it); the rolled-back series was never logged.
        int seriesRecords = 0;
        List<Records.RefSeries> logged = new ArrayList<>();
        try (dev.sextant.tsdb.wal.WalReader r = new dev.sextant.tsdb.wal.WalReader(dir, Wal.segments(dir))) {
            while (r.next()) {
                if (Records.type(r.record(), r.recordLength()) == Records.SERIES) {
                    seriesRecords++;
                    Records.decodeSeries(r.record(), r.recordLength(), logged);
                }
            }
        }
        assertThat(logged).extracting(Records.RefSeries::labels).containsExactlyInAnyOrder(shared, late);
        assertThat(seriesRecords).isEqualTo(2); // one per commit that brought new series
        try (Head head = Head.open(dir, opts(), Long.MIN_VALUE)) {
            assertThat(Samples.query(head, 0, 10_000, Matcher.equal("job", "a"))).isEqualTo(Map.of(
                    shared, List.of(Sample.of(2000, 2)),
                    late, List.of(Sample.of(1000, 1), Sample.of(3000, 3))));
        }
    }

    @Test
    void aRefOfAnotherSeriesIsCaughtAndAnEqualCopyOfTheLabelsUsesTheRef() {
        try (Head head = Head.open(null, opts(), Long.MIN_VALUE)) {
            Appender app = head.appender();
            long a = app.append(0, UP_A, 1000, 1);
            long b = app.append(0, UP_B, 1000, 2);
            app.commit();
            app = head.appender();
            // UP_B's ref passed with UP_A's labels: the sample goes to UP_A, whose ref comes back.
            assertThat(app.append(b, UP_A, 2000, 3)).isEqualTo(a);
            // A fresh, equal copy of UP_B (not the head's instance) with its ref.
            assertThat(app.append(b, Labels.of("job", "b", "__name__", "up", "zone", "z1"), 2000, 4)).isEqualTo(b);
            app.commit();
            Map<Labels, List<Sample>> all = Samples.query(head, 0, Long.MAX_VALUE, Matcher.regex("__name__", ".+"));
            assertThat(all.get(UP_A)).containsExactly(Sample.of(1000, 1), Sample.of(2000, 3));
            assertThat(all.get(UP_B)).containsExactly(Sample.of(1000, 2), Sample.of(2000, 4));
        }
    }

    @Test
    void rejectionsCarryPrometheusTexts() {
        try (Head head = Head.open(null, opts(), Long.MIN_VALUE)) {
            Appender app = head.appender();
            app.append(0, UP_A, 10 * H2, 1);
            app.commit();
            Appender a2 = head.appender();
            assertThatThrownBy(() -> a2.append(0, UP_A, 10 * H2 - 1, 1))
                    .isInstanceOf(StorageException.OutOfOrder.class).hasMessage("out of order sample");
            assertThatThrownBy(() -> a2.append(0, UP_A, 10 * H2, 2))
                    .isInstanceOf(StorageException.DuplicateSample.class).hasMessage("duplicate sample for timestamp");
            assertThatThrownBy(() -> a2.append(0, REQ, 10 * H2 - H2 / 2 - 1, 1))
                    .isInstanceOf(StorageException.OutOfBounds.class).hasMessage("out of bounds");
            assertThatThrownBy(() -> a2.append(0, Labels.EMPTY, 10 * H2, 1))
                    .isInstanceOf(StorageException.InvalidLabels.class);
            // Same timestamp and value is accepted and is a no-op; the appender stays usable.
            a2.append(0, UP_A, 10 * H2, 1);
            a2.append(0, UP_A, 10 * H2 + 1, 5);
            a2.commit();
            assertThat(Samples.query(head, 0, Long.MAX_VALUE, Matcher.equal("job", "a")).get(UP_A))
                    .containsExactly(Sample.of(10 * H2, 1), Sample.of(10 * H2 + 1, 5));
            assertThatThrownBy(() -> a2.append(0, UP_A, 10 * H2 + 2, 1)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void rollbackDiscards() {
        try (Head head = Head.open(null, opts(), Long.MIN_VALUE)) {
            Appender app = head.appender();
            app.append(0, UP_A, 1, 1);
            app.rollback();
            assertThat(Samples.query(head, 0, 10, Matcher.equal("job", "a"))).isEmpty();
            assertThat(head.isEmpty()).isTrue();
        }
    }

    @Test
    void chunksAreCutLikePrometheusAndNeverCrossTwoHourBoundaries() {
        try (Head head = Head.open(null, opts(), Long.MIN_VALUE)) {
            long start = 1_700_000_000_000L / H2 * H2 + 600_000; // 10 minutes into a window
            for (int i = 0; i < 2000; i++) {
                Appender app = head.appender();
                app.append(0, UP_A, start + i * 15_000L, i);
                app.commit();
            }
            MemSeries s = head.series.getByLabels(UP_A);
            synchronized (s) {
                for (int i = 0; i < s.fullCount; i++) {
                    assertThat(s.mint(i) / H2).as("chunk %d stays in one 2h window", i).isEqualTo(s.maxt(i) / H2);
                    long samples = (s.maxt(i) - s.mint(i)) / 15_000 + 1;
                    assertThat(samples).isBetween(100L, 240L);
                }
                // The first window holds 440 samples (110 min at 15s). After 30 samples (435 s):
                // n = 6600 s / (435.001 s * 4) = 3.79 -> 3 chunks of 2200 s = 147, 147, 146 samples.
                assertThat((s.maxt(0) - s.mint(0)) / 15_000 + 1).isEqualTo(147);
                assertThat((s.maxt(2) - s.mint(2)) / 15_000 + 1).isEqualTo(146);
                assertThat(s.maxt(2) + 15_000).isEqualTo(start / H2 * H2 + H2);
                // A full window (480 samples): n = 7200 / (435.001 * 4) = 4.13 -> 4 chunks of 120.
                assertThat((s.maxt(3) - s.mint(3)) / 15_000 + 1).isEqualTo(120);
                assertThat(s.mint(3) % H2).isZero();
            }
            Map<Labels, List<Sample>> all = Samples.query(head, 0, Long.MAX_VALUE, Matcher.equal("job", "a"));
            assertThat(all.get(UP_A)).hasSize(2000);
            assertThat(head.offHeapBytes()).isPositive();
        }
    }

    @Test
    void computeChunkEndTimeSpreadsTheWindow() {
        // 30 samples at 15s took 435s of a 7200s window: n = 7200/(436*4) = 4.13 -> 4 chunks of 1800s.
        assertThat(MemSeries.computeChunkEndTime(0, 435_000, 7_200_000)).isEqualTo(1_800_000);
        assertThat(MemSeries.computeChunkEndTime(0, 7_000_000, 7_200_000)).isEqualTo(7_200_000);
        assertThat(MemSeries.rangeEnd(7_199_999, H2)).isEqualTo(H2);
        assertThat(MemSeries.rangeEnd(H2, H2)).isEqualTo(2 * H2);
    }

    @Test
    void seekAcrossChunks() {
        try (Head head = Head.open(null, opts(), Long.MIN_VALUE)) {
            Appender app = head.appender();
            for (int i = 0; i < 1000; i++) {
                app.append(0, UP_A, i * 10_000L, i);
            }
            app.commit();
            try (Querier q = head.querier(0, Long.MAX_VALUE)) {
                SeriesSet set = q.select(false, null, Matcher.equal("job", "a"));
                assertThat(set.next()).isTrue();
                SampleIterator it = set.at().iterator(null);
                assertThat(it.seek(5_000_001)).isTrue();
                assertThat(it.atT()).isEqualTo(5_010_000);
                assertThat(it.atV()).isEqualTo(501);
                assertThat(it.seek(0)).isTrue();
                assertThat(it.atT()).isEqualTo(5_010_000);
                assertThat(it.next()).isTrue();
                assertThat(it.atT()).isEqualTo(5_020_000);
                assertThat(it.seek(9_990_000)).isTrue();
                assertThat(it.next()).isFalse();
            }
        }
    }

    @Test
    void walReplayRestoresSeriesSamplesAndRefs() {
        long ref;
        try (Head head = Head.open(dir, opts(), Long.MIN_VALUE)) {
            Appender app = head.appender();
            ref = app.append(0, UP_A, 1000, 1);
            app.append(0, UP_B, 1000, 2);
            for (int i = 1; i < 500; i++) {
                app.append(ref, UP_A, 1000 + i * 15_000L, i);
            }
            app.commit();
            Appender rolled = head.appender();
            rolled.append(0, REQ, 7_000_000, 1);
            rolled.rollback();
        }
        try (Head head = Head.open(dir, opts(), Long.MIN_VALUE)) {
            Map<Labels, List<Sample>> all = Samples.query(head, 0, Long.MAX_VALUE, Matcher.regex("__name__", ".+"));
            assertThat(all).containsOnlyKeys(UP_A, UP_B);
            assertThat(all.get(UP_A)).hasSize(500);
            assertThat(all.get(UP_A).get(499)).isEqualTo(Sample.of(1000 + 499 * 15_000L, 499));
            assertThat(head.minTime()).isEqualTo(1000);
            // The ref survives the restart, and new series get fresh refs.
            Appender app = head.appender();
            assertThat(app.append(ref, UP_A, 10_000_000, 7)).isEqualTo(ref);
            assertThat(app.append(0, Labels.of("__name__", "new"), 10_000_000, 7)).isGreaterThan(2);
            app.commit();
        }
    }

    @Test
    void replayMapsDuplicateSeriesRecordsOntoTheFirstAndDropsUnknownRefs() {
        dev.sextant.tsdb.encoding.Encbuf enc = new dev.sextant.tsdb.encoding.Encbuf();
        try (Wal wal = new Wal(dir, Wal.DEFAULT_SEGMENT_SIZE)) {
            dev.sextant.tsdb.wal.Records.encodeSeries(enc, List.of(new dev.sextant.tsdb.wal.Records.RefSeries(1, UP_A)));
            wal.log(enc.toByteArray());
            enc.reset();
            dev.sextant.tsdb.wal.Records.encodeSeries(enc, List.of(new dev.sextant.tsdb.wal.Records.RefSeries(5, UP_A)));
            wal.log(enc.toByteArray());
            enc.reset();
            dev.sextant.tsdb.wal.Records.encodeSamples(enc, new long[] {1, 5, 9}, new long[] {1000, 2000, 3000},
                    new double[] {1, 2, 3}, 0, 3);
            wal.log(enc.toByteArray());
        }
        try (Head head = Head.open(dir, opts(), Long.MIN_VALUE)) {
            assertThat(head.numSeries()).isEqualTo(1);
            assertThat(Samples.query(head, 0, Long.MAX_VALUE, Matcher.equal("job", "a")).get(UP_A))
                    .containsExactly(Sample.of(1000, 1), Sample.of(2000, 2));
            Appender app = head.appender();
            assertThat(app.append(0, REQ, 4000, 1)).isEqualTo(6); // refs continue after the highest seen
            app.commit();
        }
    }

    @Test
    void tornWalTailIsCutOffAndEarlierDataSurvives() throws IOException {
        try (Head head = Head.open(dir, opts(), Long.MIN_VALUE)) {
            for (int i = 0; i < 50; i++) {
                Appender app = head.appender();
                app.append(0, UP_A, i * 1000L, i);
                app.commit();
            }
        }
        Path seg = dir.resolve("00000000");
        long size;
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            // Chop the segment inside the last records (the closed page is zero-padded to 32 KiB).
            long used = 0;
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate((int) ch.size());
            ch.read(bb, 0);
            byte[] b = bb.array();
            for (int i = b.length - 1; i >= 0; i--) {
                if (b[i] != 0) {
                    used = i + 1;
                    break;
                }
            }
            ch.truncate(used - 10);
            size = used - 10;
        }
        assertThat(size).isPositive();
        try (Head head = Head.open(dir, opts(), Long.MIN_VALUE)) {
            List<Sample> got = Samples.query(head, 0, Long.MAX_VALUE, Matcher.equal("job", "a")).get(UP_A);
            assertThat(got).hasSize(49);
            Appender app = head.appender();
            app.append(0, UP_A, 100_000, 1);
            app.commit();
        }
        try (Head head = Head.open(dir, opts(), Long.MIN_VALUE)) {
            assertThat(Samples.query(head, 0, Long.MAX_VALUE, Matcher.equal("job", "a")).get(UP_A)).hasSize(50);
        }
    }

    @Test
    void truncateDropsOldChunksCollectsSeriesAndCheckpoints() throws IOException {
        try (Head head = Head.open(dir, opts(), Long.MIN_VALUE)) {
            Appender app = head.appender();
            for (int i = 0; i < 3 * 480; i++) { // 6 hours at 15s
                app.append(0, UP_A, i * 15_000L, i);
            }
            app.append(0, UP_B, 1000, 1); // only old data: collected
            app.commit();
            for (int k = 0; k < 6; k++) {
                head.wal.nextSegment(); // make segments so the checkpoint has something to cover
                Appender a = head.appender();
                a.append(0, UP_A, 3 * H2 + k, k);
                a.commit();
            }
            head.truncate(H2);
            assertThat(head.minTime()).isEqualTo(H2);
            assertThat(head.numSeries()).isEqualTo(1);
            assertThat(Samples.query(head, 0, Long.MAX_VALUE, Matcher.regex("job", ".+")))
                    .containsOnlyKeys(UP_A);
            assertThat(dev.sextant.tsdb.wal.Checkpoint.last(dir)).isNotNull();
            assertThatThrownBy(() -> {
                Appender a = head.appender();
                a.append(0, REQ, H2 - 1, 1);
            }).isInstanceOf(StorageException.OutOfBounds.class);
        }
        try (Head head = Head.open(dir, opts(), H2)) {
            List<Sample> got = Samples.query(head, 0, Long.MAX_VALUE, Matcher.equal("job", "a")).get(UP_A);
            assertThat(got.get(0).t()).isEqualTo(H2);
            assertThat(got).hasSize(2 * 480 + 6);
            assertThat(head.numSeries()).isEqualTo(1);
        }
    }

    @Test
    void truncationWaitsForOpenQueriersBeforeFreeing() {
        try (Head head = Head.open(null, opts(), Long.MIN_VALUE)) {
            Appender app = head.appender();
            for (int i = 0; i < 2 * 480; i++) {
                app.append(0, UP_A, i * 15_000L, i);
            }
            app.commit();
            try (Querier q = head.querier(0, Long.MAX_VALUE)) {
                SeriesSet set = q.select(false, null, Matcher.equal("job", "a"));
                head.truncate(H2);
                assertThat(set.next()).isTrue();
                SampleIterator it = set.at().iterator(null);
                int n = 0;
                while (it.next()) {
                    n++;
                }
                assertThat(it.error()).isNull();
                assertThat(n).isEqualTo(2 * 480);
            }
        }
    }

    @Test
    void truncationRacingWithAppendsLosesNothing() throws Exception {
        try (Head head = Head.open(null, opts(), Long.MIN_VALUE)) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            Future<?> trunc = pool.submit(() -> {
                for (int i = 0; i < 300; i++) {
                    head.truncate(1000); // every series is empty before it commits: a GC candidate
                }
            });
            Future<?> app = pool.submit(() -> {
                for (int i = 0; i < 3000; i++) {
                    Appender a = head.appender();
                    a.append(0, Labels.of("__name__", "r", "i", "" + i), 5000, i);
                    a.commit();
                }
            });
            app.get(60, TimeUnit.SECONDS);
            trunc.get(60, TimeUnit.SECONDS);
            pool.shutdown();
            assertThat(Samples.query(head, 0, Long.MAX_VALUE, Matcher.equal("__name__", "r"))).hasSize(3000);
        }
    }

    @Test
    void seriesCollectedBetweenAppendAndCommitAreRecreatedAndTheirSamplesSurviveReplay() {
        Labels fresh = Labels.of("__name__", "fresh", "job", "a");
        Labels old = Labels.of("__name__", "old", "job", "a");
        long oldRef;
        try (Head head = Head.open(dir, opts(), Long.MIN_VALUE)) {
            Appender first = head.appender();
            oldRef = first.append(0, old, 1000, 1);
            first.commit();
            Appender app = head.appender();
            app.append(0, fresh, 3 * H2, 2); // a new series: no samples until the commit
            assertThat(app.append(oldRef, old, 3 * H2, 3)).isEqualTo(oldRef); // only old samples so far
            head.truncate(H2); // collects both: nothing pins a series between append and commit
            assertThat(head.numSeries()).isZero();
            app.commit();
            assertThat(head.numSeries()).isEqualTo(2);
            assertThat(Samples.query(head, 0, Long.MAX_VALUE, Matcher.equal("job", "a"))).isEqualTo(Map.of(
                    fresh, List.of(Sample.of(3 * H2, 2)),
                    old, List.of(Sample.of(3 * H2, 3))));
            // The recreated series has a new ref; the old one no longer resolves.
            Appender next = head.appender();
            long newRef = next.append(oldRef, old, 3 * H2 + 1, 4);
            assertThat(newRef).isNotEqualTo(oldRef);
            next.commit();
        }
        try (Head head = Head.open(dir, opts(), H2)) {
            assertThat(Samples.query(head, 0, Long.MAX_VALUE, Matcher.equal("job", "a"))).isEqualTo(Map.of(
                    fresh, List.of(Sample.of(3 * H2, 2)),
                    old, List.of(Sample.of(3 * H2, 3), Sample.of(3 * H2 + 1, 4))));
        }
    }

    @Test
    void appendersReuseTheirBuffersWithoutCarryingSamplesOver() {
        try (Head head = Head.open(dir, opts(), Long.MIN_VALUE)) {
            Appender big = head.appender();
            for (int s = 0; s < 25_000; s++) { // more than one WAL samples record (10,000 each)
                big.append(0, Labels.of("__name__", "big", "s", Integer.toString(s)), 1000, s);
            }
            big.commit();
            Appender rolled = head.appender();
            for (int s = 0; s < 3000; s++) {
                rolled.append(0, Labels.of("__name__", "big", "s", Integer.toString(s)), 2000, -1);
            }
            rolled.rollback();
            Appender small = head.appender();
            small.append(0, Labels.of("__name__", "big", "s", "7"), 3000, 70);
            small.append(0, UP_A, 3000, 1);
            small.commit();
            Appender empty = head.appender();
            empty.commit();
            Map<Labels, List<Sample>> all = Samples.query(head, 0, Long.MAX_VALUE, Matcher.regex("__name__", ".+"));
            assertThat(all).hasSize(25_001);
            assertThat(all.get(Labels.of("__name__", "big", "s", "7"))).containsExactly(Sample.of(1000, 7), Sample.of(3000, 70));
            assertThat(all.get(Labels.of("__name__", "big", "s", "2999"))).containsExactly(Sample.of(1000, 2999));
            assertThat(all.get(UP_A)).containsExactly(Sample.of(3000, 1));
        }
        try (Head head = Head.open(dir, opts(), Long.MIN_VALUE)) {
            Map<Labels, List<Sample>> all = Samples.query(head, 0, Long.MAX_VALUE, Matcher.regex("__name__", ".+"));
            assertThat(all).hasSize(25_001);
            assertThat(all.get(Labels.of("__name__", "big", "s", "24999"))).containsExactly(Sample.of(1000, 24999));
            assertThat(all.get(Labels.of("__name__", "big", "s", "7"))).containsExactly(Sample.of(1000, 7), Sample.of(3000, 70));
        }
    }

    @Test
    void twoAppendersWithTheSameTimestampKeepTheFirstCommitAndTheLaterCheckIsExact() {
        try (Head head = Head.open(null, opts(), Long.MIN_VALUE)) {
            Appender a = head.appender();
            Appender b = head.appender();
            a.append(0, UP_A, 1000, 1);
            b.append(0, UP_A, 1000, 2); // both newer than anything committed: accepted without the lock
            b.commit();
            a.commit(); // lost the race: dropped at commit, as in Prometheus
            assertThat(Samples.query(head, 0, Long.MAX_VALUE, Matcher.equal("job", "a")).get(UP_A))
                    .containsExactly(Sample.of(1000, 2));
            Appender c = head.appender();
            assertThatThrownBy(() -> c.append(0, UP_A, 1000, 1)).isInstanceOf(StorageException.DuplicateSample.class);
            c.append(0, UP_A, 1000, 2); // same value: accepted, a no-op
            assertThatThrownBy(() -> c.append(0, UP_A, 999, 2)).isInstanceOf(StorageException.OutOfOrder.class);
            c.commit();
            assertThat(head.stats().samplesAppended()).isEqualTo(1);
        }
    }

    @Test
    void concurrentAppendersAndReaders() throws Exception {
        try (Head head = Head.open(dir, opts(), Long.MIN_VALUE)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> fs = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                int worker = w;
                fs.add(pool.submit(() -> {
                    long[] refs = new long[50];
                    for (int i = 0; i < 200; i++) {
                        Appender app = head.appender();
                        for (int s = 0; s < 50; s++) {
                            Labels l = Labels.of("__name__", "m", "w", "" + worker, "s", "" + s);
                            refs[s] = app.append(refs[s], l, i * 1000L, i);
                        }
                        app.commit();
                    }
                }));
            }
            fs.add(pool.submit(() -> {
                for (int i = 0; i < 50; i++) {
                    Samples.query(head, 0, Long.MAX_VALUE, Matcher.equal("__name__", "m"));
                }
            }));
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            Map<Labels, List<Sample>> all = Samples.query(head, 0, Long.MAX_VALUE, Matcher.equal("__name__", "m"));
            assertThat(all).hasSize(150);
            assertThat(all.values()).allSatisfy(l -> assertThat(l).hasSize(200));
        }
    }
}
