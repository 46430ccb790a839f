package dev.sextant.tsdb.head;

import dev.sextant.tsdb.encoding.Crc;
import dev.sextant.tsdb.encoding.Encbuf;
import dev.sextant.tsdb.mem.ChunkSlab;
import dev.sextant.tsdb.mem.MappedRegion;
import dev.sextant.tsdb.mem.MemoryTag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Full head chunks written to memory-mapped {@code chunks_head/NNNNNN} files in Prometheus's format
 * (magic {@code 0x0130BC91}, version 1; entries of series ref, mint, maxt, encoding, uvarint length,
 * data, CRC32C). A handle is Prometheus's head chunk reference: {@code fileNumber << 32 | offset}.
 *
 * <p>Files are numbered consecutively from 1; a new file starts when the next chunk would pass 128
 * MiB and after each head truncation. A file is deleted once it and every older file hold no live
 * chunk (numbers stay consecutive). Sextant rebuilds the head from the WAL, so files found on open
 * are deleted rather than replayed (Prometheus does the same when it cannot use them).
 *
 * <p>Disk space is reserved ahead of the mapping by writing zeros through a file channel, 1 MiB
 * at a time, so a full disk shows up as an I/O error there and never as a fault while writing
 * through the mapping (which would crash the JVM). While no space can be reserved, full chunks
 * spill to an off-heap slab instead (their handles have the top bit set): the WAL holds every
 * sample anyway, so nothing is lost and appends keep working; new chunks go to files again once
 * space is back.
 *
 * <p>Thread-safety: all methods are synchronized.
 */
final class HeadChunkFiles implements ChunkStore {
    private static final Logger LOG = LoggerFactory.getLogger(HeadChunkFiles.class);
    static final int MAGIC = 0x0130BC91;
    static final long MAX_FILE_SIZE = 128L * 1024 * 1024;
    static final int HEADER_SIZE = 8;
    /** series ref + mint + maxt + encoding. */
    private static final int ENTRY_FIXED = 8 + 8 + 8 + 1;
    /** Disk space is reserved in steps of this many bytes ahead of the write position. */
    static final long RESERVE_STEP = 1 << 20;
    /** Marks the handle of a chunk held in {@link #spill} rather than in a file. */
    private static final long SPILLED = Long.MIN_VALUE;
    private static final byte[] ZEROS = new byte[64 * 1024];

    private static final class FileState {
        final MappedRegion region;
        long size;
        int live;
        /** Bytes from the file's start known to be backed by disk blocks. */
        long reserved;

        FileState(MappedRegion region) {
            this.region = region;
        }
    }

    private final Path dir;
    private final TreeMap<Integer, FileState> files = new TreeMap<>();
    private int current;
    private final Encbuf enc = new Encbuf(1100);
    private final byte[] hdr = new byte[ENTRY_FIXED + 5];
    private boolean closed;
    private ChunkSlab spill;
    private boolean spilling;

