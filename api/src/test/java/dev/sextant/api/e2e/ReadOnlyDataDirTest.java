package dev.sextant.api.e2e;

import static dev.sextant.api.e2e.StartupErrorsTest.assertOneLineError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory on a read-only file system (a tmpfs mounted {@code ro} by the test; as root,
 * permission bits would not stop writes, so a mount is the honest way): the server exits non-zero
 * with one line. Needs root for {@code mount}: interop profile, fails (never skips) without it.
 */
@Tag("interop")
class ReadOnlyDataDirTest {
    @TempDir
    Path dir;

    @Test
    void readOnlyDataDirectory() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        DiskFullTest.mountTmpfs(data, "1m");
        try {
            remount(data, "ro");
            assertOneLineError(ServerProcess.runToExit("--storage.tsdb.path=" + data, "--web.listen-address=127.0.0.1:0"),
                    "opening storage", "Read-only file system");
        } finally {
            new ProcessBuilder("umount", "-l", data.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static void remount(Path at, String mode) throws Exception {
        Process p = new ProcessBuilder("mount", "-o", "remount," + mode, at.toString()).inheritIO().start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("cannot remount " + at + " " + mode);
        }
    }
}
