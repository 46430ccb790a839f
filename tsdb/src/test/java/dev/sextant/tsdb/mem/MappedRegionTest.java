package dev.sextant.tsdb.mem;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(MemoryLeakCheck.class)
class MappedRegionTest {
    @TempDir
    Path dir;

    @Test
    void openMapsAnExistingFileWithItsContentsAndCloseRestoresTheLength() throws IOException {
        Path f = dir.resolve("x");
        byte[] data = {1, 48, (byte) 0xbc, (byte) 0x91, 1, 0, 0, 0, 9, 7};
        Files.write(f, data);
        MappedRegion r = MappedRegion.open(f, 1 << 20, MemoryTag.HEAD_CHUNKS_MAPPED);
        byte[] back = new byte[data.length];
        r.read(0, back, 0, back.length);
        assertThat(back).isEqualTo(data);
        r.write(10, new byte[] {5}, 0, 1);
        r.close(11);
        byte[] after = Files.readAllBytes(f);
        assertThat(after).hasSize(11).startsWith(data);
        assertThat(after[10]).isEqualTo((byte) 5);
    }

    @Test
    void createReplacesAnExistingFile() throws IOException {
        Path f = dir.resolve("y");
        Files.write(f, new byte[] {9, 9, 9});
        MappedRegion r = MappedRegion.create(f, 1 << 20, MemoryTag.HEAD_CHUNKS_MAPPED);
        byte[] back = new byte[3];
        r.write(3, new byte[] {1}, 0, 1);
        r.read(0, back, 0, 3);
        assertThat(back).containsExactly(0, 0, 0);
        r.close(-1);
        assertThat(f).doesNotExist();
    }
}
