package dev.sextant.tsdb;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import dev.sextant.tsdb.storage.StorageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory's {@code lock} file. Prometheus takes {@code flock(LOCK_EX | LOCK_NB)} on it;
 * Java's {@link FileChannel#tryLock()} takes an {@code fcntl} lock, which on Linux does not conflict
 * with {@code flock}. So on Linux this class takes a real {@code flock} through JNA (excluding a
 * running Prometheus and other Sextant processes) in addition to the Java lock (which excludes a
 * second open within this JVM). Where JNA or flock is unavailable it falls back to the Java lock.
 *
 * <p>Thread-safety: not thread-safe; owned by one {@link Tsdb}. {@link #close()} releases both locks
 * and deletes the file, as Prometheus does on a clean shutdown.
 */
final class DirectoryLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryLock.class);
    private static final int O_RDWR = 2;
    private static final int O_CREAT = 0100;
    private static final int O_CLOEXEC = 02000000;
    private static final int LOCK_EX = 2;
    private static final int LOCK_NB = 4;

    /** The few libc calls needed; bound lazily, only on Linux. */
    interface CLib extends Library {
        int open(String path, int flags, int mode);

        int flock(int fd, int operation);

        int close(int fd);
    }

    private static volatile CLib libc;

    private final Path file;
    private final FileChannel channel;
    private final FileLock javaLock;
    private final int fd;

    private DirectoryLock(Path file, FileChannel channel, FileLock javaLock, int fd) {
        this.file = file;
        this.channel = channel;
        this.javaLock = javaLock;
        this.fd = fd;
    }

    private static CLib libc() {
        if (!Platform.isLinux()) {
            return null;
        }
        CLib l = libc;
        if (l == null) {
            try {
                l = Native.load(Platform.C_LIBRARY_NAME, CLib.class);
                libc = l;
            } catch (LinkageError e) {
                LOG.warn("cannot load libc for flock ({}); only a Java file lock protects the directory", e.getMessage());
                return null;
            }
        }
        return l;
    }

    /** Locks {@code dir/lock} or throws a {@link StorageException} saying the directory is in use. */
    static DirectoryLock acquire(Path dir) throws IOException {
        Path file = dir.resolve("lock");
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock jl;
        try {
            jl = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            jl = null;
        }
        if (jl == null) {
            ch.close();
            throw new StorageException("data directory " + dir + " is locked by another process or instance");
        }
        int fd = -1;
        CLib c = libc();
        if (c != null) {
            fd = c.open(file.toString(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
            if (fd >= 0 && c.flock(fd, LOCK_EX | LOCK_NB) != 0) {
                c.close(fd);
                jl.release();
                ch.close();
                throw new StorageException("data directory " + dir
                        + " is locked by another process or instance (flock on " + file + " failed)");
            }
        }
        return new DirectoryLock(file, ch, jl, fd);
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
            if (fd >= 0) {
                libc().close(fd); // releases the flock
            }
            javaLock.release();
            channel.close();
        } catch (IOException e) {
            LOG.warn("releasing lock {}: {}", file, e.getMessage());
        }
    }
}
