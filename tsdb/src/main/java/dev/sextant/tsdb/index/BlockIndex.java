package dev.sextant.tsdb.index;

import dev.sextant.tsdb.encoding.Crc;
import dev.sextant.tsdb.encoding.Decbuf;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import dev.sextant.tsdb.query.IndexReader;
import dev.sextant.tsdb.query.Postings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Prometheus index (versions 2 and 3; version 1 is rejected). The file is memory-mapped
 * read-only; symbols and the postings offset table are decoded eagerly, postings lists and series
 * entries on demand with their CRCs verified. Legacy label indices are never read.
 *
 * <p>Thread-safety: immutable after construction; safe for concurrent readers.
 */
public final class BlockIndex implements IndexReader {
    /** The index bytes: a read-only mapping of the file (or an array in tests). */
    private final java.nio.ByteBuffer b;
    private final int length;
    private final String[] symbols;
    /** name -> (value -> postings list offset); values in file (bytewise) order. */
    private final Map<String, Map<String, Long>> postingsOffsets = new HashMap<>();
    private final List<String> names = new ArrayList<>();

    /** Chunk metadata of one series, as triples (mint, maxt, ref). */
    public record SeriesEntry(Labels labels, long[] chunks) {}

    /** Maps the index file read-only (at most 2 GiB); the mapping outlives deletion of the file. */
    public BlockIndex(Path file) throws IOException {
        this(map(file), file.toString());
    }

    public BlockIndex(byte[] data, String name) throws IOException {
        this(java.nio.ByteBuffer.wrap(data), name);
    }

