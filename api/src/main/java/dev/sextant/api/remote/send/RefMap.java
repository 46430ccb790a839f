package dev.sextant.api.remote.send;

import java.util.Arrays;

/**
 * Open-addressing map from WAL series refs to values, so the per-sample lookup on the send path
 * neither boxes the ref nor allocates.
 *
 * <p>Thread-safety: not thread-safe (owned by the WAL watcher thread).
 */
final class RefMap<V> {
    private static final long EMPTY = Long.MIN_VALUE;
    private long[] keys;
    private Object[] values;
    private int size;
    private int mask;

    RefMap() {
        keys = new long[1024];
        Arrays.fill(keys, EMPTY);
        values = new Object[1024];
        mask = 1023;
    }

    int size() {
        return size;
    }

    /**
     * Keeps neighbouring refs in neighbouring slots: the head hands out refs in sequence and a
     * WAL samples record lists its series mostly in that order, so the per-sample lookups walk
     * the table instead of missing the cache on every sample (a multiplicative hash scattered
     * them). Adding the higher bits in keeps runs of refs consecutive and still spreads strided
     * refs (multiples of 4096, say) over the table.
     */
    private static int mix(long k) {
        int h = (int) (k ^ (k >>> 32));
        return h + (h >>> 12) + (h >>> 24);
    }

    @SuppressWarnings("unchecked")
    V get(long key) {
        int i = mix(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) {
                return (V) values[i];
            }
            if (k == EMPTY) {
                return null;
            }
            i = (i + 1) & mask;
        }
    }

    void put(long key, V value) {
        if (key == EMPTY) {
            throw new IllegalArgumentException("reserved key");
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int i = mix(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) {
                values[i] = value;
                return;
            }
            if (k == EMPTY) {
                keys[i] = key;
                values[i] = value;
                size++;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /** Keeps only the entries {@code keep} accepts (rebuilds the table; called rarely). */
    void retain(java.util.function.BiPredicate<Long, V> keep) {
        long[] oldK = keys;
        Object[] oldV = values;
        keys = new long[oldK.length];
        Arrays.fill(keys, EMPTY);
        values = new Object[oldK.length];
        size = 0;
        for (int i = 0; i < oldK.length; i++) {
            if (oldK[i] != EMPTY) {
                @SuppressWarnings("unchecked")
                V v = (V) oldV[i];
                if (keep.test(oldK[i], v)) {
                    put(oldK[i], v);
                }
            }
        }
    }

    private void grow() {
        long[] oldK = keys;
        Object[] oldV = values;
        keys = new long[oldK.length * 2];
        Arrays.fill(keys, EMPTY);
        values = new Object[oldK.length * 2];
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldK.length; i++) {
            if (oldK[i] != EMPTY) {
                @SuppressWarnings("unchecked")
                V v = (V) oldV[i];
                put(oldK[i], v);
            }
        }
    }
}
