package dev.sextant.tsdb.block;

import dev.sextant.tsdb.encoding.Crc;
import dev.sextant.tsdb.encoding.Encbuf;
import dev.sextant.tsdb.query.ByteScratch;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Block chunk segment files ({@code chunks/000001}, ...): an 8-byte header (magic {@code
 * 0x85BD40DD}, version 1, 3 zero bytes), then chunks back to back as {@code uvarint len | encoding
 * byte | data | CRC32C(encoding + data)}. A chunk ref is {@code segmentIndex << 32 | offset} with a
 * zero-based segment index. See {@code docs/format/chunks.md}.
 */
public final class ChunkSegments {
    public static final int MAGIC = 0x85BD40DD;
    public static final long MAX_SEGMENT_SIZE = 512L * 1024 * 1024;

    private ChunkSegments() {}

    static String name(int n) {
        return String.format("%06d", n);
    }

    /**
     * Writes chunks into a {@code chunks/} directory. One series' chunks go to one file; a new file
     * starts when they would not fit. Thread-safety: not thread-safe; single use.
     */
    public static final class Writer implements AutoCloseable {
        private final Path dir;
        private OutputStream out;
        private int seq = -1;
        private long pos;
        private final Encbuf hdr = new Encbuf(16);

        public Writer(Path dir) throws IOException {
            this.dir = dir;
            Files.createDirectories(dir);
        }

        private void cut() throws IOException {
            if (out != null) {
                out.close();
            }
            seq++;
            out = Files.newOutputStream(dir.resolve(name(seq + 1)));
            byte[] h = new byte[8];
            Crc.writeBE32(h, 0, MAGIC);
            h[4] = 1;
            out.write(h);
            pos = 8;
        }

        /** Writes one series' chunks; returns their refs. */
        public long[] writeSeries(List<byte[]> chunks) throws IOException {
            long total = 0;
            for (byte[] c : chunks) {
                total += 5 + 1 + c.length + 4;
            }
            if (out == null || (pos + total > MAX_SEGMENT_SIZE && pos > 8)) {
                cut();
            }
            long[] refs = new long[chunks.size()];
            for (int i = 0; i < chunks.size(); i++) {
                byte[] c = chunks.get(i);
                if (pos + 5 + 1 + c.length + 4 > MAX_SEGMENT_SIZE && pos > 8) {
                    cut();
                }
                refs[i] = ((long) seq << 32) | pos;
                hdr.reset();
                hdr.putUvarint(c.length);
                hdr.putByte(1);
                out.write(hdr.array(), 0, hdr.len());
                out.write(c);
                byte[] crcSrc = new byte[c.length + 1];
                crcSrc[0] = 1;
                System.arraycopy(c, 0, crcSrc, 1, c.length);
                byte[] crc = new byte[4];
                Crc.writeBE32(crc, 0, Crc.crc32c(crcSrc, 0, crcSrc.length));
                out.write(crc);
                pos += hdr.len() + c.length + 4;
            }
            return refs;
        }

        @Override
        public void close() throws IOException {
            if (out != null) {
                out.close();
                out = null;
            }
        }
    }

    /**
     * Reads chunks by ref from memory-mapped segment files. Thread-safety: safe for concurrent
     * readers (absolute reads only). The mappings stay valid after the files are deleted.
     */
    public static final class Reader {
        private final MappedByteBuffer[] segs;

        public Reader(Path dir) throws IOException {
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    String n = p.getFileName().toString();
                    if (!n.isEmpty() && n.chars().allMatch(Character::isDigit)) {
                        files.add(p);
                    }
                }
            }
            files.sort((a, b) -> Long.compare(Long.parseLong(a.getFileName().toString()),
                    Long.parseLong(b.getFileName().toString())));
            segs = new MappedByteBuffer[files.size()];
            for (int i = 0; i < segs.length; i++) {
                try (FileChannel ch = FileChannel.open(files.get(i), StandardOpenOption.READ)) {
                    segs[i] = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
                }
                if (segs[i].limit() < 8 || segs[i].getInt(0) != MAGIC) {
                    throw new IOException("chunk segment " + files.get(i) + ": bad magic");
                }
                if (segs[i].get(4) != 1) {
                    throw new IOException("chunk segment " + files.get(i) + ": unknown version " + segs[i].get(4));
                }
            }
        }

        /**
         * Checks that chunk {@code ref} and its whole extent (length, data, CRC) lie inside its
         * segment, without reading the data.
         *
         * @throws IllegalStateException when it does not
         */
        public void checkRef(long ref) {
            dataOffset(ref);
        }

        /** Offset of the encoding byte of chunk {@code ref}, after checking its extent. */
        private int dataOffset(long ref) {
            return (int) extent(ref);
        }

        /**
         * Checks the extent of chunk {@code ref} (varint length, encoding byte, data, CRC all inside
         * its segment); returns the data length in the high 32 bits and the offset of the encoding
         * byte in the low 32.
         */
        private long extent(long ref) {
            int seg = (int) (ref >>> 32);
            int off = (int) ref;
            if (seg < 0 || seg >= segs.length || off < 8 || off >= segs[seg].limit()) {
                throw new IllegalStateException("chunk ref " + Long.toHexString(ref) + " out of range");
            }
            MappedByteBuffer m = segs[seg];
            long len = 0;
            int shift = 0;
            int p = off;
            while (true) {
                if (p >= m.limit() || shift > 28) {
                    throw new IllegalStateException("chunk ref " + Long.toHexString(ref) + ": bad length");
                }
                int c = m.get(p++) & 0xFF;
                len |= (long) (c & 0x7F) << shift;
                if (c < 0x80) {
                    break;
                }
                shift += 7;
            }
            if (p + 1 + len + 4 > m.limit()) {
                throw new IllegalStateException("chunk ref " + Long.toHexString(ref) + ": extends past segment end");
            }
            return len << 32 | p;
        }

        /** Loads the XOR payload of chunk {@code ref} into {@code buf}, verifying its CRC. */
        public void load(long ref, ByteScratch buf) {
            long ext = extent(ref);
            MappedByteBuffer m = segs[(int) (ref >>> 32)];
            int p = (int) ext;
            long len = ext >>> 32;
            int enc = m.get(p) & 0xFF;
            if (enc != 1) {
                throw new IllegalStateException("unsupported chunk encoding " + enc);
            }
            int n = (int) len;
            byte[] tmp = buf.ensure(n + 1);
            m.get(p, tmp, 0, n + 1);
            int want = m.getInt(p + 1 + n);
            if (Crc.crc32c(tmp, 0, n + 1) != want) {
                throw new IllegalStateException("chunk ref " + Long.toHexString(ref) + ": checksum mismatch");
            }
            System.arraycopy(tmp, 1, tmp, 0, n);
            buf.len = n;
        }
    }
}
