package dev.sextant.api.remote.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/format/remote-write-progress.md, against a golden fixture. */
class ProgressFileTest {
    @TempDir
    Path dir;

    @Test
    void goldenFixture() throws Exception {
        Path golden = Path.of(ProgressFileTest.class.getResource("/fixtures/remote-write.progress").toURI());
        assertThat(ProgressFile.read(golden)).containsExactly(12, 65536);
        Path written = dir.resolve("q.progress");
        ProgressFile.write(written, 12, 65536);
        assertThat(Files.readAllBytes(written)).isEqualTo(Files.readAllBytes(golden));
        assertThat(dir.resolve("q.progress.tmp")).doesNotExist();
    }

    @Test
    void missingIsNullAndGarbageIsAnError() throws Exception {
        assertThat(ProgressFile.read(dir.resolve("none"))).isNull();
        for (String bad : new String[] {"12 65536", "12\n", "a b\n", "-1 0\n", "1 2 3\n"}) {
            Path p = dir.resolve("bad");
            Files.writeString(p, bad);
            assertThatThrownBy(() -> ProgressFile.read(p)).as(bad).isInstanceOf(IOException.class);
        }
    }
}
