package dev.sextant.tsdb.block;

import dev.sextant.tsdb.encoding.Crc;
import dev.sextant.tsdb.encoding.Decbuf;
import dev.sextant.tsdb.encoding.Encbuf;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A block's {@code tombstones} file: magic {@code 0x0130BA30}, version byte 1, then entries
 * ({@code uvarint} series ref, {@code varint} mint, {@code varint} maxt; closed intervals), then a
 * CRC32C over the entries only. See {@code docs/format/tombstones.md}.
 *
 * <p>Thread-safety: immutable once read; the static helpers are stateless.
 */
public final class Tombstones {
    public static final int MAGIC = 0x0130BA30;

    private final Map<Long, long[]> intervals;

    private Tombstones(Map<Long, long[]> intervals) {
        this.intervals = intervals;
    }

    public static final Tombstones EMPTY = new Tombstones(Map.of());

    /** Deleted intervals of a series as {@code [min0, max0, ...]}, or null. */
    public long[] get(long ref) {
        return intervals.get(ref);
    }

    /** A copy of every series' deleted intervals (ref to {@code [min0, max0, ...]}). */
    public Map<Long, long[]> asMap() {
        return new HashMap<>(intervals);
    }

    /**
     * Adds the closed interval {@code [mint, maxt]} to {@code cur} (sorted, disjoint; may be null)
     * and returns a new sorted array with overlapping or adjacent intervals merged. Never mutates
     * {@code cur}, so readers holding the old array are unaffected.
     */
    public static long[] addInterval(long[] cur, long mint, long maxt) {
        int n = cur == null ? 0 : cur.length;
        long[] all = new long[n + 2];
        int w = 0;
        boolean placed = false;
        for (int i = 0; i < n; i += 2) {
            if (!placed && mint < cur[i]) {
                all[w++] = mint;
                all[w++] = maxt;
                placed = true;
            }
            all[w++] = cur[i];
            all[w++] = cur[i + 1];
        }
        if (!placed) {
            all[w++] = mint;
            all[w++] = maxt;
        }
        long[] out = new long[all.length];
        int o = 0;
        for (int i = 0; i < all.length; i += 2) {
            // Merge with the previous interval when they overlap or touch (closed integer intervals).
            if (o > 0 && (out[o - 1] == Long.MAX_VALUE || all[i] <= out[o - 1] + 1)) {
                out[o - 1] = Math.max(out[o - 1], all[i + 1]);
            } else {
                out[o++] = all[i];
                out[o++] = all[i + 1];
            }
        }
        return Arrays.copyOf(out, o);
    }

    /** Whether one interval of {@code iv} (sorted, merged; may be null) contains all of {@code [mint, maxt]}. */
    public static boolean covers(long[] iv, long mint, long maxt) {
        if (iv == null) {
            return false;
        }
        for (int i = 0; i < iv.length; i += 2) {
            if (iv[i] <= mint && maxt <= iv[i + 1]) {
                return true;
            }
        }
        return false;
    }

    public int size() {
        int n = 0;
        for (long[] v : intervals.values()) {
            n += v.length / 2;
        }
        return n;
    }

    public static Tombstones read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return EMPTY;
        }
        byte[] b = Files.readAllBytes(file);
        if (b.length < 9 || Crc.readBE32(b, 0) != MAGIC) {
            throw new IOException(file + ": bad tombstones magic");
        }
        if (b[4] != 1) {
            throw new IOException(file + ": unknown tombstones version " + b[4]);
        }
        int end = b.length - 4;
        if (Crc.crc32c(b, 5, end - 5) != Crc.readBE32(b, end)) {
            throw new IOException(file + ": tombstones checksum mismatch");
        }
        Decbuf d = new Decbuf(b, 5, end - 5);
        Map<Long, long[]> m = new HashMap<>();
        while (d.remaining() > 0 && d.error() == null) {
            long ref = d.getUvarint();
            long mint = d.getVarint();
            long maxt = d.getVarint();
            if (d.error() == null) {
                m.put(ref, addInterval(m.get(ref), mint, maxt));
            }
        }
        if (d.error() != null) {
            throw new IOException(file + ": " + d.error());
        }
        return new Tombstones(m);
    }

    /** Writes the file via {@code tombstones.tmp} and an atomic rename. */
    public static void write(Path blockDir, Map<Long, long[]> stones) throws IOException {
        Encbuf e = new Encbuf(64);
        e.putBE32(MAGIC).putByte(1);
        for (Map.Entry<Long, long[]> en : new java.util.TreeMap<>(stones).entrySet()) {
            long[] iv = en.getValue();
            for (int i = 0; i < iv.length; i += 2) {
                e.putUvarint(en.getKey()).putVarint(iv[i]).putVarint(iv[i + 1]);
            }
        }
        e.putBE32(Crc.crc32c(e.array(), 5, e.len() - 5));
        Path tmp = blockDir.resolve("tombstones.tmp");
        Files.write(tmp, e.toByteArray());
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, blockDir.resolve("tombstones"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        BlockWriter.fsyncDir(blockDir);
    }
}
