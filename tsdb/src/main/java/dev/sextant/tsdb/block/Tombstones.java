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
 * <p>Immutable once read.
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
            long[] cur = m.get(ref);
            long[] next = cur == null ? new long[2] : Arrays.copyOf(cur, cur.length + 2);
            next[next.length - 2] = mint;
            next[next.length - 1] = maxt;
            m.put(ref, next);
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
        for (Map.Entry<Long, long[]> en : stones.entrySet()) {
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
    }
}