    HeadChunkFiles(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    String n = p.getFileName().toString();
                    if (!n.isEmpty() && n.chars().allMatch(Character::isDigit)) {
                        LOG.info("removing head chunk file {}; the WAL rebuilds its chunks", p);
                        Files.delete(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the next file; false (nothing changed but the old file's length) when the disk has no room. */
    private boolean cut() {
        FileState cur = files.get(current);
        if (cur != null && cur.reserved > cur.size) {
            try {
                cur.region.truncateFile(cur.size); // drop the preallocation; never read past size
                cur.reserved = cur.size;
            } catch (UncheckedIOException e) {
                LOG.warn("could not shrink head chunk file {}: {}", cur.region.file(), e.getMessage());
            }
        }
        Path file = dir.resolve(String.format("%06d", current + 1));
        MappedRegion r;
        try {
            r = MappedRegion.create(file, MAX_FILE_SIZE, MemoryTag.HEAD_CHUNKS_MAPPED);
        } catch (UncheckedIOException e) {
            noSpace(e.getCause());
            return false;
        }
        FileState fs = new FileState(r);
        if (!reserve(fs, HEADER_SIZE)) {
            r.close(-1);
            return false;
        }
        current++;
        byte[] h = new byte[HEADER_SIZE];
        Crc.writeBE32(h, 0, MAGIC);
        h[4] = 1;
        r.write(0, h, 0, HEADER_SIZE);
        fs.size = HEADER_SIZE;
        files.put(current, fs);
        deleteDeadPrefix();
        return true;
    }

    /** Makes sure the first {@code end} bytes of the file have disk blocks; false when the disk is full. */
    private boolean reserve(FileState fs, long end) {
        if (end <= fs.reserved) {
            return true;
        }
        long to = Math.min(MAX_FILE_SIZE, Math.max(end, fs.reserved + RESERVE_STEP));
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(fs.region.file(),
                java.nio.file.StandardOpenOption.WRITE)) {
            long pos = fs.reserved;
            while (pos < to) {
                java.nio.ByteBuffer zeros = java.nio.ByteBuffer.wrap(ZEROS, 0, (int) Math.min(ZEROS.length, to - pos));
                while (zeros.hasRemaining()) {
                    pos += ch.write(zeros, pos);
                }
            }
            fs.reserved = to;
        } catch (IOException e) {
            noSpace(e);
            return false;
        }
        if (spilling) {
            spilling = false;
            LOG.info("head chunks are written to {} again", dir);
        }
        return true;
    }

    private void noSpace(Throwable e) {
        if (!spilling) {
            spilling = true;
            LOG.warn("cannot write head chunks to {} ({}); keeping full chunks in memory until there is room",
                    dir, e == null ? "unknown error" : e.getMessage());
        }
    }

    private long addSpilled(byte[] data, int off, int len) {
        if (spill == null) {
            spill = new ChunkSlab(ChunkSlab.DEFAULT_PAGE_SIZE, MemoryTag.HEAD_CHUNKS);
        }
        long h = spill.add(data, off, len);
        if (h < 0) {
            throw new IllegalStateException("slab handle out of range: " + h);
        }
        return h | SPILLED;
    }

    @Override
    public synchronized long add(long seriesRef, long mint, long maxt, byte[] data, int off, int len) {
        if (closed) {
            throw new IllegalStateException("head chunk files closed");
        }
        enc.reset();
        enc.putBE64(seriesRef).putBE64(mint).putBE64(maxt).putByte(1).putUvarint(len).putBytes(data, off, len);
        enc.putBE32(Crc.crc32c(enc.array(), 0, enc.len()));
        FileState fs = files.get(current);
        if (fs == null || fs.size + enc.len() > MAX_FILE_SIZE) {
            if (!cut()) {
                return addSpilled(data, off, len);
            }
            fs = files.get(current);
        }
        long pos = fs.size;
        if (!reserve(fs, pos + enc.len())) {
            return addSpilled(data, off, len);
        }
        fs.region.write(pos, enc.array(), 0, enc.len());
        fs.size += enc.len();
        fs.live++;
        return ((long) current << 32) | pos;
    }

    private FileState file(long handle) {
        FileState fs = files.get((int) (handle >>> 32));
        if (fs == null) {
            throw new IllegalStateException("stale head chunk reference " + Long.toHexString(handle));
        }
        return fs;
    }

    private long entryLen;
    private long entryData;

    /** Reads the fixed part and the length varint into {@code entryLen} and {@code entryData}. */
    private void entry(FileState fs, long off) {
        int n = (int) Math.min(hdr.length, fs.size - off);
        fs.region.read(off, hdr, 0, n);
        long len = 0;
        int shift = 0;
        int p = ENTRY_FIXED;
        while (true) {
            int c = hdr[p++] & 0xFF;
            len |= (long) (c & 0x7F) << shift;
            if (c < 0x80) {
                break;
            }
            shift += 7;
        }
        entryLen = len;
        entryData = off + p;
    }

    @Override
    public synchronized int length(long handle) {
        if (handle < 0) {
            return spill.length(handle & ~SPILLED);
        }
        entry(file(handle), (int) handle);
        return (int) entryLen;
    }

    @Override
    public synchronized int read(long handle, byte[] dst) {
        if (handle < 0) {
            return spill.read(handle & ~SPILLED, dst);
        }
        FileState fs = file(handle);
        entry(fs, (int) handle);
        fs.region.read(entryData, dst, 0, (int) entryLen);
        return (int) entryLen;
    }

    @Override
    public synchronized void free(long handle) {
        if (handle < 0) {
            spill.free(handle & ~SPILLED);
            return;
        }
        FileState fs = file(handle);
        if (fs.live <= 0) {
            throw new IllegalStateException("head chunk freed twice: " + Long.toHexString(handle));
        }
        fs.live--;
        deleteDeadPrefix();
    }

    private void deleteDeadPrefix() {
        while (!files.isEmpty()) {
            Map.Entry<Integer, FileState> first = files.firstEntry();
            if (first.getKey() == current || first.getValue().live > 0) {
                return;
            }
            first.getValue().region.close(-1);
            files.remove(first.getKey());
        }
    }

    @Override
    public synchronized void truncated() {
        FileState fs = files.get(current);
        if (fs != null && fs.size > HEADER_SIZE) {
            cut(); // on a full disk the current file simply goes on
        }
    }

    @Override
    public synchronized long bytes() {
        long n = 0;
        for (FileState fs : files.values()) {
            n += fs.size;
        }
        return spill == null ? n : n + spill.allocatedBytes();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (FileState fs : files.values()) {
            fs.region.close(fs.size);
        }
        files.clear();
        if (spill != null) {
            spill.close();
        }
    }
}
