package dev.sextant.tsdb.head;

import dev.sextant.tsdb.model.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * The head's series maps, split into lock stripes: by labels hash (to find or create a series) and
 * by ref (for the cached-ref append path and for postings). Each stripe has its own lock, so
 * appenders working on different series rarely contend.
 *
 * <p>Thread-safety: thread-safe.
 */
final class SeriesStripes {
    private final int mask;
    private final Object[] locks;
    // Arrays rather than lists: one indirection (and bounds check) less on every append by ref.
    private final HashMap<Labels, MemSeries>[] byLabels;
    private final LongObjectMap<MemSeries>[] byRef;

    @SuppressWarnings("unchecked")
    SeriesStripes(int stripes) {
        if (Integer.bitCount(stripes) != 1) {
            throw new IllegalArgumentException("stripe count must be a power of two");
        }
        mask = stripes - 1;
        locks = new Object[stripes];
        byLabels = new HashMap[stripes];
        byRef = new LongObjectMap[stripes];
        for (int i = 0; i < stripes; i++) {
            locks[i] = new Object();
            byLabels[i] = new HashMap<>();
            byRef[i] = new LongObjectMap<>();
        }
    }

    /**
     * The stripe for a label set, from the high bits of a multiplicative mix of its hash. Not the low
     * bits of {@code h ^ h >>> 16}: that is also how {@link HashMap} picks buckets, so every key of a
     * stripe would land in 1/stripes of that stripe's buckets (long, treeified chains; this was a
     * third of the CPU of a remote-write burst of new series).
     */
    private int labelStripe(Labels l) {
        return (int) ((l.hashCode() * 0x9E3779B97F4A7C15L) >>> 32) & mask;
    }

    MemSeries getByRef(long ref) {
        int i = (int) ref & mask;
        synchronized (locks[i]) {
            return byRef[i].get(ref);
        }
    }

    /**
     * {@link #getByRef} for the append path, without the stripe lock in the common case: a
     * lock-free probe whose answer is used only when it is a series with this ref (refs are never
     * reused, so that is the right series, or one that truncation has just removed: appenders
     * check {@code removed} under the series' lock). Anything else takes the lock.
     */
    MemSeries getByRefForAppend(long ref) {
        int i = (int) ref & mask;
        MemSeries s = byRef[i].getRacy(ref);
        if (s != null && s.ref == ref) {
            return s;
        }
        return getByRef(ref);
    }

    MemSeries getByLabels(Labels l) {
        int i = labelStripe(l);
        synchronized (locks[i]) {
            return byLabels[i].get(l);
        }
    }

    /** Creates a series for a new ref (may return it with equal, canonicalized labels). */
    interface Factory {
        MemSeries create(long ref, Labels labels);
    }

    /** Result of {@link #getOrCreate}: the series and whether this call created it. */
    record Lookup(MemSeries series, boolean created) {}

    /**
     * Finds the series for {@code labels} or creates it with a ref from {@code newRef}; {@code
     * onCreate} runs inside the labels stripe's lock so that nobody can use the new series before
     * it has been logged.
     */
    Lookup getOrCreate(Labels labels, Factory factory, java.util.function.Consumer<MemSeries> onCreate,
            java.util.function.LongSupplier newRef) {
        int i = labelStripe(labels);
        MemSeries s;
        synchronized (locks[i]) {
            s = byLabels[i].get(labels);
            if (s != null) {
                return new Lookup(s, false);
            }
            s = factory.create(newRef.getAsLong(), labels);
            onCreate.accept(s);
            // Keyed by the series' own (interned) labels, not the caller's copy.
            byLabels[i].put(s.labels, s);
        }
        int r = (int) s.ref & mask;
        synchronized (locks[r]) {
            byRef[r].put(s.ref, s);
        }
        return new Lookup(s, true);
    }

    void remove(MemSeries s) {
        int i = labelStripe(s.labels);
        synchronized (locks[i]) {
            byLabels[i].remove(s.labels, s);
        }
        int r = (int) s.ref & mask;
        synchronized (locks[r]) {
            byRef[r].remove(s.ref);
        }
    }

    /** A snapshot of every series. */
    List<MemSeries> all() {
        List<MemSeries> out = new ArrayList<>();
        for (int i = 0; i <= mask; i++) {
            synchronized (locks[i]) {
                byRef[i].forEachValue(out::add);
            }
        }
        return out;
    }

    int size() {
        int n = 0;
        for (int i = 0; i <= mask; i++) {
            synchronized (locks[i]) {
                n += byRef[i].size();
            }
        }
        return n;
    }
}
