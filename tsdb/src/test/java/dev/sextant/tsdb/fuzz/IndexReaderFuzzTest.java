package dev.sextant.tsdb.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sextant.tsdb.index.BlockIndex;
import dev.sextant.tsdb.model.LabelsBuilder;
import java.io.IOException;

/**
 * Any bytes as a block index: the constructor accepts them or throws {@link IOException}; on an
 * accepted index every documented read (label names and values, postings, series entries) returns
 * data or throws {@link IllegalStateException} naming the damage, which queries report as an error.
 * Never another exception, a hang or an out-of-memory. The seeds (indexes written by Sextant and
 * damaged variants) run under plain Surefire; {@code JAZZER_FUZZ=1} fuzzes.
 */
class IndexReaderFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void index(byte[] input) {
        if (input == null) {
            return;
        }
        BlockIndex idx;
        try {
            idx = new BlockIndex(input, "fuzz");
        } catch (IOException documented) {
            return;
        }
        LabelsBuilder lb = new LabelsBuilder();
        try {
            for (String n : idx.labelNames()) {
                for (String v : idx.labelValues(n)) {
                    idx.postings(n, v);
                }
            }
            long[] all = idx.allPostings();
            for (int i = 0; i < all.length && i < 100_000; i++) {
                idx.series(all[i], lb);
            }
        } catch (IllegalStateException documented) {
            // damage met lazily
        }
    }
}
