package dev.sextant.tsdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import dev.sextant.tsdb.storage.StorageException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryLockTest {
    @TempDir
    Path dir;

    @Test
    void takesARealFlockThatOtherFlockUsersSee() throws Exception {
        assertThat(Platform.isLinux()).as("this build runs on Linux").isTrue();
        DirectoryLock.CLib c = Native.load(Platform.C_LIBRARY_NAME, DirectoryLock.CLib.class);
        try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
            // A separate open file description, as another process (Prometheus) would have.
            int fd = c.open(dir.resolve("lock").toString(), 2, 0644);
            assertThat(fd).isNotNegative();
            assertThat(c.flock(fd, 2 | 4)).as("flock must conflict while the TSDB holds the lock").isEqualTo(-1);
            c.close(fd);
            assertThatThrownBy(() -> DirectoryLock.acquire(dir)).isInstanceOf(StorageException.class);
        }
        assertThat(Files.exists(dir.resolve("lock"))).isFalse();
        // Free again: both lock kinds succeed.
        try (DirectoryLock again = DirectoryLock.acquire(dir)) {
            assertThat(Files.exists(dir.resolve("lock"))).isTrue();
        }
    }
}
