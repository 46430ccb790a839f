package dev.sextant.tsdb.wal;

import dev.sextant.tsdb.encoding.Crc;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * Reads records from consecutive WAL segments. {@link #next()} returns false at the end of the
 * last segment or on corruption; {@link #corruption()} then says which segment and at which byte
 * offset the bad record starts, so the caller can truncate there. A missing tail of the newest
 * segment reads as zeros (an unfinished page), which is not corruption.
 *
 * <p>Thread-safety: not thread-safe. The array returned by {@link #record()} is reused by the
 * next call to {@code next()}.
 */
public final class WalReader implements WalRecords {
    private final Path dir;
    private final List<Integer> segments;
    private int segIdx = -1;
    private FileChannel ch;
    private long fileSize;
    private final byte[] page = new byte[Wal.PAGE_SIZE];
    private long pageStart;
    private int pageLen;
    private int pos;
    private byte[] rec = new byte[4096];
    private int recLen;
    private byte[] out = rec;
    private int outLen;
    private WalCorruptionException corruption;
    private int recordSegment;
    private long recordOffset;

    public WalReader(Path dir, List<Integer> segments) {
        this.dir = dir;
        this.segments = segments;
    }

    public byte[] record() {
        return out;
    }

    public int recordLength() {
        return outLen;
    }

    public int recordSegment() {
        return recordSegment;
    }

    /** Offset of the current record's first fragment in its segment. */
    public long recordOffset() {
        return recordOffset;
    }

    public WalCorruptionException corruption() {
        return corruption;
    }

    public boolean next() throws IOException {
        if (corruption != null) {
            return false;
        }
        while (true) {
            if (ch == null && !openNext()) {
                return false;
            }
            int r = readRecord();
            if (r == 1) {
                return true;
            }
            if (r < 0) {
                return false;
            }
            ch.close();
            ch = null;
        }
    }

    private boolean openNext() throws IOException {
        segIdx++;
        if (segIdx >= segments.size()) {
            return false;
        }
        if (segIdx > 0 && segments.get(segIdx) != segments.get(segIdx - 1) + 1) {
            corruption = new WalCorruptionException(segments.get(segIdx), 0,
                    "segments not consecutive: " + segments.get(segIdx - 1) + " then " + segments.get(segIdx));
            return false;
        }
        ch = FileChannel.open(dir.resolve(Wal.segmentName(segments.get(segIdx))), StandardOpenOption.READ);
        fileSize = ch.size();
        pageStart = -Wal.PAGE_SIZE;
        pageLen = 0;
        pos = 0;
        return true;
    }

    private boolean loadNextPage() throws IOException {
        pageStart += Wal.PAGE_SIZE;
        if (pageStart >= fileSize) {
            return false;
        }
        int want = (int) Math.min(Wal.PAGE_SIZE, fileSize - pageStart);
        ByteBuffer bb = ByteBuffer.wrap(page, 0, want);
        while (bb.hasRemaining()) {
            if (ch.read(bb, pageStart + bb.position()) < 0) {
                break;
            }
        }
        pageLen = bb.position();
        // A short final page: the missing tail reads as zeros.
        Arrays.fill(page, pageLen, Wal.PAGE_SIZE, (byte) 0);
        pos = 0;
        return true;
    }

    /** 1 = record read, 0 = end of segment, -1 = corruption. */
    private int readRecord() throws IOException {
        recLen = 0;
        boolean inRecord = false;
        int compression = 0;
        int seg = segments.get(segIdx);
        while (true) {
            if (pageLen == 0 || pos >= Wal.PAGE_SIZE - Wal.HEADER_SIZE + 1 || pos >= pageLen) {
                // Move on when the page is exhausted; with < 7 bytes left the rest must be padding.
                if (!loadNextPage()) {
                    if (inRecord) {
                        return fail(seg, recordOffset, "torn record at end of segment");
                    }
                    return 0;
                }
            }
            int type = page[pos] & 0xFF;
            long fragOffset = pageStart + pos;
            if (type == 0) {
                // Page terminator: the rest of the page must be zero.
                for (int i = pos; i < Wal.PAGE_SIZE; i++) {
                    if (page[i] != 0) {
                        return fail(seg, inRecord ? recordOffset : fragOffset, "non-zero bytes after page terminator");
                    }
                }
                pos = Wal.PAGE_SIZE;
                continue;
            }
            int flags = type & 0xF8;
            int ftype = type & 0x07;
            if ((flags & ~0x18) != 0 || ftype > Wal.LAST) {
                return fail(seg, inRecord ? recordOffset : fragOffset, "invalid fragment type byte " + type);
            }
            if (pos + Wal.HEADER_SIZE > pageLen) {
                return fail(seg, inRecord ? recordOffset : fragOffset, "truncated fragment header");
            }
            int len = ((page[pos + 1] & 0xFF) << 8) | (page[pos + 2] & 0xFF);
            int crc = Crc.readBE32(page, pos + 3);
            int dataStart = pos + Wal.HEADER_SIZE;
            if (dataStart + len > Wal.PAGE_SIZE) {
                return fail(seg, inRecord ? recordOffset : fragOffset, "fragment length " + len + " exceeds page");
            }
            if (dataStart + len > pageLen) {
                return fail(seg, inRecord ? recordOffset : fragOffset, "fragment cut off by end of file");
            }
            if (Crc.crc32c(page, dataStart, len) != crc) {
                return fail(seg, inRecord ? recordOffset : fragOffset, "fragment checksum mismatch");
            }
            boolean starts = ftype == Wal.FULL || ftype == Wal.FIRST;
            if (starts == inRecord) {
                return fail(seg, inRecord ? recordOffset : fragOffset, "unexpected fragment type " + ftype);
            }
            if (!inRecord) {
                recordOffset = fragOffset;
                recordSegment = seg;
                inRecord = true;
            }
            if (recLen + len > rec.length) {
                rec = Arrays.copyOf(rec, Math.max(rec.length * 2, recLen + len));
            }
            System.arraycopy(page, dataStart, rec, recLen, len);
            recLen += len;
            pos = dataStart + len;
            compression = flags;
            if (ftype == Wal.FULL || ftype == Wal.LAST) {
                return finish(seg, compression);
            }
        }
    }

    private int finish(int seg, int compression) {
        if (compression == 0) {
            out = rec;
            outLen = recLen;
            return 1;
        }
        if ((compression & 0x10) != 0) {
            return fail(seg, recordOffset, "zstd-compressed WAL records are not supported");
        }
        try {
            int n = Snappy.uncompressedLength(rec, 0, recLen);
            if (n > 32L * recLen + 64) {
                // No Snappy element expands more than 64 / 3 times: a corrupt length, not a huge record.
                return fail(seg, recordOffset, "bad snappy data: decoded length " + n + " for " + recLen + " bytes");
            }
            if (out == rec || out.length < n) {
                out = new byte[Math.max(n, 4096)];
            }
            outLen = Snappy.uncompress(rec, 0, recLen, out);
            return 1;
        } catch (IllegalArgumentException e) {
            return fail(seg, recordOffset, "bad snappy data: " + e.getMessage());
        }
    }

    private int fail(int seg, long offset, String reason) {
        corruption = new WalCorruptionException(seg, offset, reason);
        return -1;
    }

    @Override
    public void close() throws IOException {
        if (ch != null) {
            ch.close();
            ch = null;
        }
    }
}
