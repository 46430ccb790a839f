package dev.sextant.tsdb.head;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Open-addressing map from non-zero {@code long} keys to objects, so ref lookups on the append path
 * do not box. Key 0 marks an empty slot; deletion uses backward-shift so no tombstones build up.
 *
 * <p>Thread-safety: not thread-safe; {@link SeriesStripes} guards each instance with its stripe lock,
 * except for {@link #getRacy}, which tolerates concurrent writers.
 */
final class LongObjectMap<V> {
    private long[] keys = new long[16];
    private Object[] values = new Object[16];
    private int size;

    private static int mix(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    V get(long key) {
        int mask = keys.length - 1;
        int i = mix(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) {
                return (V) values[i];
            }
            if (k == 0) {
                return null;
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * Like {@link #get}, but may run concurrently with writers (no lock): the answer is either what
     * some recent state held or null, and a value may sit under another key while a removal
     * shifts slots, so callers must check that the value is the one for {@code key} and fall back
     * to a locked {@link #get} otherwise. Never loops forever: at most one pass over the table.
     */
    @SuppressWarnings("unchecked")
    V getRacy(long key) {
        long[] ks = keys;
        Object[] vs = values;
        if (ks.length != vs.length) {
            return null; // caught between the two array swaps of a grow
        }
        int mask = ks.length - 1;
        int i = mix(key) & mask;
        for (int probes = 0; probes < ks.length; probes++) {
            long k = ks[i];
            if (k == key) {
                return (V) vs[i];
            }
            if (k == 0) {
                return null;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    void put(long key, V value) {
        if (key == 0) {
            throw new IllegalArgumentException("key 0 is reserved");
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = mix(key) & mask;
        while (keys[i] != 0 && keys[i] != key) {
            i = (i + 1) & mask;
        }
        if (keys[i] == 0) {
            size++;
        }
        keys[i] = key;
        values[i] = value;
    }

    void remove(long key) {
        int mask = keys.length - 1;
        int i = mix(key) & mask;
        while (keys[i] != key) {
            if (keys[i] == 0) {
                return;
            }
            i = (i + 1) & mask;
        }
        keys[i] = 0;
        values[i] = null;
        size--;
        // Backward-shift the following cluster so lookups never stop at the hole too early.
        int j = (i + 1) & mask;
        while (keys[j] != 0) {
            long k = keys[j];
            Object v = values[j];
            keys[j] = 0;
            values[j] = null;
            size--;
            put(k, castValue(v));
            j = (j + 1) & mask;
        }
    }

    @SuppressWarnings("unchecked")
    private V castValue(Object o) {
        return (V) o;
    }

    @SuppressWarnings("unchecked")
    void forEachValue(Consumer<V> c) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != 0) {
                c.accept((V) values[i]);
            }
        }
    }

    private void grow() {
        long[] ok = keys;
        Object[] ov = values;
        keys = new long[ok.length * 2];
        values = new Object[ok.length * 2];
        size = 0;
        for (int i = 0; i < ok.length; i++) {
            if (ok[i] != 0) {
                put(ok[i], castValue(ov[i]));
            }
        }
        Arrays.fill(ov, null);
    }
}
