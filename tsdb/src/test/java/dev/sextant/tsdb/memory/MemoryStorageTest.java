package dev.sextant.tsdb.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.SampleIterator;
import dev.sextant.tsdb.storage.SeriesSet;
import dev.sextant.tsdb.storage.StorageException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryStorageTest {
    private final MemoryStorage storage = new MemoryStorage();

    @Test
    void samplesAreVisibleOnlyAfterCommit() {
        Appender app = storage.appender();
        app.append(0, Labels.of("__name__", "up", "job", "a"), 1000, 1);
        try (Querier q = storage.querier(0, 10_000)) {
            assertThat(q.select(false, null, Matcher.equal("__name__", "up")).next()).isFalse();
        }
        app.commit();
        try (Querier q = storage.querier(0, 10_000)) {
            SeriesSet ss = q.select(false, null, Matcher.equal("__name__", "up"));
            assertThat(ss.next()).isTrue();
            assertThat(ss.at().labels()).isEqualTo(Labels.of("__name__", "up", "job", "a"));
        }
    }

    @Test
    void rollbackDiscards() {
        Appender app = storage.appender();
        app.append(0, Labels.of("__name__", "x"), 1, 1);
        app.rollback();
        try (Querier q = storage.querier(0, 10)) {
            assertThat(q.select(false, null, Matcher.equal("__name__", "x")).next()).isFalse();
        }
    }

    @Test
    void refsSkipLookupAndStaleRefsAreTolerated() {
        Appender app = storage.appender();
        Labels l = Labels.of("__name__", "x");
        long ref = app.append(0, l, 1, 1);
        assertThat(app.append(ref, l, 2, 2)).isEqualTo(ref);
        assertThat(app.append(ref, Labels.of("__name__", "y"), 2, 2)).isNotEqualTo(ref);
        app.commit();
        assertThat(samples(0, 10, Matcher.equal("__name__", "x"))).containsExactly(1L, 1.0, 2L, 2.0);
    }

    @Test
    void rejectsOutOfOrderAndDuplicatesWithPrometheusTexts() {
        Appender app = storage.appender();
        Labels l = Labels.of("__name__", "x");
        app.append(0, l, 100, 1);
        app.commit();
        Appender next = storage.appender();
        assertThatThrownBy(() -> next.append(0, l, 50, 1)).hasMessage("out of order sample");
        assertThatThrownBy(() -> next.append(0, l, 100, 2)).hasMessage("duplicate sample for timestamp");
        next.append(0, l, 100, 1); // identical sample: accepted and ignored
        next.append(0, l, 200, 3);
        next.commit();
        assertThat(samples(0, 1000, Matcher.equal("__name__", "x"))).containsExactly(100L, 1.0, 200L, 3.0);
        assertThatThrownBy(() -> next.append(0, l, 300, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> storage.appender().append(0, Labels.EMPTY, 1, 1))
                .isInstanceOf(StorageException.InvalidLabels.class);
    }

    @Test
    void querierClipsToItsRangeAndSeekNeverMovesBack() {
        Appender app = storage.appender();
        Labels l = Labels.of("__name__", "x");
        for (long t = 0; t < 100; t += 10) {
            app.append(0, l, t, t);
        }
        app.commit();
        assertThat(samples(25, 55, Matcher.equal("__name__", "x")))
                .containsExactly(30L, 30.0, 40L, 40.0, 50L, 50.0);
        try (Querier q = storage.querier(0, 100)) {
            SeriesSet ss = q.select(false, null, Matcher.regex("__name__", "x|y"));
            assertThat(ss.next()).isTrue();
            SampleIterator it = ss.at().iterator(null);
            assertThat(it.seek(35)).isTrue();
            assertThat(it.atT()).isEqualTo(40);
            assertThat(it.seek(10)).isTrue();
            assertThat(it.atT()).isEqualTo(40);
            assertThat(it.seek(95)).isFalse();
            assertThat(ss.next()).isFalse();
        }
    }

    @Test
    void labelNamesAndValuesAreSortedAndFiltered() {
        Appender app = storage.appender();
        app.append(0, Labels.of("__name__", "a", "job", "j2", "zone", "z"), 1, 1);
        app.append(0, Labels.of("__name__", "a", "job", "j1"), 1, 1);
        app.append(0, Labels.of("__name__", "b", "env", "e"), 1, 1);
        app.commit();
        try (Querier q = storage.querier(0, 10)) {
            assertThat(q.labelNames()).containsExactly("__name__", "env", "job", "zone");
            assertThat(q.labelNames(Matcher.equal("__name__", "a"))).containsExactly("__name__", "job", "zone");
            assertThat(q.labelValues("job")).containsExactly("j1", "j2");
            assertThat(q.labelValues("__name__", Matcher.notEqual("env", ""))).containsExactly("b");
        }
    }

    private List<Object> samples(long mint, long maxt, Matcher... ms) {
        List<Object> out = new ArrayList<>();
        try (Querier q = storage.querier(mint, maxt)) {
            SeriesSet ss = q.select(true, null, ms);
            while (ss.next()) {
                SampleIterator it = ss.at().iterator(null);
                while (it.next()) {
                    out.add(it.atT());
                    out.add(it.atV());
                }
            }
        }
        return out;
    }
}
