package dev.sextant.tsdb.mem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(MemoryLeakCheck.class)
class ChunkSlabTest {

    @Test
    void storesAndReadsRecordsAcrossPages() {
        try (ChunkSlab slab = new ChunkSlab(256, MemoryTag.OTHER)) {
            List<Long> handles = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                byte[] rec = new byte[10 + i];
                for (int j = 0; j < rec.length; j++) {
                    rec[j] = (byte) (i + j);
                }
                handles.add(slab.add(rec, 0, rec.length));
            }
            byte[] dst = new byte[1024];
            for (int i = 0; i < 50; i++) {
                int len = slab.read(handles.get(i), dst);
                assertThat(len).isEqualTo(10 + i);
                assertThat(dst[len - 1]).isEqualTo((byte) (i + len - 1));
            }
            assertThat(MemoryTag.OTHER.outstandingBytes()).isGreaterThan(256);
            for (long h : handles) {
                slab.free(h);
            }
            // Only the page being filled is kept.
            assertThat(slab.allocatedBytes()).isEqualTo(256);
            assertThatThrownBy(() -> slab.read(handles.get(0), dst)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void oversizedRecordGetsItsOwnPage() {
        try (ChunkSlab slab = new ChunkSlab(64, MemoryTag.OTHER)) {
            long h = slab.add(new byte[500], 0, 500);
            assertThat(slab.length(h)).isEqualTo(500);
        }
    }

    @Test
    void bufferRefusesDoubleFreeAndUseAfterFree() {
        OffHeapBuffer b = OffHeapBuffer.allocate(16, MemoryTag.OTHER);
        assertThat(b.getInt(12)).isZero(); // allocations start zeroed
        b.putInt(4, 0x01020304);
        assertThat(b.getInt(4)).isEqualTo(0x01020304);
        assertThat(MemoryTag.OTHER.outstandingAllocations()).isPositive();
        b.free();
        assertThatThrownBy(b::free).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> b.getInt(0)).isInstanceOf(IllegalStateException.class);
        try (OffHeapBuffer small = OffHeapBuffer.allocate(8, MemoryTag.OTHER)) {
            assertThatThrownBy(() -> small.getInt(6)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }
}
