package dev.sextant.tsdb.index;

import dev.sextant.tsdb.encoding.Crc;
import dev.sextant.tsdb.encoding.Encbuf;
import dev.sextant.tsdb.model.Labels;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes a Prometheus index, format version 2, without the legacy label indices (as Prometheus
 * 3.7+ does): header, symbol table, series entries (16-byte aligned; ref = offset / 16),
 * postings lists (all-series list first), postings offset table, TOC. Every section carries a
 * CRC32C. See {@code docs/format/index.md}.
 *
 * <p>Usage: {@link #addSeries} in label order (bytewise), then {@link #write}, which streams the
 * file. Series labels, chunk metadata and postings are held in memory until then.
 *
 * <p>Thread-safety: not thread-safe; single use.
 */
public final class IndexWriter {
    public static final int MAGIC = 0xBAAAD700;
    public static final int VERSION = 2;

    private final List<Labels> labels = new ArrayList<>();
    private final List<long[]> chunkMetas = new ArrayList<>();

    /**
     * Adds a series. {@code chunks} holds triples (mint, maxt, ref) in time order. Series must be
     * added in bytewise label order.
     */
    public void addSeries(Labels l, long[] chunks) {
        if (!labels.isEmpty() && compare(labels.get(labels.size() - 1), l) >= 0) {
            throw new IllegalArgumentException("series out of order: " + l + " after " + labels.get(labels.size() - 1));
        }
        labels.add(l);
        chunkMetas.add(chunks);
    }

    /** Compares strings by their UTF-8 bytes, as Go does. */
    public static int compareBytes(String a, String b) {
        if (isAscii(a) && isAscii(b)) {
            return a.compareTo(b);
        }
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Label-set order of the index: pairwise (name, value) bytewise, a prefix first. */
    public static int compare(Labels a, Labels b) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            int c = compareBytes(a.name(i), b.name(i));
            if (c != 0) {
                return c;
            }
            c = compareBytes(a.value(i), b.value(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /** Growable list of series ordinals (no boxing). */
    private static final class IntList {
        int[] a = new int[4];
        int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }
    }

    private static final int FLUSH_AT = 1 << 20;
    private OutputStream out;
    /** File offset of the first byte held in the buffer. */
    private long base;

    private long pos(Encbuf b) {
        return base + b.len();
    }

    /** Writes the buffer out; only called between sections or entries, never inside one. */
    private void flushIfBig(Encbuf b, boolean force) throws IOException {
        if (force || b.len() >= FLUSH_AT) {
            out.write(b.array(), 0, b.len());
            base += b.len();
            b.reset();
        }
    }

    /** Writes the index, streaming it to {@code file} in about 1 MiB pieces. */
    public void write(Path file) throws IOException {
        try (OutputStream o = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            out = o;
            base = 0;
            writeAll();
        } finally {
            out = null;
        }
    }

    private void writeAll() throws IOException {
        TreeSet<String> symbolSet = new TreeSet<>(IndexWriter::compareBytes);
        for (Labels l : labels) {
            for (int i = 0; i < l.size(); i++) {
                symbolSet.add(l.name(i));
                symbolSet.add(l.value(i));
            }
        }
        Map<String, Integer> symbolRefs = new HashMap<>();
        Encbuf b = new Encbuf(1 << 16);
        b.putBE32(MAGIC).putByte(VERSION);

        // Symbol table.
        long symbolsOff = pos(b);
        int lenPos = b.len();
        b.putBE32(0);
        int start = b.len();
        b.putBE32(symbolSet.size());
        int idx = 0;
        for (String s : symbolSet) {
            symbolRefs.put(s, idx++);
            b.putUvarintStr(s);
        }
        finishSection(b, lenPos, start);
        flushIfBig(b, false);

        // Series.
        long seriesOff = pos(b);
        long[] refs = new long[labels.size()];
        TreeMap<String, TreeMap<String, IntList>> postings = new TreeMap<>(IndexWriter::compareBytes);
        Encbuf e = new Encbuf(256);
        for (int s = 0; s < labels.size(); s++) {
            while (pos(b) % 16 != 0) {
                b.putByte(0);
            }
            refs[s] = pos(b) / 16;
            if (refs[s] > 0xFFFFFFFFL) {
                throw new IOException("index exceeds 64 GiB");
            }
            Labels l = labels.get(s);
            e.reset();
            e.putUvarint(l.size());
            for (int i = 0; i < l.size(); i++) {
                e.putUvarint(symbolRefs.get(l.name(i)));
                e.putUvarint(symbolRefs.get(l.value(i)));
                postings.computeIfAbsent(l.name(i), k -> new TreeMap<>(IndexWriter::compareBytes))
                        .computeIfAbsent(l.value(i), k -> new IntList()).add(s);
            }
            long[] c = chunkMetas.get(s);
            int nc = c.length / 3;
            e.putUvarint(nc);
            long prevMaxt = 0;
            long prevRef = 0;
            for (int k = 0; k < nc; k++) {
                long mint = c[3 * k];
                long maxt = c[3 * k + 1];
                long ref = c[3 * k + 2];
                if (k == 0) {
                    e.putVarint(mint);
                    e.putUvarint(maxt - mint);
                    e.putUvarint(ref);
                } else {
                    e.putUvarint(mint - prevMaxt);
                    e.putUvarint(maxt - mint);
                    e.putVarint(ref - prevRef);
                }
                prevMaxt = maxt;
                prevRef = ref;
            }
            b.putUvarint(e.len());
            b.putBytes(e.array(), 0, e.len());
            b.putBE32(Crc.crc32c(e.array(), 0, e.len()));
            flushIfBig(b, false);
        }
        long seriesEnd = pos(b);
        while (pos(b) % 4 != 0) {
            b.putByte(0);
        }

        // Postings: the all-series list keyed ("", "") first, then by name and value.
        List<String[]> keys = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        keys.add(new String[] {"", ""});
        offsets.add(pos(b));
        writePostings(b, refs, null);
        flushIfBig(b, false);
        for (Map.Entry<String, TreeMap<String, IntList>> n : postings.entrySet()) {
            for (Map.Entry<String, IntList> v : n.getValue().entrySet()) {
                keys.add(new String[] {n.getKey(), v.getKey()});
                offsets.add(pos(b));
                writePostings(b, refs, v.getValue());
                flushIfBig(b, false);
            }
        }
        flushIfBig(b, true);

        // Postings offset table.
        long postingsTableOff = pos(b);
        lenPos = b.len();
        b.putBE32(0);
        start = b.len();
        b.putBE32(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            b.putUvarint(2);
            b.putUvarintStr(keys.get(i)[0]);
            b.putUvarintStr(keys.get(i)[1]);
            b.putUvarint(offsets.get(i));
        }
        finishSection(b, lenPos, start);
        flushIfBig(b, true);

        // TOC: no legacy label indices, so they point at the postings and the postings table.
        int tocStart = b.len();
        b.putBE64(symbolsOff);
        b.putBE64(seriesOff);
        b.putBE64(seriesEnd);
        b.putBE64(postingsTableOff);
        b.putBE64(seriesEnd);
        b.putBE64(postingsTableOff);
        b.putBE32(Crc.crc32c(b.array(), tocStart, 48));
        flushIfBig(b, true);
    }

    private static void writePostings(Encbuf b, long[] refs, IntList series) {
        int n = series == null ? refs.length : series.n;
        b.putBE32(4 + 4 * n);
        int start = b.len();
        b.putBE32(n);
        for (int i = 0; i < n; i++) {
            b.putBE32((int) refs[series == null ? i : series.a[i]]);
        }
        b.putBE32(Crc.crc32c(b.array(), start, b.len() - start));
    }

    /** Backfills a section's be4 length and appends the CRC32C of its body. */
    private static void finishSection(Encbuf b, int lenPos, int start) {
        int len = b.len() - start;
        b.setBE32(lenPos, len);
        b.putBE32(Crc.crc32c(b.array(), start, len));
    }
}
