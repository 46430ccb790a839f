package dev.sextant.tsdb.retention;

import dev.sextant.tsdb.block.BlockMeta;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Decides which blocks retention deletes, like Prometheus: by time relative to the newest block
 * (never the wall clock; the newest block always stays) and by total size (head + blocks, newest
 * first), plus blocks marked deletable and blocks that are parents of another loaded block.
 *
 * <p>Thread-safety: stateless.
 */
public final class Retention {
    private Retention() {}

    /**
     * @param retentionMillis 0 disables time retention
     * @param retentionBytes 0 disables size retention
     * @param headBytes bytes of the WAL and head chunk files
     * @param sizeOf size of a block in bytes
     */
    public static Set<String> toDelete(List<BlockMeta> blocks, long retentionMillis, long retentionBytes, long headBytes,
            ToLongFunction<BlockMeta> sizeOf) {
        Set<String> out = new HashSet<>();
        Set<String> parents = new HashSet<>();
        for (BlockMeta m : blocks) {
            if (m.deletable()) {
                out.add(m.ulid());
            }
            for (BlockMeta.Parent p : m.parents()) {
                parents.add(p.ulid());
            }
        }
        for (BlockMeta m : blocks) {
            if (parents.contains(m.ulid())) {
                out.add(m.ulid());
            }
        }
        List<BlockMeta> live = new ArrayList<>(blocks);
        live.removeIf(m -> out.contains(m.ulid()));
        live.sort(Comparator.comparingLong(BlockMeta::maxTime).reversed());
        if (live.isEmpty()) {
            return out;
        }
        if (retentionMillis > 0) {
            long newest = live.get(0).maxTime();
            for (int i = 1; i < live.size(); i++) {
                if (newest - live.get(i).maxTime() >= retentionMillis) {
                    for (int j = i; j < live.size(); j++) {
                        out.add(live.get(j).ulid());
                    }
                    break;
                }
            }
        }
        if (retentionBytes > 0) {
            long total = headBytes;
            for (int i = 0; i < live.size(); i++) {
                total += sizeOf.applyAsLong(live.get(i));
                if (total > retentionBytes) {
                    for (int j = i; j < live.size(); j++) {
                        out.add(live.get(j).ulid());
                    }
                    break;
                }
            }
        }
        return out;
    }
}