    private static java.nio.ByteBuffer map(Path file) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) {
                throw new IOException("index " + file + " larger than 2 GiB is not supported yet");
            }
            return ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, ch.size());
        }
    }

    /** Copies {@code len} bytes at {@code off}; callers have checked the bounds. */
    private byte[] slice(long off, int len) {
        byte[] out = new byte[len];
        b.get((int) off, out, 0, len);
        return out;
    }

    private BlockIndex(java.nio.ByteBuffer buf, String name) throws IOException {
        this.b = buf;
        this.length = buf.limit();
        if (length < 5 + 52) {
            throw new IOException("index " + name + " too short");
        }
        byte[] header = slice(0, 5);
        if (Crc.readBE32(header, 0) != IndexWriter.MAGIC) {
            throw new IOException("index " + name + ": bad magic " + Integer.toHexString(Crc.readBE32(header, 0)));
        }
        int version = header[4] & 0xFF;
        if (version == 1) {
            throw new IOException("index " + name + ": format version 1 (Prometheus before 2.1) is not supported");
        }
        if (version != 2 && version != 3) {
            throw new IOException("index " + name + ": unknown format version " + version);
        }
        byte[] toc = slice(length - 52, 52);
        if (Crc.crc32c(toc, 0, 48) != Crc.readBE32(toc, 48)) {
            throw new IOException("index " + name + ": TOC checksum mismatch");
        }
        Decbuf d = new Decbuf(toc, 0, 48);
        long symbolsOff = d.getBE64();
        d.getBE64();
        d.getBE64();
        d.getBE64();
        d.getBE64();
        long postingsTableOff = d.getBE64();

        Decbuf s = section(symbolsOff, name, "symbol table");
        int count = s.getBE32();
        if (count < 0 || count > s.remaining()) {
            // Each symbol takes at least its one-byte length: a larger count is damage, not a reason to allocate.
            throw new IOException("index " + name + ": symbol table: bad symbol count " + count);
        }
        symbols = new String[count];
        for (int i = 0; i < count; i++) {
            symbols[i] = s.getUvarintStr();
        }
        if (s.error() != null) {
            throw new IOException("index " + name + ": symbol table: " + s.error());
        }

        Decbuf p = section(postingsTableOff, name, "postings offset table");
        int entries = p.getBE32();
        for (int i = 0; i < entries && p.error() == null; i++) {
            long keys = p.getUvarint();
            if (keys != 2) {
                throw new IOException("index " + name + ": postings table entry with " + keys + " keys");
            }
            String n = p.getUvarintStr();
            String v = p.getUvarintStr();
            long off = p.getUvarint();
            Map<String, Long> values = postingsOffsets.get(n);
            if (values == null) {
                values = new java.util.LinkedHashMap<>();
                postingsOffsets.put(n, values);
                if (!n.isEmpty()) {
                    names.add(n);
                }
            }
            values.put(v, off);
        }
        if (p.error() != null) {
            throw new IOException("index " + name + ": postings offset table: " + p.error());
        }
        names.sort(null);
    }

    /** A {@code be4 len | body | CRC32C} section at {@code off}, checked; returns a reader over the body. */
    private Decbuf section(long off, String name, String what) throws IOException {
        if (off < 0 || off + 4 > length) {
            throw new IOException("index " + name + ": " + what + " offset out of range");
        }
        int len = Crc.readBE32(slice(off, 4), 0);
        long start = off + 4;
        if (len < 0 || start + (long) len + 4 > length) {
            throw new IOException("index " + name + ": " + what + " length out of range");
        }
        byte[] body = slice(start, len + 4);
        if (Crc.crc32c(body, 0, len) != Crc.readBE32(body, len)) {
            throw new IOException("index " + name + ": " + what + " checksum mismatch");
        }
        return new Decbuf(body, 0, len);
    }

    public int symbolCount() {
        return symbols.length;
    }

    @Override
    public long[] allPostings() {
        return postings("", "");
    }

    @Override
    public long[] postings(String name, String value) {
        Map<String, Long> values = postingsOffsets.get(name);
        Long off = values == null ? null : values.get(value);
        if (off == null) {
            return Postings.EMPTY;
        }
        try {
            Decbuf d = section(off, "", "postings list");
            int n = d.getBE32();
            if (n < 0 || n > d.remaining() / 4) {
                throw new IllegalStateException("corrupt postings list: bad length " + n);
            }
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                out[i] = d.getBE32() & 0xFFFFFFFFL;
            }
            if (d.error() != null) {
                throw new IllegalStateException("corrupt postings list: " + d.error());
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public List<String> labelValues(String name) {
        Map<String, Long> values = postingsOffsets.get(name);
        if (values == null || name.isEmpty()) {
            return new ArrayList<>();
        }
        List<String> out = new ArrayList<>(values.keySet());
        out.sort(null);
        return out;
    }

    @Override
    public List<String> labelNames() {
        return new ArrayList<>(names);
    }

    /** Reads the series entry at {@code ref} (file offset / 16), verifying its CRC. */
    public SeriesEntry series(long ref, LabelsBuilder lb) {
        long off = ref * 16;
        if (off < 0 || off >= length) {
            throw new IllegalStateException("series ref " + ref + " out of range");
        }
        byte[] head = slice(off, (int) Math.min(5, length - off));
        Decbuf d = new Decbuf(head, 0, head.length);
        int len = d.getUvarint32();
        long start = off + d.position();
        if (d.error() != null || len < 0 || start + (long) len + 4 > length) {
            throw new IllegalStateException("series ref " + ref + ": bad length");
        }
        byte[] body = slice(start, len + 4);
        if (Crc.crc32c(body, 0, len) != Crc.readBE32(body, len)) {
            throw new IllegalStateException("series ref " + ref + ": checksum mismatch");
        }
        d.reset(body, 0, len);
        long nl = d.getUvarint();
        if (nl < 0 || nl > d.remaining() / 2) {
            throw new IllegalStateException("series ref " + ref + ": bad label count " + nl);
        }
        lb.reset();
        for (int i = 0; i < nl; i++) {
            int n = d.getUvarint32();
            int v = d.getUvarint32();
            if (n >= symbols.length || v >= symbols.length) {
                throw new IllegalStateException("series ref " + ref + ": symbol out of range");
            }
            lb.set(symbols[n], symbols[v]);
        }
        long ncl = d.getUvarint();
        if (ncl < 0 || ncl > d.remaining() / 3) {
            // Each chunk takes at least three bytes: a larger count is damage.
            throw new IllegalStateException("series ref " + ref + ": bad chunk count " + ncl);
        }
        int nc = (int) ncl;
        long[] chunks = new long[nc * 3];
        long prevMaxt = 0;
        long prevRef = 0;
        for (int k = 0; k < nc; k++) {
            long mint;
            long cref;
            if (k == 0) {
                mint = d.getVarint();
                chunks[1] = mint + d.getUvarint();
                cref = d.getUvarint();
            } else {
                mint = prevMaxt + d.getUvarint();
                chunks[3 * k + 1] = mint + d.getUvarint();
                cref = prevRef + d.getVarint();
            }
            chunks[3 * k] = mint;
            chunks[3 * k + 2] = cref;
            prevMaxt = chunks[3 * k + 1];
            prevRef = cref;
        }
        if (d.error() != null) {
            throw new IllegalStateException("series ref " + ref + ": " + d.error());
        }
        return new SeriesEntry(lb.build(), chunks);
    }
}
