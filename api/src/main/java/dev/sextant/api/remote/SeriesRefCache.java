package dev.sextant.api.remote;

import dev.sextant.tsdb.model.Labels;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.function.LongFunction;

/**
 * The remote-write receiver's series cache: the 64-bit hash of a series' raw label bytes (as they
 * came over the wire) to the storage's series ref and the storage's own {@link Labels} instance.
 * A request for a known series then needs no label strings and no label-map lookup: {@link
 * #matches} checks the wire bytes against the cached labels (so a hash collision can only cost a
 * miss, never a wrong series) and the append goes by ref.
 *
 * <p>Entries hold no copy of the label strings (only the storage's instance), about 40 bytes per
 * series. Lookups take no lock (see {@link Stripe}); inserts lock one of 16 stripes. A stale ref (series dropped by head truncation) is harmless: the storage looks the labels
 * up again and the entry is replaced. Entries of series that never come back are swept: when a
 * stripe has doubled since its last sweep, entries whose ref the storage no longer knows are
 * dropped (amortized O(1) per insert), so churn cannot pin dead series' labels. A stripe past its
 * share of {@code maxEntries} is cleared.
 *
 * <p>Thread-safety: thread-safe (lock-free reads, lock stripes for writes).
 */
final class SeriesRefCache {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int STRIPES = 16;
    private static final int MIN_SWEEP = 1024;

    private final Stripe[] stripes = new Stripe[STRIPES];
    private final int maxPerStripe;

