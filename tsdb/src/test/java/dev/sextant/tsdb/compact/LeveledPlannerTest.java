package dev.sextant.tsdb.compact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.block.BlockMeta;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeveledPlannerTest {
    static final long H = 3600_000L;
    final LeveledPlanner planner = new LeveledPlanner(LeveledPlanner.exponentialRanges(2 * H, 36 * H));

    static BlockMeta b(String id, long minH, long maxH) {
        return new BlockMeta(id, minH * H, maxH * H, 1, 1, 1, 0, 1, List.of(id), List.of(), false, List.of());
    }

    static List<String> ids(List<BlockMeta> ms) {
        List<String> out = new ArrayList<>();
        for (BlockMeta m : ms) {
            out.add(m.ulid());
        }
        return out;
    }

    @Test
    void rangesFollowPrometheusDefaults() {
        assertThat(planner.ranges()).containsExactly(2 * H, 6 * H, 18 * H);
        assertThat(LeveledPlanner.exponentialRanges(2 * H, H)).containsExactly(2 * H);
    }

    @Test
    void plans() {
        // Two 2h blocks in the first 6h window plus a newer one: the window is not full and its
        // blocks are not older than the newest remaining block -> nothing yet.
        assertThat(planner.plan(List.of(b("a", 0, 2), b("b", 2, 4), b("c", 4, 6)))).isEmpty();
        // A fourth block arrives: a, b, c fill [0, 6h) -> merge them (d, the newest, stays out).
        assertThat(ids(planner.plan(List.of(b("a", 0, 2), b("b", 2, 4), b("c", 4, 6), b("d", 6, 8)))))
                .containsExactly("a", "b", "c");
        // A gap: a and b lie before the newest remaining block e -> merge them.
        assertThat(ids(planner.plan(List.of(b("a", 0, 2), b("b", 2, 4), b("e", 8, 10), b("f", 10, 12)))))
                .containsExactly("a", "b");
        // Overlapping blocks always come first.
        assertThat(ids(planner.plan(List.of(b("a", 0, 2), b("x", 1, 3), b("c", 6, 8))))).containsExactly("a", "x");
        // Three 6h blocks fill an 18h window.
        assertThat(ids(planner.plan(List.of(b("p", 0, 6), b("q", 6, 12), b("r", 12, 18), b("s", 18, 20)))))
                .containsExactly("p", "q", "r");
        // A single block: nothing to do.
        assertThat(planner.plan(List.of(b("a", 0, 2)))).isEmpty();
    }
}
