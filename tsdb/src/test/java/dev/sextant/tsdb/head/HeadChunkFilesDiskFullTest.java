package dev.sextant.tsdb.head;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.mem.MemoryLeakCheck;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Head chunk files on a full file system (a 4 MiB tmpfs made by the test: needs root, hence the
 * interop profile; fails, never skips, without it): when no disk space can be reserved, chunks
 * spill to memory instead of faulting in the mapping, read back byte for byte, free cleanly, and
 * chunks go to files again once space is back.
 */
@Tag("interop")
@ExtendWith(MemoryLeakCheck.class)
class HeadChunkFilesDiskFullTest {
    @TempDir
    Path dir;

    @Test
    void chunksSpillToMemoryWhileTheDiskIsFull() throws Exception {
        Path mnt = dir.resolve("mnt");
        Files.createDirectories(mnt);
        exec("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt.toString());
        try {
            HeadChunkFiles files = new HeadChunkFiles(mnt.resolve("chunks_head"));
            List<long[]> handles = new ArrayList<>(); // {handle, index into data}
            List<byte[]> data = new ArrayList<>();
            try {
                // Fill the file system behind the store's back, then keep adding chunks.
                fill(mnt.resolve("ballast"));
                int spilled = 0;
                for (int i = 0; i < 20_000; i++) {
                    byte[] c = HeadChunkFilesTest.chunk(120, i * 1_000_000L);
                    long h = files.add(i, i, i + 1, c, 0, c.length);
                    if (h < 0) {
                        spilled++;
                    }
                    handles.add(new long[] {h, data.size()});
                    data.add(c);
                }
                assertThat(spilled).as("chunks kept in memory while the disk is full").isPositive();
                Files.delete(mnt.resolve("ballast"));
                files.truncated(); // cuts a new file now that there is room
                byte[] c = HeadChunkFilesTest.chunk(120, -1);
                long h = files.add(99_999, 0, 1, c, 0, c.length);
                assertThat(h).as("back on disk once space is freed").isPositive();
                handles.add(new long[] {h, data.size()});
                data.add(c);
                byte[] buf = new byte[4096];
                for (long[] e : handles) {
                    int n = files.read(e[0], buf);
                    assertThat(Arrays.copyOf(buf, n)).isEqualTo(data.get((int) e[1]));
                }
                for (long[] e : handles) {
                    files.free(e[0]);
                }
            } finally {
                files.close();
            }
        } finally {
            exec("umount", "-l", mnt.toString());
        }
    }

    private static void fill(Path ballast) throws IOException {
        try (FileOutputStream out = new FileOutputStream(ballast.toFile())) {
            byte[] buf = new byte[4096];
            try {
                while (true) {
                    out.write(buf);
                }
            } catch (IOException e) {
                assertThat(e.getMessage()).containsIgnoringCase("no space left");
            }
        }
    }

    private static void exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed: this test needs root (interop profile,"
                    + " which CI runs as root); it does not skip");
        }
    }
}
