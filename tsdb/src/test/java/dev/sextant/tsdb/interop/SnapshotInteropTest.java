package dev.sextant.tsdb.interop;

import static dev.sextant.tsdb.interop.PromtoolInteropTest.PROMTOOL;
import static dev.sextant.tsdb.interop.PromtoolInteropTest.line;
import static dev.sextant.tsdb.interop.PromtoolInteropTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.Tsdb;
import dev.sextant.tsdb.TsdbOptions;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.storage.Appender;
import java.nio.file.Path;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * promtool reads a Sextant snapshot (hard-linked blocks with tombstones plus a block cut from the
 * head) and sees exactly the samples Sextant serves. Fails when /usr/bin/promtool is missing.
 */
@Tag("interop")
class SnapshotInteropTest {
    static final long H = 3600_000L;

    @TempDir
    Path dir;

    @Test
    void promtoolDumpsASnapshotWithTheSameData() throws Exception {
        long base = 1_700_000_000_000L / (2 * H) * (2 * H);
        long delFrom = base + H;
        long delTo = base + H + 10 * 60_000;
        long delHeadFrom = base + 3 * H;
        long delHeadTo = base + 3 * H + 5 * 60_000;
        Labels[] series = new Labels[4];
        for (int s = 0; s < series.length; s++) {
            series[s] = Labels.of("__name__", "up", "instance", "host-" + s, "job", "node");
        }
        TreeSet<String> expected = new TreeSet<>();
        Path data = dir.resolve("data");
        Path snap;
        try (Tsdb db = Tsdb.open(data, TsdbOptions.defaults().withBackgroundCompaction(false))) {
            long[] refs = new long[series.length];
            for (long t = base; t < base + 4 * H; t += 30_000) {
                Appender app = db.appender();
                for (int s = 0; s < series.length; s++) {
                    double v = s * 100 + (t - base) / 30_000.0;
                    refs[s] = app.append(refs[s], series[s], t, v);
                    boolean deleted = s == 0 && ((t >= delFrom && t <= delTo) || (t >= delHeadFrom && t <= delHeadTo));
                    if (!deleted) {
                        expected.add(line(series[s], v, t));
                    }
                }
                app.commit();
            }
            db.compact();
            assertThat(db.blocks()).hasSize(1);
            Matcher host0 = Matcher.equal("instance", "host-0");
            db.deleteSeries(delFrom, delTo, host0);
            db.deleteSeries(delHeadFrom, delHeadTo, host0);
            snap = db.snapshot(dir.resolve("snapshots"), false);
        }
        PromtoolInteropTest.Run dump = run(PROMTOOL.toString(), "tsdb", "dump", "--match={__name__=~\".+\"}", snap.toString());
        assertThat(dump.exit()).as(dump.out()).isZero();
        TreeSet<String> lines = new TreeSet<>();
        for (String l : dump.out().split("\n")) {
            if (l.startsWith("{")) {
                lines.add(l);
            }
        }
        assertThat(lines).hasSize(expected.size()).isEqualTo(expected);
    }
}
