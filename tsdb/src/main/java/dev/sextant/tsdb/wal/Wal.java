package dev.sextant.tsdb.wal;

import dev.sextant.tsdb.encoding.Crc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Prometheus's write-ahead log: numbered segment files ({@code 00000000}, ...) made of 32 KiB
 * pages; each record is split into fragments ({@code full}, or {@code first middle* last}) with a
 * 7-byte header (type, be2 length, CRC32C of the payload) and no fragment crosses a page. With
 * compression on (Prometheus's {@code --storage.tsdb.wal-compression}, its default since 2.20) a
 * record is Snappy-compressed before it is cut into fragments, when that makes it smaller, and
 * every fragment of it carries the Snappy flag (bit 3 of the type byte). See {@code
 * docs/format/wal.md}.
 *
 * <p>On open a new segment is started after the last existing one, as Prometheus does. {@link
 * #log} buffers into the current page; {@link #flush()} hands the bytes to the OS (called at every
 * commit); segments are fsynced when finished and on {@link #close()}. A segment finished because
 * it is full (or by {@link #nextSegment}) is fsynced and closed by a background thread, as
 * Prometheus does ("don't block further writes by fsyncing the last segment"): fsyncing 128 MiB
 * of dirty pages took the appenders' commits hostage for as long as the disk needed, once per
 * segment. {@link #sync()} and {@link #close()} wait for those fsyncs.
 *
 * <p>Write errors (a full disk) never leave a torn record behind: when {@link #log} or {@link
 * #flush()} fails, the log is rewound to where the failed call started (buffer restored, file
 * truncated there), so the next successful write continues a valid segment and a replay never
 * stops at the failed record and drops what was acknowledged after it. If even the rewind fails,
 * the log refuses further writes until it is reopened.
 *
 * <p>Thread-safety: all public methods are synchronized, except the lock-free fsync statistics.
 */
public final class Wal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Wal.class);
    public static final int PAGE_SIZE = 32 * 1024;
    public static final int HEADER_SIZE = 7;
    public static final long DEFAULT_SEGMENT_SIZE = 128L * 1024 * 1024;

    static final int FULL = 1;
    static final int FIRST = 2;
    static final int MIDDLE = 3;
    static final int LAST = 4;
    /** Type-byte flag of the fragments of a Snappy-compressed record. */
    static final int SNAPPY = 0x08;

    private final Path dir;
    private final long segmentSize;
    private final byte[] page = new byte[PAGE_SIZE];
    private int alloc;
    private int flushed;
    private int donePages;
    private int segment = -1;
    private FileChannel channel;
    private boolean closed;
    private final LongAdder fsyncs = new LongAdder();
    private final LongAdder fsyncNanos = new LongAdder();
    private final boolean compress;
    private byte[] compressed = new byte[0];
    private final int[] snappyTable;
    /** Fsyncs and closes finished segments off the appenders' path; created at the first switch. Guarded by this. */
    private ExecutorService syncer;
    /** The last background fsync handed to {@link #syncer}; guarded by this. */
    private Future<?> lastSync;

    /** A WAL writing uncompressed records. */
    public Wal(Path dir, long segmentSize) {
        this(dir, segmentSize, false);
    }

    /** A WAL writing Snappy-compressed records when {@code compress} (as Prometheus does by default). */
    public Wal(Path dir, long segmentSize, boolean compress) {
        if (segmentSize % PAGE_SIZE != 0 || segmentSize <= 0) {
            throw new IllegalArgumentException("WAL segment size must be a positive multiple of 32 KiB: " + segmentSize);
        }
        this.dir = dir;
        this.segmentSize = segmentSize;
        this.compress = compress;
        this.snappyTable = compress ? new int[1 << Snappy.HASH_BITS] : null;
        try {
            Files.createDirectories(dir);
            List<Integer> segs = segments(dir);
            openSegment(segs.isEmpty() ? 0 : segs.get(segs.size() - 1) + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    public static String segmentName(int n) {
        return String.format("%08d", n);
    }

    /** Sorted numbers of the segment files in {@code dir} (non-numeric names are skipped). */
    public static List<Integer> segments(Path dir) throws IOException {
        List<Integer> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit) && Files.isRegularFile(p)) {
                    out.add(Integer.parseInt(name));
                }
            }
        }
        out.sort(null);
        return out;
    }

    private void openSegment(int n) throws IOException {
        channel = FileChannel.open(dir.resolve(segmentName(n)),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        segment = n;
        donePages = 0;
        alloc = 0;
        flushed = 0;
        Arrays.fill(page, (byte) 0);
        fsyncDir(dir);
    }

    /** The segment currently written. */
    public synchronized int currentSegment() {
        return segment;
    }

    /** Whether records are written Snappy-compressed. */
    public boolean compressing() {
        return compress;
    }

    /**
     * Appends one record (a zero-length record is legal) to the log buffer, Snappy-compressed when
     * compression is on and it saves space. On an I/O error the record is not logged at all (see
     * the class comment) and an {@link UncheckedIOException} is thrown.
     */
    public synchronized void log(byte[] rec, int off, int len) {
        ensureOpen();
        beginWrite();
        int flag = 0;
        if (compress && len > 0) {
            int max = Snappy.maxCompressedLength(len);
            if (compressed.length < max) {
                compressed = new byte[Math.max(max, Math.min(2 * compressed.length, 1 << 24))];
            }
            int n = Snappy.compress(rec, off, len, compressed, snappyTable);
            if (n < len) {
                rec = compressed;
                off = 0;
                len = n;
                flag = SNAPPY;
            }
        }
        try {
            logRecord(rec, off, len, flag);
        } catch (IOException e) {
            rewind(e);
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A record made ready for {@link #logPrepared} outside the WAL's lock: compressed by the
     * caller's thread when compression is on and pays off, else the caller's bytes as they are. So
     * appenders encode and compress concurrently and hold the lock only to copy the bytes into
     * pages (Prometheus likewise encodes a commit's records before taking the WAL's lock).
     *
     * <p>Thread-safety: not thread-safe; reusable, one per appender (its hash table is 64 KiB).
     */
    public static final class Prepared {
        private byte[] compressed = new byte[0];
        private int[] table;
        byte[] bytes;
        int off;
        int len;
        int flag;
    }

    /**
     * Fills {@code p} with the record {@code rec[off, off + len)}, compressed as {@link #log} would;
     * {@code p} refers to {@code rec} (when not compressed) until it is logged. Thread-safe: touches
     * only {@code p} and this log's fixed settings.
     */
    public void prepare(byte[] rec, int off, int len, Prepared p) {
        p.bytes = rec;
        p.off = off;
        p.len = len;
        p.flag = 0;
        if (!compress || len == 0) {
            return;
        }
        int max = Snappy.maxCompressedLength(len);
        if (p.compressed.length < max) {
            p.compressed = new byte[Math.max(max, Math.min(2 * p.compressed.length, 1 << 24))];
        }
        if (p.table == null) {
            p.table = new int[1 << Snappy.HASH_BITS];
        }
        int n = Snappy.compress(rec, off, len, p.compressed, p.table);
        if (n < len) {
            p.bytes = p.compressed;
            p.off = 0;
            p.len = n;
            p.flag = SNAPPY;
        }
    }

    /** {@link #log} for a record made ready by {@link #prepare} (of this log), with the same error handling. */
    public synchronized void logPrepared(Prepared p) {
        ensureOpen();
        beginWrite();
        try {
            logRecord(p.bytes, p.off, p.len, p.flag);
        } catch (IOException e) {
            rewind(e);
            throw new UncheckedIOException(e);
        }
    }

    private void logRecord(byte[] rec, int off, int len, int flag) throws IOException {
        { // (a block, so the body keeps the indentation it had inside log's try)
            long used = (long) donePages * PAGE_SIZE + alloc;
            long needed = len + (long) HEADER_SIZE * (len / (PAGE_SIZE - HEADER_SIZE) + 2);
            if (used > 0 && used + needed > segmentSize) {
                finishSegment(true);
                openSegment(segment + 1);
            }
            int pos = off;
            int remaining = len;
            boolean first = true;
            do {
                if (PAGE_SIZE - alloc < HEADER_SIZE) {
                    // Too little room for a header: the rest of the page stays zero.
                    alloc = PAGE_SIZE;
                    completePage();
                }
                int frag = Math.min(remaining, PAGE_SIZE - alloc - HEADER_SIZE);
                boolean last = frag == remaining;
                int type = first ? (last ? FULL : FIRST) : (last ? LAST : MIDDLE);
                page[alloc] = (byte) (type | flag);
                page[alloc + 1] = (byte) (frag >>> 8);
                page[alloc + 2] = (byte) frag;
                Crc.writeBE32(page, alloc + 3, Crc.crc32c(rec, pos, frag));
                System.arraycopy(rec, pos, page, alloc + HEADER_SIZE, frag);
                alloc += HEADER_SIZE + frag;
                pos += frag;
                remaining -= frag;
                first = false;
                if (alloc == PAGE_SIZE) {
                    completePage();
                }
                if (last) {
                    break;
                }
            } while (true);
        }
    }

    // Rewind state: where the current log call started. The page's content is copied only
    // when the call completes the page (once per 32 KiB), so the common path copies nothing.
    private int startSegment;
    private int startDonePages;
    private int startAlloc;
    private int startFlushed;
    private boolean pageSaved;
    private final byte[] savedPage = new byte[PAGE_SIZE];
    /** Set when a rewind failed: the on-disk state is unknown, so nothing more may be appended. */
    private IOException broken;

    private void beginWrite() {
        if (broken != null) {
            throw new UncheckedIOException("WAL unusable after a failed write; restart to repair it", broken);
        }
        if (channel == null) {
            // A segment switch failed half-way: the previous segment is finished, start the next.
            try {
                openSegment(segment + 1);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        startSegment = segment;
        startDonePages = donePages;
        startAlloc = alloc;
        startFlushed = flushed;
        pageSaved = false;
    }

    /** Puts buffer and file back to the state at {@link #beginWrite()}; on failure marks the log broken. */
    private void rewind(IOException cause) {
        try {
            if (segment != startSegment) {
                // The failure came after the previous segment was finished: the new segment may
                // hold part of the record; empty it and continue there.
                if (channel != null) {
                    channel.truncate(0);
                }
                donePages = 0;
                alloc = 0;
                flushed = 0;
                Arrays.fill(page, (byte) 0);
                return;
            }
            if (pageSaved) {
                System.arraycopy(savedPage, 0, page, 0, PAGE_SIZE);
            }
            Arrays.fill(page, startAlloc, PAGE_SIZE, (byte) 0);
            donePages = startDonePages;
            alloc = startAlloc;
            flushed = startFlushed;
            if (channel != null) {
                // Drop whatever part of the record reached the file; unwritten page bytes read as zeros.
                long keep = (long) donePages * PAGE_SIZE + flushed;
                if (channel.size() > keep) {
                    channel.truncate(keep);
                }
            }
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
            broken = cause;
        }
    }

    public synchronized void log(byte[] rec) {
        log(rec, 0, rec.length);
    }

    private void completePage() throws IOException {
        if (!pageSaved && donePages == startDonePages && segment == startSegment) {
            System.arraycopy(page, 0, savedPage, 0, PAGE_SIZE);
            pageSaved = true;
        }
        writePageBytes(PAGE_SIZE);
        donePages++;
        alloc = 0;
        flushed = 0;
        Arrays.fill(page, (byte) 0);
    }

    private void writePageBytes(int upTo) throws IOException {
        if (upTo > flushed) {
            ByteBuffer bb = ByteBuffer.wrap(page, flushed, upTo - flushed);
            long filePos = (long) donePages * PAGE_SIZE + flushed;
            while (bb.hasRemaining()) {
                filePos += channel.write(bb, filePos);
            }
            flushed = upTo;
        }
    }

    /** Writes buffered bytes to the OS (no fsync). */
    public synchronized void flush() {
        ensureOpen();
        if (broken != null) {
            throw new UncheckedIOException("WAL unusable after a failed write; restart to repair it", broken);
        }
        if (channel == null) {
            return; // nothing buffered since a failed segment switch
        }
        try {
            writePageBytes(alloc);
        } catch (IOException e) {
            // The bytes stay buffered; positional writes make the next flush rewrite them.
            throw new UncheckedIOException(e);
        }
    }

    /** Flushes and fsyncs the current segment, after the background fsyncs of finished ones. */
    public synchronized void sync() {
        flush();
        try {
            awaitBackgroundSyncs();
            if (channel != null) {
                force(channel);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** fsyncs a segment, timing it for {@link #fsyncCount()} and {@link #fsyncSeconds()}. */
    private void force(FileChannel ch) throws IOException {
        long t0 = System.nanoTime();
        ch.force(false);
        fsyncNanos.add(System.nanoTime() - t0);
        fsyncs.increment();
    }

    /** Hands a finished segment's channel to the background thread, which fsyncs and closes it. */
    private void syncInBackground(FileChannel ch, int seg) {
        if (syncer == null) {
            syncer = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "wal-segment-fsync");
                t.setDaemon(true);
                return t;
            });
        }
        lastSync = syncer.submit(() -> {
            try {
                force(ch);
            } catch (IOException | RuntimeException e) {
                // As Prometheus: the records are written (in the page cache); log and go on.
                LOG.error("fsync of finished WAL segment {} in {} failed: {}", segmentName(seg), dir, e.toString());
            } finally {
                try {
                    ch.close();
                } catch (IOException e) {
                    LOG.warn("closing WAL segment {}: {}", segmentName(seg), e.toString());
                }
            }
        });
    }

    /** Waits until every segment handed to the background thread so far is fsynced (its failure is logged there). */
    private void awaitBackgroundSyncs() {
        Future<?> f = lastSync; // the thread runs them in order: the last done means all done
        if (f == null) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                f.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                break; // cannot happen: the task catches its failures
            }
        }
        lastSync = null;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Segment fsyncs so far ({@code prometheus_tsdb_wal_fsync_duration_seconds_count}); lock-free. */
    public long fsyncCount() {
        return fsyncs.sum();
    }

    /** Total seconds spent in segment fsyncs ({@code ..._fsync_duration_seconds_sum}); lock-free. */
    public double fsyncSeconds() {
        return fsyncNanos.sum() / 1e9;
    }

    /**
     * Writes out the current segment's last page and fsyncs and closes it, in the background when
     * {@code background}. A failure to write the page leaves the segment current (the caller
     * rewinds); a failed fsync in the background is logged, as Prometheus does.
     */
    private void finishSegment(boolean background) throws IOException {
        if (channel == null) {
            return; // already finished by a segment switch that failed to open the next one
        }
        if (alloc > 0) {
            alloc = PAGE_SIZE; // zero-fill the last page
            completePage();
        }
        FileChannel ch = channel;
        if (background) {
            channel = null;
            syncInBackground(ch, segment);
            return;
        }
        force(ch);
        ch.close();
        channel = null;
    }

    /** Closes the current segment and starts the next one; returns the new segment's number. */
    public synchronized int nextSegment() {
        ensureOpen();
        try {
            finishSegment(true);
            openSegment(segment + 1);
            return segment;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes segments numbered below {@code n} (never the current one). */
    public synchronized void truncateBefore(int n) {
        try {
            for (int s : segments(dir)) {
                if (s < n && s != segment) {
                    Files.deleteIfExists(dir.resolve(segmentName(s)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("WAL closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            finishSegment(false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            awaitBackgroundSyncs();
            if (syncer != null) {
                syncer.shutdown();
                syncer = null;
            }
        }
    }

    static void fsyncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open directories; durability of the rename is then best effort.
        }
    }

    /**
     * Repairs a segment after a corrupt or torn record at {@code offset}: deletes every later
     * segment and truncates this one to the records that start before the offset, zero-filling its
     * last page. Call before opening a {@link Wal} on the directory.
     */
    public static void repair(Path dir, int segment, long offset) throws IOException {
        for (int s : segments(dir)) {
            if (s > segment) {
                Files.delete(dir.resolve(segmentName(s)));
            }
        }
        Path p = dir.resolve(segmentName(segment));
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            ch.truncate(offset);
            long padded = (offset + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;
            if (padded > offset) {
                ch.write(ByteBuffer.allocate((int) (padded - offset)), offset);
            }
            ch.force(true);
        }
    }
}
