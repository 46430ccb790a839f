package dev.sextant.tsdb.head;

import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import dev.sextant.tsdb.query.Postings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * In-memory postings: for each label pair (and the all-series key {@code ("", "")}) the sorted refs
 * of the head series carrying it.
 *
 * <p>Thread-safety: a read-write lock; readers get copies.
 */
final class MemPostings {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, Map<String, RefList>> index = new HashMap<>();

    /**
     * The sorted refs of one label pair. Stored as {@code int}s while every ref fits (refs count up
     * from 1, so in practice always), which halves the head's largest postings cost: every series
     * has an entry under each of its label pairs and the all-postings key (9 for 8 labels). A ref
     * beyond {@code int} range switches the list to {@code long}s. Grows by half, not double.
     */
    static final class RefList {
        /** The canonical name and value strings of this pair: new series share them (interning). */
        final String name;
        final String value;
        private int[] narrow = new int[4];
        private long[] wide;
        int n;

        RefList(String name, String value) {
            this.name = name;
            this.value = value;
        }

        void add(long ref) {
            if (wide == null && ref > Integer.MAX_VALUE) {
                wide = new long[Math.max(4, n + 1)];
                for (int i = 0; i < n; i++) {
                    wide[i] = narrow[i];
                }
                narrow = null;
            }
            int cap = wide != null ? wide.length : narrow.length;
            if (n == cap) {
                int m = cap + Math.max(4, cap >> 1);
                if (wide != null) {
                    wide = Arrays.copyOf(wide, m);
                } else {
                    narrow = Arrays.copyOf(narrow, m);
                }
            }
            // Refs are created in increasing order; a concurrent creation may arrive slightly late.
            int i = n;
            if (wide != null) {
                while (i > 0 && wide[i - 1] > ref) {
                    wide[i] = wide[i - 1];
                    i--;
                }
                wide[i] = ref;
            } else {
                while (i > 0 && narrow[i - 1] > ref) {
                    narrow[i] = narrow[i - 1];
                    i--;
                }
                narrow[i] = (int) ref;
            }
            n++;
        }

        long[] copy() {
            if (wide != null) {
                return Arrays.copyOf(wide, n);
            }
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                out[i] = narrow[i];
            }
            return out;
        }

        /**
         * The first index at or after {@code from} whose ref is {@code >= ref}, or {@code n}:
         * galloping from {@code from}, so a run of increasing lookups costs about log of each gap.
         */
        int seek(int from, long ref) {
            int lo = from;
            int step = 1;
            int hi = from;
            while (hi < n && at(hi) < ref) {
                lo = hi + 1;
                hi += step;
                step <<= 1;
            }
            if (hi > n) {
                hi = n;
            }
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (at(mid) < ref) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        long at(int i) {
            return wide != null ? wide[i] : narrow[i];
        }

        /** Replaces the refs with {@code sorted} (owned by this list afterwards). */
        void set(long[] sorted) {
            n = 0;
            narrow = new int[Math.max(4, sorted.length)];
            wide = null;
            for (long r : sorted) {
                add(r);
            }
        }
    }

    /**
     * Adds {@code ref} under each of its label pairs and returns the same labels built from the
     * index's canonical strings, so that the many series sharing a name or value (every series has
     * {@code __name__}, most share {@code job}, {@code instance}, ...) hold one copy of each string
     * instead of the copies their writer decoded.
     */
    Labels add(long ref, Labels labels) {
        int n = labels.size();
        String[] names = new String[n];
        String[] values = new String[n];
        lock.writeLock().lock();
        try {
            addKey("", "", ref);
            for (int i = 0; i < n; i++) {
                RefList rl = addKey(labels.name(i), labels.value(i), ref);
                names[i] = rl.name;
                values[i] = rl.value;
            }
        } finally {
            lock.writeLock().unlock();
        }
        Labels canonical = LabelsBuilder.fromArrays(names, values, n);
        // Equal by construction (same pairs, same order); fall back to the caller's on any surprise.
        return canonical != null && canonical.equals(labels) ? canonical : labels;
    }

    private RefList addKey(String name, String value, long ref) {
        Map<String, RefList> values = index.get(name);
        if (values == null) {
            values = new HashMap<>();
            index.put(name, values);
        }
        RefList rl = values.get(value);
        if (rl == null) {
            // Reuse the name string already held by another value of this label, if any.
            String canonName = values.isEmpty() ? name : values.values().iterator().next().name;
            rl = new RefList(canonName, value);
            values.put(value, rl);
        }
        rl.add(ref);
        return rl;
    }

