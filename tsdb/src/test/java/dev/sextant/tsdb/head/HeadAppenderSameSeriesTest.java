package dev.sextant.tsdb.head;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.mem.MemoryLeakCheck;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.testutil.Samples;
import dev.sextant.tsdb.testutil.Samples.Sample;
import dev.sextant.tsdb.wal.Wal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A ref that names another series than the caller's labels: the sample goes to the labels' series. */
@ExtendWith(MemoryLeakCheck.class)
class HeadAppenderSameSeriesTest {
    private static HeadOptions opts() {
        return new HeadOptions(2 * 3600_000L, 120, 16, 4 * Wal.PAGE_SIZE);
    }

    /**
     * Two different label sets with the same 32-bit hash: Labels hashes like {@code List.hashCode}
     * over String hashes, and "Aa" and "BB" have the same String hash, so any two values that differ
     * only there collide (not a contrived case: short codes in values do this).
     */
    static Labels[] hashCollision() {
        return new Labels[] {
            Labels.of("__name__", "m", "instance", "host-Aa"), Labels.of("__name__", "m", "instance", "host-BB")
        };
    }

    @Test
    void refOfACollidingSeriesDoesNotTakeTheSample() {
        Labels[] c = hashCollision();
        Labels a = c[0];
        Labels b = c[1];
        assertThat(a.hashCode()).isEqualTo(b.hashCode());
        assertThat(a).isNotEqualTo(b);
        try (Head head = Head.open(null, opts(), Long.MIN_VALUE)) {
            Appender app = head.appender();
            long refA = app.append(0, a, 1000, 1);
            app.commit();

            app = head.appender();
            // A caller that mixed up its refs: A's ref with B's labels (a copy, not the head's instance).
            long got = app.append(refA, Labels.of("__name__", "m", "instance", b.get("instance")), 2000, 2);
            app.commit();

            assertThat(got).isNotEqualTo(refA);
            assertThat(Samples.query(head, 0, 10_000, Matcher.equal("__name__", "m")))
                    .containsOnlyKeys(a, b)
                    .containsEntry(a, java.util.List.of(Sample.of(1000, 1)))
                    .containsEntry(b, java.util.List.of(Sample.of(2000, 2)));
        }
    }

    @Test
    void refWithEqualLabelsInstanceStaysOnItsSeries() {
        try (Head head = Head.open(null, opts(), Long.MIN_VALUE)) {
            Labels l = Labels.of("__name__", "m", "job", "x");
            Appender app = head.appender();
            long ref = app.append(0, l, 1000, 1);
            // Equal labels, another instance, several samples (the remote-write 2.0 receiver's pattern).
            Labels copy = Labels.of("__name__", "m", "job", "x");
            assertThat(app.append(ref, copy, 2000, 2)).isEqualTo(ref);
            assertThat(app.append(ref, copy, 3000, 3)).isEqualTo(ref);
            app.commit();
            assertThat(Samples.query(head, 0, 10_000, Matcher.equal("job", "x")).get(l))
                    .containsExactly(Sample.of(1000, 1), Sample.of(2000, 2), Sample.of(3000, 3));
        }
    }
}
