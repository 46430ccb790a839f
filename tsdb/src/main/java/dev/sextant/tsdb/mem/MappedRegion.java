package dev.sextant.tsdb.mem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import net.openhft.chronicle.bytes.MappedBytes;

/**
 * A file mapped read-write as one region of fixed maximum size (the file is extended sparsely to
 * that size), with absolute-offset byte access. Backed by chronicle-bytes {@code MappedBytes} with a
 * single mapping chunk, so no access ever straddles two mappings. The mapped address space is
 * accounted to a {@link MemoryTag} until {@link #close(long)}.
 *
 * <p>Thread-safety: reads and writes of disjoint ranges may run concurrently; {@code close} must
 * not race with access. Lifetime: owned by its creator; closing twice throws.
 */
public final class MappedRegion {
    private final Path file;
    private final long maxSize;
    private final MemoryTag tag;
    private volatile MappedBytes bytes;

    private MappedRegion(Path file, long maxSize, MemoryTag tag) throws IOException {
        this.file = file;
        this.maxSize = maxSize;
        this.tag = tag;
        MappedBytes m = MappedBytes.mappedBytes(file.toFile(), maxSize, 0);
        m.readLimit(maxSize);
        // Appenders and queries reach the region from many threads; our callers serialise access
        // (see class Javadoc), so chronicle's "one thread per component" check must not apply.
        m.singleThreadedCheckDisabled(true);
        this.bytes = m;
        tag.allocated(maxSize);
    }

    /** Creates (replacing any existing file) and maps {@code file} with room for {@code maxSize} bytes. */
    public static MappedRegion create(Path file, long maxSize, MemoryTag tag) {
        try {
            Files.deleteIfExists(file);
            return new MappedRegion(file, maxSize, tag);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Maps an existing {@code file} (its bytes are kept) with room for {@code maxSize} bytes; the
     * file is extended sparsely to that size until {@link #close(long)} truncates it.
     */
    public static MappedRegion open(Path file, long maxSize, MemoryTag tag) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new IOException("not a regular file: " + file);
            }
            byte[] first = new byte[1];
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                ch.read(java.nio.ByteBuffer.wrap(first), 0);
            }
            MappedRegion r = new MappedRegion(file, maxSize, tag);
            // MappedBytes maps its chunk on the first write; reads before it see a placeholder of
            // zeros. Writing back the byte that is there maps the existing contents.
            r.write(0, first, 0, 1);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path file() {
        return file;
    }

    private MappedBytes live() {
        MappedBytes m = bytes;
        if (m == null) {
            throw new IllegalStateException("mapped region closed: " + file);
        }
        return m;
    }

    private void check(long off, long len) {
        if (off < 0 || len < 0 || off + len > maxSize) {
            throw new IndexOutOfBoundsException("range [" + off + ", " + (off + len) + ") outside " + maxSize);
        }
    }

    public void write(long off, byte[] src, int srcOff, int len) {
        check(off, len);
        live().write(off, src, srcOff, len);
    }

    public void read(long off, byte[] dst, int dstOff, int len) {
        check(off, len);
        live().read(off, dst, dstOff, len);
    }

    /** Shrinks the file to {@code length} bytes; the region must not be accessed past it afterwards. */
    public void truncateFile(long length) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(false);
            ch.truncate(length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unmaps the region, truncates the file to {@code length} (or deletes it when negative). */
    public synchronized void close(long length) {
        MappedBytes m = bytes;
        if (m == null) {
            throw new IllegalStateException("mapped region closed twice: " + file);
        }
        bytes = null;
        m.releaseLast();
        tag.freed(maxSize);
        try {
            if (length < 0) {
                Files.deleteIfExists(file);
            } else {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.truncate(length);
                    ch.force(true);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