    /** Removes the given refs (sorted) from every list. */
    void delete(long[] sortedRefs, List<Labels> labels) {
        if (sortedRefs.length == 0) {
            return;
        }
        lock.writeLock().lock();
        try {
            Set<String> names = new HashSet<>();
            names.add("");
            for (Labels l : labels) {
                for (int i = 0; i < l.size(); i++) {
                    names.add(l.name(i));
                }
            }
            for (String name : names) {
                Map<String, RefList> values = index.get(name);
                if (values == null) {
                    continue;
                }
                values.entrySet().removeIf(e -> {
                    RefList rl = e.getValue();
                    long[] kept = Postings.subtract(rl.copy(), sortedRefs);
                    rl.set(kept);
                    return rl.n == 0;
                });
                if (values.isEmpty() && !name.isEmpty()) {
                    index.remove(name);
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** One pass over the label pairs under the read lock; see {@link Head#cardinality(int)}. */
    HeadCardinality cardinality(int limit, long numSeries, long chunks, long minTime, long maxTime) {
        TopN metrics = new TopN(limit);
        TopN valueCounts = new TopN(limit);
        TopN memory = new TopN(limit);
        TopN pairs = new TopN(limit);
        long numPairs = 0;
        lock.readLock().lock();
        try {
            for (Map.Entry<String, Map<String, RefList>> e : index.entrySet()) {
                String name = e.getKey();
                if (name.isEmpty()) {
                    continue;
                }
                long bytes = 0;
                for (Map.Entry<String, RefList> v : e.getValue().entrySet()) {
                    int n = v.getValue().n;
                    if (name.equals("__name__")) {
                        metrics.offer(v.getKey(), n);
                    }
                    pairs.offer(name, v.getKey(), n);
                    bytes += utf8Length(v.getKey());
                }
                numPairs += e.getValue().size();
                valueCounts.offer(name, e.getValue().size());
                memory.offer(name, bytes);
            }
        } finally {
            lock.readLock().unlock();
        }
        return new HeadCardinality(numSeries, numPairs, chunks, minTime, maxTime, metrics.sorted(), valueCounts.sorted(),
                memory.sorted(), pairs.sorted());
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** Keeps the {@code limit} largest entries (ties: smaller name wins) in a bounded min-heap. */
    private static final class TopN {
        private static final Comparator<HeadCardinality.Entry> ORDER = Comparator
                .comparingLong(HeadCardinality.Entry::value).reversed().thenComparing(HeadCardinality.Entry::name);
        private final int limit;
        private final PriorityQueue<HeadCardinality.Entry> heap;

        TopN(int limit) {
            this.limit = Math.max(0, limit);
            this.heap = new PriorityQueue<>(ORDER.reversed());
        }

        void offer(String name, String value, long count) {
            if (wouldKeep(count)) {
                offer(name + "=" + value, count);
            }
        }

        private boolean wouldKeep(long count) {
            return limit > 0 && (heap.size() < limit || count >= heap.peek().value());
        }

        void offer(String name, long count) {
            if (!wouldKeep(count)) {
                return;
            }
            heap.add(new HeadCardinality.Entry(name, count));
            if (heap.size() > limit) {
                heap.poll();
            }
        }

        List<HeadCardinality.Entry> sorted() {
            List<HeadCardinality.Entry> out = new ArrayList<>(heap);
            out.sort(ORDER);
            return List.copyOf(out);
        }
    }

    long[] get(String name, String value) {
        lock.readLock().lock();
        try {
            Map<String, RefList> values = index.get(name);
            RefList rl = values == null ? null : values.get(value);
            return rl == null ? Postings.EMPTY : rl.copy();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** See {@link dev.sextant.tsdb.query.IndexReader#retain}: the lists are read in place, not copied. */
    long[] retain(long[] candidates, String name, List<String> values) {
        lock.readLock().lock();
        try {
            Map<String, RefList> byValue = index.get(name);
            if (byValue == null || candidates.length == 0) {
                return Postings.EMPTY;
            }
            RefList[] lists = new RefList[values.size()];
            int k = 0;
            for (String v : values) {
                RefList rl = byValue.get(v);
                if (rl != null && rl.n > 0) {
                    lists[k++] = rl;
                }
            }
            int[] pos = new int[k];
            long[] out = new long[candidates.length];
            int n = 0;
            for (long ref : candidates) {
                for (int j = 0; j < k; j++) {
                    RefList rl = lists[j];
                    int i = rl.seek(pos[j], ref);
                    pos[j] = i;
                    if (i < rl.n && rl.at(i) == ref) {
                        out[n++] = ref;
                        break;
                    }
                }
            }
            return n == out.length ? out : Arrays.copyOf(out, n);
        } finally {
            lock.readLock().unlock();
        }
    }

    List<String> values(String name) {
        lock.readLock().lock();
        try {
            Map<String, RefList> values = index.get(name);
            List<String> out = values == null ? new ArrayList<>() : new ArrayList<>(values.keySet());
            out.sort(null);
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    List<String> names() {
        lock.readLock().lock();
        try {
            List<String> out = new ArrayList<>();
            for (String n : index.keySet()) {
                if (!n.isEmpty()) {
                    out.add(n);
                }
            }
            out.sort(null);
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }
}
