package dev.sextant.tsdb.head;

import dev.sextant.tsdb.encoding.Crc;
import dev.sextant.tsdb.encoding.Encbuf;
import dev.sextant.tsdb.mem.ChunkSlab;
import dev.sextant.tsdb.mem.MappedRegion;
import dev.sextant.tsdb.mem.MemoryTag;
import dev.sextant.tsdb.storage.StorageException;
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
 * chunk (numbers stay consecutive). Files found on open are checked and indexed by series ref
 * ({@link #load}); the head's WAL replay takes each series' chunks ({@link #takeLoaded}) and
 * re-encodes only the samples after them, as Prometheus does; chunks nobody takes are dropped.
 *
 * <p>Disk space is reserved ahead of the mapping by writing zeros through a file channel, 1 MiB
 * at a time, so a full disk shows up as an I/O error there and never as a fault while writing
 * through the mapping (which would crash the JVM). While no space can be reserved, full chunks
 * spill to an off-heap slab instead (their handles have the top bit set): the WAL holds every
 * sample anyway, so nothing is lost and appends keep working; new chunks go to files again once
 * space is back (for a series with a chunk in memory, only after that chunk is truncated: the files
 * must hold an unbroken prefix of each series' chunks for a restart to use them).
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
    /** Encoding bit Prometheus sets on out-of-order chunks (Sextant has none; they are skipped). */
    static final int OUT_OF_ORDER_MASK = 0x80;

    private static final class FileState {
        final MappedRegion region;
        long size;
        int live;
        /** Bytes from the file's start known to be backed by disk blocks. */
        long reserved;
        /** For a file found on open: its length then (restored if the open fails). */
        long loadedSize = -1;

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
    /** Chunks found on open, by series ref, until the WAL replay has claimed them; then null. */
    private LongObjectMap<MappedChunks> loaded;
    private long loadedChunks;
    private long maxLoadedRef;
    /** Files found on open are never written to: the first new chunk starts a new file. */
    private boolean cutBeforeNextAdd;

    HeadChunkFiles(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            load();
        } catch (IOException e) {
            closeLoaded();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            closeLoaded();
            throw e;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Loading the files found on open

    /**
     * Maps the files found in the directory and indexes their chunks by series ref, as Prometheus
     * does on start: every entry's CRC is checked; the first bad entry (torn write, wrong CRC, a
     * series' chunk that does not start after its previous one, a file that is missing from the
     * sequence or has a bad header) ends the usable data: that file is truncated there and every
     * later file deleted, so each series keeps an unbroken prefix of its chunks and the WAL replay
     * supplies the rest. A zeroed entry header marks the end of a file's data (Sextant reserves
     * disk space with zeros ahead of the write position). Out-of-order chunks (encoding with bit
     * 0x80) are skipped; native-histogram chunks are refused. New chunks go to a new file.
     */
    private void load() throws IOException {
        TreeMap<Integer, Path> found = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (!n.isEmpty() && n.length() <= 9 && n.chars().allMatch(Character::isDigit)) {
                    found.put(Integer.parseInt(n), p);
                }
            }
        }
        loaded = new LongObjectMap<>();
        String corrupt = null;
        int prev = -1;
        for (Map.Entry<Integer, Path> e : found.entrySet()) {
            int num = e.getKey();
            Path p = e.getValue();
            if (corrupt == null && prev >= 0 && num != prev + 1) {
                corrupt = "head chunk file " + String.format("%06d", prev + 1) + " is missing";
                LOG.warn("{}; deleting the later files, the WAL replays their samples", corrupt);
            }
            if (corrupt != null) {
                Files.delete(p);
                continue;
            }
            prev = num;
            long size = Files.size(p);
            String bad = null;
            if (size < HEADER_SIZE) {
                bad = "file shorter than its header";
            }
            FileState fs = null;
            if (bad == null) {
                fs = new FileState(MappedRegion.open(p, Math.max(size, MAX_FILE_SIZE), MemoryTag.HEAD_CHUNKS_MAPPED));
                fs.size = size;
                fs.loadedSize = size;
                files.put(num, fs); // closed (truncated to fs.size) with the others from here on
                bad = scan(num, fs, size);
            }
            if (bad != null) {
                corrupt = bad;
                if (fs == null || fs.size <= HEADER_SIZE && fs.live == 0) {
                    LOG.warn("head chunk file {} is corrupt ({}); deleting it and the later files, the WAL replays their samples",
                            p, bad);
                    if (fs != null) {
                        files.remove(num);
                        fs.region.close(-1);
                    } else {
                        Files.delete(p);
                    }
                    continue;
                }
                LOG.warn("head chunk file {} is corrupt at offset {} ({}); truncating it there and deleting the later files,"
                        + " the WAL replays their samples", p, fs.size, bad);
                fs.region.truncateFile(fs.size);
                fs.loadedSize = fs.size;
            }
            fs.reserved = fs.size;
            current = num;
        }
        cutBeforeNextAdd = true;
        if (loadedChunks > 0) {
            LOG.info("found {} head chunks of {} series in {} files in {}", loadedChunks, loaded.size(), files.size(), dir);
        }
    }

    /** Indexes the entries of one file; returns why the data ends early (and sets {@code fs.size} there), or null. */
    private String scan(int num, FileState fs, long size) {
        byte[] h = new byte[HEADER_SIZE];
        fs.region.read(0, h, 0, HEADER_SIZE);
        if (Crc.readBE32(h, 0) != MAGIC || h[4] != 1) {
            fs.size = 0;
            return "bad magic number or version";
        }
        byte[] buf = new byte[1 << 20];
        long bufStart = 0;
        int bufLen = 0;
        long off = HEADER_SIZE;
        while (true) {
            fs.size = off;
            if (size - off < ENTRY_FIXED + 1 + 4) {
                // Too short for an entry: the end, unless it holds non-zero bytes (a torn entry).
                break;
            }
            // Make sure the window holds the fixed part and the varint.
            if (off < bufStart || off + ENTRY_FIXED + 5 > bufStart + bufLen) {
                bufStart = off;
                bufLen = (int) Math.min(buf.length, size - off);
                fs.region.read(off, buf, 0, bufLen);
            }
            int p = (int) (off - bufStart);
            long ref = Crc.readBE64(buf, p);
            long mint = Crc.readBE64(buf, p + 8);
            long maxt = Crc.readBE64(buf, p + 16);
            int enc = buf[p + 24] & 0xFF;
            if (ref == 0 && mint == 0 && maxt == 0 && enc == 0) {
                break; // zeros: the end of the written data
            }
            int q = p + ENTRY_FIXED;
            long len = 0;
            int shift = 0;
            int avail = (int) Math.min(5, bufLen - q);
            int i = 0;
            for (; i < avail; i++) {
                int c = buf[q + i] & 0xFF;
                len |= (long) (c & 0x7F) << shift;
                if (c < 0x80) {
                    break;
                }
                shift += 7;
            }
            if (i == avail) {
                return "bad chunk length";
            }
            int hdrLen = ENTRY_FIXED + i + 1;
            long end = off + hdrLen + len + 4;
            if (len > MAX_FILE_SIZE || end > size) {
                return "chunk reaches past the end of the file (torn write)";
            }
            if (end > bufStart + bufLen) {
                if (end - off > buf.length) {
                    buf = new byte[(int) (end - off)];
                }
                bufStart = off;
                bufLen = (int) Math.min(buf.length, size - off);
                fs.region.read(off, buf, 0, bufLen);
                p = 0;
            }
            int crcAt = p + hdrLen + (int) len;
            if (Crc.crc32c(buf, p, hdrLen + (int) len) != Crc.readBE32(buf, crcAt)) {
                return "checksum mismatch";
            }
            if ((enc & OUT_OF_ORDER_MASK) == 0) {
                if (enc != 1) {
                    throw new StorageException("head chunk file " + fs.region.file() + " holds a chunk with encoding " + enc
                            + " (native histograms), which this version cannot read; refusing to drop it");
                }
                if (mint > maxt) {
                    fs.size = off;
                    return "chunk with mint " + mint + " after maxt " + maxt;
                }
                MappedChunks m = loaded.get(ref);
                if (m == null) {
                    m = new MappedChunks();
                    loaded.put(ref, m);
                } else if (m.lastMaxT() >= mint) {
                    fs.size = off;
                    return "out of sequence chunk for series ref " + ref + ": [" + mint + ", " + maxt
                            + "] after one ending at " + m.lastMaxT();
                }
                m.add(((long) num << 32) | off, mint, maxt);
                fs.live++;
                loadedChunks++;
                maxLoadedRef = Math.max(maxLoadedRef, ref);
            }
            off = end;
        }
        return null;
    }

    /** On a failed open: unmaps what was mapped, leaving each file as it was found. */
    private void closeLoaded() {
        for (FileState fs : files.values()) {
            try {
                fs.region.close(fs.loadedSize);
            } catch (RuntimeException e) {
                LOG.warn("could not close head chunk file {}: {}", fs.region.file(), e.getMessage());
            }
        }
        files.clear();
    }

    @Override
    public synchronized MappedChunks takeLoaded(long seriesRef) {
        if (loaded == null || seriesRef == 0) {
            return null;
        }
        MappedChunks m = loaded.get(seriesRef);
        if (m != null) {
            loaded.remove(seriesRef);
        }
        return m;
    }

    @Override
    public synchronized long dropUnclaimed() {
        if (loaded == null) {
            return 0;
        }
        long[] n = new long[1];
        loaded.forEachValue(m -> {
            for (int i = 0; i < m.n; i++) {
                file(m.handles[i]).live--;
                n[0]++;
            }
        });
        loaded = null;
        deleteDeadPrefix();
        return n[0];
    }

    /** Largest series ref among the chunks found on open (0 when none). */
    synchronized long maxLoadedRef() {
        return maxLoadedRef;
    }

    /** Chunks found on open (before any were dropped). */
    synchronized long loadedChunks() {
        return loadedChunks;
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
        cutBeforeNextAdd = false;
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

    @Override
    public synchronized long addInMemory(long seriesRef, long mint, long maxt, byte[] data, int off, int len) {
        if (closed) {
            throw new IllegalStateException("head chunk files closed");
        }
        return addSpilled(data, off, len);
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
        if (fs == null || cutBeforeNextAdd || fs.size + enc.len() > MAX_FILE_SIZE) {
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
