package dev.sextant.tsdb.compact;

import dev.sextant.tsdb.block.BlockMeta;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Chooses blocks to merge, like Prometheus's leveled compactor: first any set of blocks whose time
 * ranges overlap; otherwise, leaving out the newest block, the first group of two or more blocks
 * that fall in one aligned window of the next range ({@code 2h x 3^k}) and either fill it or lie
 * entirely before the newest remaining block.
 *
 * <p>Thread-safety: immutable.
 */
public final class LeveledPlanner {
    private final long[] ranges;

    public LeveledPlanner(long[] ranges) {
        this.ranges = ranges.clone();
    }

    /** Ranges {@code base x 3^k} up to {@code maxBlockDuration} (at least the base). */
    public static long[] exponentialRanges(long base, long maxBlockDuration) {
        List<Long> out = new ArrayList<>();
        long r = base;
        for (int k = 0; k < 10; k++) {
            if (k > 0 && r > maxBlockDuration) {
                break;
            }
            out.add(r);
            r *= 3;
        }
        long[] a = new long[out.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = out.get(i);
        }
        return a;
    }

    public long[] ranges() {
        return ranges.clone();
    }

    /** Returns the blocks to compact together (sorted by minTime), or an empty list. */
    public List<BlockMeta> plan(List<BlockMeta> blocks) {
        List<BlockMeta> ms = new ArrayList<>(blocks);
        ms.removeIf(BlockMeta::deletable);
        ms.sort(Comparator.comparingLong(BlockMeta::minTime));
        List<BlockMeta> overlapping = overlapping(ms);
        if (!overlapping.isEmpty()) {
            return overlapping;
        }
        if (ms.size() < 2) {
            return List.of();
        }
        // The newest block stays out, so a fresh head block is never merged right away.
        ms.remove(ms.size() - 1);
        if (ms.isEmpty()) {
            return List.of();
        }
        long highTime = ms.get(ms.size() - 1).minTime();
        for (int k = 1; k < ranges.length; k++) {
            long range = ranges[k];
            for (List<BlockMeta> group : splitByRange(ms, range)) {
                long mint = group.get(0).minTime();
                long maxt = group.get(group.size() - 1).maxTime();
                if (group.size() > 1 && (maxt - mint == range || maxt <= highTime)) {
                    return group;
                }
            }
        }
        return List.of();
    }

    private static List<BlockMeta> overlapping(List<BlockMeta> ms) {
        List<BlockMeta> group = new ArrayList<>();
        long groupMax = Long.MIN_VALUE;
        for (BlockMeta m : ms) {
            if (!group.isEmpty() && m.minTime() < groupMax) {
                group.add(m);
                groupMax = Math.max(groupMax, m.maxTime());
                continue;
            }
            if (group.size() > 1) {
                return group;
            }
            group.clear();
            group.add(m);
            groupMax = m.maxTime();
        }
        return group.size() > 1 ? group : List.of();
    }

    /** Groups blocks (sorted by minTime) that fit one aligned window of {@code range}. */
    static List<List<BlockMeta>> splitByRange(List<BlockMeta> ms, long range) {
        List<List<BlockMeta>> out = new ArrayList<>();
        int i = 0;
        while (i < ms.size()) {
            BlockMeta m = ms.get(i);
            long t0 = Math.floorDiv(m.minTime(), range) * range;
            if (m.maxTime() > t0 + range) {
                i++;
                continue; // larger than the window: never part of a group at this range
            }
            List<BlockMeta> group = new ArrayList<>();
            while (i < ms.size()) {
                BlockMeta x = ms.get(i);
                if (x.minTime() >= t0 + range || x.maxTime() > t0 + range) {
                    break;
                }
                group.add(x);
                i++;
            }
            if (!group.isEmpty()) {
                out.add(group);
            }
        }
        return out;
    }
}
