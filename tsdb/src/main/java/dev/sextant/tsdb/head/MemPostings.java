package dev.sextant.tsdb.head;

import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.query.Postings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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

    static final class RefList {
        long[] refs = new long[4];
        int n;

        void add(long ref) {
            if (n == refs.length) {
                refs = Arrays.copyOf(refs, n * 2);
            }
            // Refs are created in increasing order; a concurrent creation may arrive slightly late.
            int i = n;
            while (i > 0 && refs[i - 1] > ref) {
                refs[i] = refs[i - 1];
                i--;
            }
            refs[i] = ref;
            n++;
        }

        long[] copy() {
            return Arrays.copyOf(refs, n);
        }
    }

    void add(long ref, Labels labels) {
        lock.writeLock().lock();
        try {
            addKey("", "", ref);
            for (int i = 0; i < labels.size(); i++) {
                addKey(labels.name(i), labels.value(i), ref);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void addKey(String name, String value, long ref) {
        index.computeIfAbsent(name, k -> new HashMap<>()).computeIfAbsent(value, k -> new RefList()).add(ref);
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
                    rl.refs = kept.length == 0 ? new long[4] : kept;
                    rl.n = kept.length;
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
