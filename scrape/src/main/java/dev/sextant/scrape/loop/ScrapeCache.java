package dev.sextant.scrape.loop;

import dev.sextant.scrape.exposition.MetricType;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.SeriesHandle;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-target memory across scrapes: exposed series text (bytes) to final labels and storage ref, the
 * iteration each series was last seen in (for staleness), and per-family metadata.
 *
 * <p>Layout: entries live in parallel primitive arrays indexed by an entry number; an open-addressing
 * table (linear probing) maps the hash of the series bytes to entry number + 1. A lookup hashes and
 * compares bytes in place ({@link Arrays#equals(byte[], int, int, byte[], int, int)}), so a series
 * already seen costs no allocation. Entries not seen for two scrapes are removed by {@link #sweep},
 * which compacts the arrays.
 *
 * <p>The series texts (keys) of all entries sit back to back in one array, in entry order, which is the
 * order the target first exposed them: a scrape in the usual order compares each line with the next
 * bytes of that array, so the comparisons read memory in order. With one small array per entry (a
 * million of them at 1,000 targets x 1,000 series, scattered over the heap), every sample line began
 * with a cache and TLB miss on its key.
 *
 * <p>Thread-safety: not thread-safe; owned by one {@link ScrapeLoop} and handed to its successor on a
 * config reload. {@link #metadataSnapshot()} may be called from any thread.
 */
public final class ScrapeCache {
    /** Entry flag: metric relabeling dropped this series. */
    static final byte DROPPED = 1;
    /** Entry flag: the last sample carried an explicit timestamp. */
    static final byte EXPLICIT_TS = 2;
    /** Entry flag: the series breaks a label limit. */
    static final byte LIMIT_VIOLATION = 4;
    /** Entry flag: the text-format lexer accepted the series text (it may be offered as a hint). */
    static final byte LEXED_TEXT = 8;
    /** Entry flag: the OpenMetrics lexer accepted the series text. */
    static final byte LEXED_OPENMETRICS = 16;

    /** Series texts, back to back: entry e's is {@code keyBytes[keyOff[e], keyOff[e] + keyLen[e])}. */
    private byte[] keyBytes = new byte[4096];
    /** Bytes of {@link #keyBytes} in use (entries' keys and, until the next sweep, removed ones'). */
    private int keyUsed;
    private int[] keyOff = new int[64];
    private int[] keyLen = new int[64];
    private int[] hashes = new int[64];
    private long[] refs = new long[64];
    /** The storage's handle on each entry's series (null until known), kept with the ref; see {@link SeriesHandle}. */
    private SeriesHandle[] handles = new SeriesHandle[64];
    private Labels[] lsets = new Labels[64];
    private long[] lastIter = new long[64];
    private byte[] flags = new byte[64];
    private int size;
    private int[] table = new int[128];

    /** Metadata by family name; replaced copy-on-write so readers need no lock. */
    private volatile Map<String, Metadata> metadata = Map.of();
    private Map<String, Metadata> pendingMetadata;

    /** Type, help and unit of a metric family as last exposed. */
    public record Metadata(MetricType type, String help, String unit) {}

    static int hash(byte[] b, int from, int to) {
        int h = 0x811c9dc5;
        for (int i = from; i < to; i++) {
            h = (h ^ b[i]) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }

    /** Returns the entry number for the series text, or -1. */
    int find(byte[] b, int from, int to, int h) {
        int mask = table.length - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            int e = table[i];
            if (e == 0) {
                return -1;
            }
            e--;
            if (hashes[e] == h && Arrays.equals(keyBytes, keyOff[e], keyOff[e] + keyLen[e], b, from, to)) {
                return e;
            }
        }
    }

    /** Adds an entry (the caller checked it is absent) and returns its number. Copies the key. */
    int add(byte[] b, int from, int to, int h, Labels lset, byte flag) {
        if (size == hashes.length) {
            int n = size * 2;
            keyOff = Arrays.copyOf(keyOff, n);
            keyLen = Arrays.copyOf(keyLen, n);
            hashes = Arrays.copyOf(hashes, n);
            refs = Arrays.copyOf(refs, n);
            handles = Arrays.copyOf(handles, n);
            lsets = Arrays.copyOf(lsets, n);
            lastIter = Arrays.copyOf(lastIter, n);
            flags = Arrays.copyOf(flags, n);
        }
        int len = to - from;
        if (len > keyBytes.length - keyUsed) {
            keyBytes = Arrays.copyOf(keyBytes, Math.max(keyBytes.length * 2, keyUsed + len));
        }
        System.arraycopy(b, from, keyBytes, keyUsed, len);
        int e = size++;
        keyOff[e] = keyUsed;
        keyLen[e] = len;
        keyUsed += len;
        hashes[e] = h;
        refs[e] = 0;
        handles[e] = null;
        lsets[e] = lset;
        lastIter[e] = -1;
        flags[e] = flag;
        if (size * 2 > table.length) {
            rehash(table.length * 2);
        } else {
            insert(e);
        }
        return e;
    }

    private void insert(int e) {
        int mask = table.length - 1;
        int i = hashes[e] & mask;
        while (table[i] != 0) {
            i = (i + 1) & mask;
        }
        table[i] = e + 1;
    }

    private void rehash(int capacity) {
        table = new int[capacity];
        for (int e = 0; e < size; e++) {
            insert(e);
        }
    }

    /**
     * The array holding the series texts (owned by the cache; callers only read it, and only until the
     * next {@link #add} or {@link #sweep}); entry e's text is at {@link #keyOffset} for {@link #keyLength}.
     */
    byte[] keyBytes() {
        return keyBytes;
    }

    int keyOffset(int e) {
        return keyOff[e];
    }

    int keyLength(int e) {
        return keyLen[e];
    }

    /** A copy of the series text of an entry (tests). */
    byte[] key(int e) {
        return Arrays.copyOfRange(keyBytes, keyOff[e], keyOff[e] + keyLen[e]);
    }

    int size() {
        return size;
    }

    long ref(int e) {
        return refs[e];
    }

    /** Sets an entry's ref and the storage's handle for it (null when the storage offers none). */
    void setRef(int e, long ref, SeriesHandle handle) {
        refs[e] = ref;
        handles[e] = handle;
    }

    SeriesHandle handle(int e) {
        return handles[e];
    }

    /**
     * The handles of all entries, by entry number (owned by the cache; callers only read it, and
     * only until the next {@link #add} or {@link #sweep}).
     */
    SeriesHandle[] handles() {
        return handles;
    }

    Labels labels(int e) {
        return lsets[e];
    }

    /** Replaces an entry's labels with an equal instance (the storage's own copy). */
    void setLabels(int e, Labels lset) {
        lsets[e] = lset;
    }

    byte flags(int e) {
        return flags[e];
    }

    void setFlag(int e, byte flag, boolean on) {
        flags[e] = (byte) (on ? flags[e] | flag : flags[e] & ~flag);
    }

    long lastIter(int e) {
        return lastIter[e];
    }

    void setLastIter(int e, long iter) {
        lastIter[e] = iter;
    }

    /** Removes entries last seen before {@code minIter}; compacts the arrays when anything goes. */
    void sweep(long minIter) {
        int w = 0;
        int kw = 0; // keys stay in entry order, so kept ones only ever move left
        for (int e = 0; e < size; e++) {
            if (lastIter[e] >= minIter) {
                if (w != e) {
                    int len = keyLen[e];
                    System.arraycopy(keyBytes, keyOff[e], keyBytes, kw, len);
                    keyOff[w] = kw;
                    keyLen[w] = len;
                    hashes[w] = hashes[e];
                    refs[w] = refs[e];
                    handles[w] = handles[e];
                    lsets[w] = lsets[e];
                    lastIter[w] = lastIter[e];
                    flags[w] = flags[e];
                }
                kw = keyOff[w] + keyLen[w];
                w++;
            }
        }
        if (w == size) {
            return;
        }
        Arrays.fill(lsets, w, size, null);
        Arrays.fill(handles, w, size, null);
        size = w;
        keyUsed = kw;
        if (keyBytes.length > 4096 && keyUsed * 4 < keyBytes.length) {
            keyBytes = Arrays.copyOf(keyBytes, Math.max(4096, keyUsed * 2));
        }
        int cap = table.length;
        while (cap > 128 && size * 4 < cap) {
            cap >>= 1;
        }
        rehash(cap);
    }

    // Metadata lines (HELP, TYPE, UNIT) of the last successful scrape, in order, and the lexer that
    // read them (LEXED_TEXT or LEXED_OPENMETRICS): the ingester skips lines that are unchanged.
    private byte[][] metaLines = new byte[0][];
    private int metaLineCount;
    private byte metaLinesLexed;

    int metaLineCount() {
        return metaLineCount;
    }

    byte[] metaLine(int k) {
        return metaLines[k];
    }

    byte metaLinesLexed() {
        return metaLinesLexed;
    }

    /** Replaces the metadata lines (the array is taken over, not copied). */
    void setMetaLines(byte[][] lines, int count, byte lexed) {
        metaLines = lines;
        metaLineCount = count;
        metaLinesLexed = lexed;
    }

    // Metadata: collected during a scrape, published at its end.

    void beginMetadata() {
        pendingMetadata = null;
    }

    void metadata(String family, MetricType type, String help, String unit) {
        Map<String, Metadata> cur = pendingMetadata != null ? pendingMetadata : metadata;
        Metadata old = cur.get(family);
        MetricType t = type != null ? type : old != null ? old.type() : MetricType.UNKNOWN;
        String h = help != null ? help : old != null ? old.help() : "";
        String u = unit != null ? unit : old != null ? old.unit() : "";
        if (old != null && old.type() == t && old.help().equals(h) && old.unit().equals(u)) {
            return;
        }
        if (pendingMetadata == null) {
            pendingMetadata = new HashMap<>(metadata);
        }
        pendingMetadata.put(family, new Metadata(t, h, u));
    }

    void publishMetadata() {
        if (pendingMetadata != null) {
            metadata = Map.copyOf(pendingMetadata);
            pendingMetadata = null;
        }
    }

    /** The metadata of the last successful scrape; safe from any thread. */
    public Map<String, Metadata> metadataSnapshot() {
        return metadata;
    }
}