    SeriesRefCache(int maxEntries) {
        this.maxPerStripe = Math.max(16, maxEntries / STRIPES);
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    /** What {@link #get} found. */
    static final class Hit {
        long ref;
        Labels labels;
    }

    /** One cached series; immutable, so lock-free readers see it whole once they see it at all. */
    static final class Entry {
        final long hash;
        final long ref;
        final Labels labels;

        Entry(long hash, long ref, Labels labels) {
            this.hash = hash;
            this.ref = ref;
            this.labels = labels;
        }
    }

    /** Fills {@code out} and returns true when {@code hash} is cached. */
    boolean get(long hash, Hit out) {
        Entry e = find(hash);
        if (e == null) {
            return false;
        }
        out.ref = e.ref;
        out.labels = e.labels;
        return true;
    }

    /**
     * The entry for {@code hash}, or null; lock-free. An entry being inserted concurrently may be
     * missed (the caller then takes the slow path), never seen half-written.
     */
    Entry find(long hash) {
        Entry[] t = stripes[(int) (hash >>> 60)].table;
        int mask = t.length - 1;
        int i = (int) hash & mask;
        while (true) {
            Entry e = t[i];
            if (e == null || e.hash == hash) {
                return e;
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * Remembers {@code hash -> (ref, labels)}; {@code stored} answers the storage's labels for a ref
     * (null when gone), used by sweeps. Called without the storage's locks held.
     */
    void put(long hash, long ref, Labels labels, LongFunction<Labels> stored) {
        Stripe s = stripes[(int) (hash >>> 60)];
        synchronized (s) {
            if (s.size >= maxPerStripe) {
                s.clear();
            } else if (s.size >= s.sweepAt) {
                s.sweep(stored);
            }
            s.put(new Entry(hash, ref, labels));
        }
    }

    int size() {
        int n = 0;
        for (Stripe s : stripes) {
            synchronized (s) {
                n += s.size;
            }
        }
        return n;
    }

    /**
     * Hash of a series' wire labels ({@code labels} holds name offset, name length, value offset,
     * value length per label, as {@link WriteV1Decoder} leaves them). Never 0 (0 marks free slots).
     */
    static long hash(byte[] buf, int[] labels, int first, int count) {
        long h = 0x9E3779B97F4A7C15L ^ count;
        for (int i = 4 * first, end = 4 * (first + count); i < end; i += 2) {
            int off = labels[i];
            int len = labels[i + 1];
            h = mix(h ^ len);
            int p = off;
            int stop = off + len;
            for (; p + 8 <= stop; p += 8) {
                h = mix(h ^ (long) LONGS.get(buf, p));
            }
            long tail = 0;
            for (int k = 0; p < stop; p++, k += 8) {
                tail |= (long) (buf[p] & 0xFF) << k;
            }
            h = mix(h ^ tail);
        }
        h ^= h >>> 29;
        return h == 0 ? 1 : h;
    }

    private static long mix(long x) {
        x *= 0xBF58476D1CE4E5B9L;
        return x ^ (x >>> 31);
    }

    /**
     * Whether the series' wire labels are exactly {@code cached}: same names and values in the same
     * (sorted) order once pairs with empty values are left out, and no empty name anywhere (a set
     * the slow path would reject never matches).
     */
    static boolean matches(byte[] buf, int[] labels, int first, int count, Labels cached) {
        int j = 0;
        int n = cached.size();
        for (int i = 4 * first, end = 4 * (first + count); i < end; i += 4) {
            if (labels[i + 1] == 0) {
                return false;
            }
            if (labels[i + 3] == 0) {
                continue;
            }
            if (j == n || !same(buf, labels[i], labels[i + 1], cached.name(j))
                    || !same(buf, labels[i + 2], labels[i + 3], cached.value(j))) {
                return false;
            }
            j++;
        }
        return j == n;
    }

    /** Whether UTF-8 bytes {@code buf[off, off+len)} spell {@code s}. */
    static boolean same(byte[] buf, int off, int len, String s) {
        if (s.length() == len) {
            int i = 0;
            for (; i < len; i++) {
                int b = buf[off + i];
                if (b < 0 || b != s.charAt(i)) {
                    break;
                }
            }
            if (i == len) {
                return true;
            }
            if (buf[off + i] >= 0) {
                return false; // an ASCII byte differs
            }
        } else if (s.length() > len) {
            return false; // UTF-8 never has fewer bytes than UTF-16 units
        }
        return s.equals(new String(buf, off, len, StandardCharsets.UTF_8));
    }

    /**
     * Open addressing, linear probing, load at most 1/2. Writers hold the stripe's lock; a full
     * table is replaced (never rehashed in place) and published through the volatile field, and
     * slots only go from empty to an entry, so readers need no lock.
     */
    private static final class Stripe {
        volatile Entry[] table = new Entry[64];
        int size;
        int sweepAt = MIN_SWEEP;

        void put(Entry e) {
            Entry[] t = table;
            if ((size + 1) * 2 > t.length) {
                t = grow(t, 2 * t.length);
            }
            if (insert(t, e)) {
                size++;
            }
        }

        /** Inserts into {@code t}; true when the slot was empty (else an entry of the same hash is replaced). */
        private static boolean insert(Entry[] t, Entry e) {
            int mask = t.length - 1;
            int i = (int) e.hash & mask;
            Entry old;
            while ((old = t[i]) != null && old.hash != e.hash) {
                i = (i + 1) & mask;
            }
            t[i] = e;
            return old == null;
        }

        private Entry[] grow(Entry[] old, int length) {
            Entry[] t = new Entry[length];
            for (Entry e : old) {
                if (e != null) {
                    insert(t, e);
                }
            }
            table = t;
            return t;
        }

        void clear() {
            table = new Entry[64];
            size = 0;
            sweepAt = MIN_SWEEP;
        }

        /** Drops entries whose series the storage no longer holds (or holds under other labels). */
        void sweep(LongFunction<Labels> stored) {
            Entry[] old = table;
            Entry[] t = new Entry[old.length];
            int n = 0;
            for (Entry e : old) {
                if (e != null && stored.apply(e.ref) == e.labels) {
                    insert(t, e);
                    n++;
                }
            }
            table = t;
            size = n;
            sweepAt = Math.max(MIN_SWEEP, 2 * size);
        }
    }
}
