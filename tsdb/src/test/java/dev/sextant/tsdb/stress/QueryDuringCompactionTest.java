package dev.sextant.tsdb.stress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.Tsdb;
import dev.sextant.tsdb.TsdbOptions;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.SampleIterator;
import dev.sextant.tsdb.storage.SeriesSet;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers must see every committed sample while the head is cut into blocks in the background:
 * a sample is either still in the head or already in a block, never in neither.
 */
class QueryDuringCompactionTest {
    @TempDir
    Path dir;

    @Test
    void committedSamplesStayVisibleWhileTheHeadIsCompacted() throws Exception {
        long now = System.currentTimeMillis();
        for (int round = 0; round < 5; round++) {
            Path d = dir.resolve("r" + round);
            try (Tsdb db = Tsdb.open(d, TsdbOptions.defaults().withBackgroundCompaction(true))) {
                Appender app = db.appender();
                Labels old = Labels.of("__name__", "old", "i", Integer.toString(round));
                Labels fresh = Labels.of("__name__", "fresh", "i", Integer.toString(round));
                for (int i = 0; i < 250; i++) {
                    app.append(0, old, 1_000_000 + i * 1000L, i);
                }
                app.append(0, fresh, now - 10_000, 1);
                app.append(0, fresh, now - 5_000, 2);
                app.commit();
                for (int q = 0; q < 200; q++) {
                    assertThat(count(db, now - 300_000, now, "fresh")).as("fresh samples, query %d", q).isEqualTo(2);
                    assertThat(count(db, 0, now, "old")).as("old samples, query %d", q).isEqualTo(250);
                }
            }
        }
    }

    private static int count(Tsdb db, long mint, long maxt, String name) {
        int n = 0;
        try (Querier q = db.querier(mint, maxt)) {
            SeriesSet set = q.select(false, null, Matcher.equal("__name__", name));
            SampleIterator reuse = null;
            while (set.next()) {
                SampleIterator it = set.at().iterator(reuse);
                reuse = it;
                while (it.next()) {
                    n++;
                }
            }
        }
        return n;
    }
}
