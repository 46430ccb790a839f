package dev.sextant.tsdb.wal;

import dev.sextant.tsdb.encoding.Crc;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Follows a WAL directory that is still being written, record by record, for the remote-write
 * sender. Unlike {@link WalReader}, which reads finished segments, the tail of the newest segment
 * may be incomplete: a fragment that is not fully on disk yet, or a record whose later fragments are
 * still buffered in the writer. {@link #next()} then answers {@link #WAIT} and the same record is
 * tried again on the next call, from its first fragment.
 *
 * <p>A segment is known to be finished when a later segment exists ({@link Wal} only opens the next
 * segment after padding and fsyncing the current one). A finished segment is read to its end and
 * then the tailer moves on. When the segment it stands in has been deleted (WAL truncation after a
 * checkpoint), {@link #next()} answers {@link #SEGMENT_GONE}; the caller reads the checkpoint that
 * replaced it and calls {@link #seek} to the first segment after the checkpoint.
 *
 * <p>Records are returned decompressed: the fragment type byte carries Prometheus's compression
 * flags (bit 3 snappy, bit 4 zstd), so a WAL written by Prometheus with
 * {@code --storage.tsdb.wal-compression} or by a Sextant that compresses records reads the same.
 * Zstd is refused like in {@link WalReader}.
 *
 * <p>Positions: {@link #segment()} and {@link #offset()} name the start of the next record to read
 * (the position after the last one returned); {@link #seek} accepts such a pair, so a caller can
 * persist its progress and resume there.
 *
 * <p>Thread-safety: not thread-safe; one thread tails. The array returned by {@link #record()} is
 * reused by the next call.
 */
public final class WalTailer implements AutoCloseable {
    /** A record was read; see {@link #record()}. */
    public static final int RECORD = 1;
    /** No complete record is on disk yet; call again later. */
    public static final int WAIT = 0;
    /** The current segment file no longer exists (truncated away); see the class comment. */
    public static final int SEGMENT_GONE = -1;
    /** The rest of the current, finished segment is corrupt; {@link #corruption()} says where. Skipped. */
    public static final int CORRUPT = -2;

    private final Path dir;
    private int segment;
    private FileChannel ch;
    private final byte[] page = new byte[Wal.PAGE_SIZE];
    /** Page start of {@link #page} in the segment, or -1 when no page is loaded. */
    private long pageStart = -1;
    /** Bytes of {@link #page} that were on disk when it was loaded. */
    private int pageLen;
    /** Start of the next record in the current segment. */
    private long offset;
    private byte[] rec = new byte[4096];
    private int recLen;
    private byte[] out = new byte[4096];
    private byte[] result;
    private int resultLen;
    private WalCorruptionException corruption;
    /** The current segment is known to be complete (a later one exists); it never changes back. */
    private boolean finished;
    /** Path of {@code segment + 1}, cached: the existence check runs each time the tail is reached. */
    private Path nextSegmentPath;

    /** Positions the tailer at the start of {@code segment}; nothing is opened until {@link #next()}. */
    public WalTailer(Path dir, int segment) {
        this.dir = dir;
        this.segment = segment;
    }

    public int segment() {
        return segment;
    }

    public long offset() {
        return offset;
    }

    public byte[] record() {
        return result;
    }

    public int recordLength() {
        return resultLen;
    }

    public WalCorruptionException corruption() {
        return corruption;
    }

    /** Moves to {@code offset} in {@code segment} (a record boundary previously reported by this class). */
    public void seek(int segment, long offset) throws IOException {
        closeChannel();
        this.segment = segment;
        this.offset = offset;
        this.pageStart = -1;
        this.finished = false;
        this.nextSegmentPath = null;
    }

    /**
     * Reads the next record.
     *
     * @return {@link #RECORD}, {@link #WAIT}, {@link #SEGMENT_GONE} or {@link #CORRUPT}
     */
    public int next() throws IOException {
        while (true) {
            if (ch == null) {
                try {
                    ch = FileChannel.open(dir.resolve(Wal.segmentName(segment)), StandardOpenOption.READ);
                } catch (NoSuchFileException e) {
                    return newerSegmentExists() ? SEGMENT_GONE : WAIT;
                }
                pageStart = -1;
            }
            // A complete record is complete whether or not the segment is finished, so the file
            // system is asked (one stat) only when the read comes up short. If the next segment
            // exists, the writer padded and fsynced this one first: read again, now knowing that
            // whatever is on disk is all there is (a short read then means the end, or corruption).
            int r = readRecord(finished);
            if (r == WAIT && !finished && Files.exists(nextSegmentPath())) {
                finished = true;
                r = readRecord(true);
            }
            if (r == RECORD) {
                return RECORD;
            }
            if (r == CORRUPT) {
                // Give up on the rest of this finished segment; the caller logs and continues.
                moveToNextSegment();
                return CORRUPT;
            }
            if (!finished) {
                return WAIT;
            }
            moveToNextSegment();
        }
    }

    private Path nextSegmentPath() {
        if (nextSegmentPath == null) {
            nextSegmentPath = dir.resolve(Wal.segmentName(segment + 1));
        }
        return nextSegmentPath;
    }

    private void moveToNextSegment() throws IOException {
        closeChannel();
        segment++;
        offset = 0;
        pageStart = -1;
        finished = false;
        nextSegmentPath = null;
    }

    private boolean newerSegmentExists() throws IOException {
        for (int s : Wal.segments(dir)) {
            if (s > segment) {
                return true;
            }
        }
        return false;
    }

    /**
     * Loads the page holding {@code pos}; returns false when nothing of that page is on disk yet.
     * A page that was loaded whole is kept. The live page (loaded while partly written) is read
     * again from {@code pos} on only: every byte before {@code pos} belongs to fragments already
     * taken, and callers only move forward within a page between loads, so the file's later
     * bytes are all that can have changed (including a tail the writer rewound and rewrote).
     */
    private boolean loadPage(long pos) throws IOException {
        long start = pos - pos % Wal.PAGE_SIZE;
        if (start == pageStart && pageLen == Wal.PAGE_SIZE) {
            return true;
        }
        long size = ch.size();
        if (size <= start) {
            pageStart = -1;
            return false;
        }
        int from = start == pageStart ? (int) Math.min(pos - start, pageLen) : 0;
        int want = (int) Math.min(Wal.PAGE_SIZE, size - start);
        if (want < from) {
            from = 0; // the file shrank below what we held: start the page over
        }
        ByteBuffer bb = ByteBuffer.wrap(page, from, want - from);
        while (bb.hasRemaining()) {
            if (ch.read(bb, start + bb.position()) < 0) {
                break;
            }
        }
        int len = bb.position();
        if (len < pageLen || start != pageStart) {
            Arrays.fill(page, len, Wal.PAGE_SIZE, (byte) 0);
        }
        pageLen = len;
        pageStart = start;
        return true;
    }

    /**
     * Reads one record starting at {@link #offset}. Returns {@link #RECORD}, {@link #WAIT} (nothing
     * complete; in a finished segment that means its end) or {@link #CORRUPT}.
     */
    private int readRecord(boolean finished) throws IOException {
        long pos = offset;
        recLen = 0;
        boolean inRecord = false;
        int flags = 0;
        while (true) {
            int inPage = (int) (pos % Wal.PAGE_SIZE);
            if (inPage > Wal.PAGE_SIZE - Wal.HEADER_SIZE) {
                // Fewer than 7 bytes left: the writer never starts a fragment there.
                pos += Wal.PAGE_SIZE - inPage;
                if (!inRecord) {
                    offset = pos;
                }
                continue;
            }
            if (!loadPage(pos)) {
                return WAIT;
            }
            if (inPage >= pageLen) {
                return WAIT; // the writer has not flushed past here yet
            }
            int type = page[inPage] & 0xFF;
            if (type == 0) {
                // Zero padding: only a completed page (written whole) carries it.
                if (pageLen == Wal.PAGE_SIZE) {
                    pos += Wal.PAGE_SIZE - inPage;
                    if (!inRecord) {
                        offset = pos;
                    }
                    continue;
                }
                return WAIT;
            }
            int ftype = type & 0x07;
            int f = type & 0xF8;
            if ((f & ~0x18) != 0 || ftype > Wal.LAST) {
                return corrupt(finished, "invalid fragment type byte " + type);
            }
            if (inPage + Wal.HEADER_SIZE > pageLen) {
                return finished ? corrupt(true, "truncated fragment header") : WAIT;
            }
            int len = ((page[inPage + 1] & 0xFF) << 8) | (page[inPage + 2] & 0xFF);
            int dataStart = inPage + Wal.HEADER_SIZE;
            if (dataStart + len > Wal.PAGE_SIZE) {
                return corrupt(finished, "fragment length " + len + " exceeds page");
            }
            if (dataStart + len > pageLen) {
                return finished ? corrupt(true, "fragment cut off by end of file") : WAIT;
            }
            if (Crc.crc32c(page, dataStart, len) != Crc.readBE32(page, inPage + 3)) {
                // In the live segment a fragment may still be in flight; only a finished one is corrupt.
                return finished ? corrupt(true, "fragment checksum mismatch") : WAIT;
            }
            boolean starts = ftype == Wal.FULL || ftype == Wal.FIRST;
            if (starts == inRecord) {
                return corrupt(finished, "unexpected fragment type " + ftype);
            }
            inRecord = true;
            if (recLen + len > rec.length) {
                rec = Arrays.copyOf(rec, Math.max(rec.length * 2, recLen + len));
            }
            System.arraycopy(page, dataStart, rec, recLen, len);
            recLen += len;
            flags = f;
            pos += Wal.HEADER_SIZE + len;
            if (ftype == Wal.FULL || ftype == Wal.LAST) {
                int r = finish(flags);
                if (r == RECORD) {
                    offset = pos;
                }
                return r;
            }
        }
    }

    private int finish(int flags) {
        if (flags == 0) {
            result = rec;
            resultLen = recLen;
            return RECORD;
        }
        if ((flags & 0x10) != 0) {
            return corrupt(true, "zstd-compressed WAL records are not supported");
        }
        try {
            int n = Snappy.uncompressedLength(rec, 0, recLen);
            if (out.length < n) {
                out = new byte[Math.max(n, out.length * 2)];
            }
            resultLen = Snappy.uncompress(rec, 0, recLen, out);
            result = out;
            return RECORD;
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            return corrupt(true, "bad snappy data: " + e.getMessage());
        }
    }

    private int corrupt(boolean finished, String reason) {
        if (!finished) {
            // A live segment can only be judged once the writer has moved on.
            return WAIT;
        }
        corruption = new WalCorruptionException(segment, offset, reason);
        return CORRUPT;
    }

    private void closeChannel() throws IOException {
        if (ch != null) {
            ch.close();
            ch = null;
        }
    }

    @Override
    public void close() throws IOException {
        closeChannel();
    }
}
