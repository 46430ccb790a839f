package dev.sextant.scrape.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.SeriesHandle;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScrapeCacheTest {
    /** A storage handle that remembers which ref it was issued for. */
    record TestHandle(long ref) implements SeriesHandle {}

    @Test
    void findsByBytesGrowsAndSweeps() {
        ScrapeCache c = new ScrapeCache();
        byte[] buf = new byte[100_000];
        int[] from = new int[5000];
        int[] to = new int[5000];
        int p = 0;
        for (int i = 0; i < 5000; i++) {
            byte[] s = ("m{i=\"" + i + "\"}").getBytes(StandardCharsets.UTF_8);
            System.arraycopy(s, 0, buf, p, s.length);
            from[i] = p;
            to[i] = p + s.length;
            p += s.length;
            int h = ScrapeCache.hash(buf, from[i], to[i]);
            assertThat(c.find(buf, from[i], to[i], h)).isEqualTo(-1);
            int e = c.add(buf, from[i], to[i], h, Labels.of("i", String.valueOf(i)), (byte) 0);
            c.setLastIter(e, i % 2 == 0 ? 10 : 5);
            c.setRef(e, i + 1000L, new TestHandle(i + 1000L));
        }
        assertThat(c.size()).isEqualTo(5000);
        for (int i = 0; i < 5000; i++) {
            int e = c.find(buf, from[i], to[i], ScrapeCache.hash(buf, from[i], to[i]));
            assertThat(c.ref(e)).isEqualTo(i + 1000L);
            assertThat(c.handle(e)).isEqualTo(new TestHandle(i + 1000L));
        }
        c.sweep(9); // odd entries (last seen at 5) go
        assertThat(c.size()).isEqualTo(2500);
        for (int i = 0; i < 5000; i++) {
            int e = c.find(buf, from[i], to[i], ScrapeCache.hash(buf, from[i], to[i]));
            if (i % 2 == 0) {
                assertThat(c.labels(e)).isEqualTo(Labels.of("i", String.valueOf(i)));
                assertThat(c.ref(e)).isEqualTo(i + 1000L);
                // The handle moves with its entry; handles() is indexed by entry number.
                assertThat(c.handle(e)).isEqualTo(new TestHandle(i + 1000L));
                assertThat(c.handles()[e]).isSameAs(c.handle(e));
            } else {
                assertThat(e).isEqualTo(-1);
            }
        }
        // Slots past the kept entries hold no handle, so a swept series is not kept reachable.
        for (int e = c.size(); e < c.handles().length; e++) {
            assertThat(c.handles()[e]).isNull();
        }
    }

    @Test
    void keysStayBackToBackInEntryOrderAcrossSweeps() {
        ScrapeCache c = new ScrapeCache();
        int n = 3000; // past the arena's first 4 KiB, so it grows
        for (int i = 0; i < n; i++) {
            byte[] s = ("series_" + i + "{a=\"" + "v".repeat(i % 7) + "\"}").getBytes(StandardCharsets.UTF_8);
            int e = c.add(s, 0, s.length, ScrapeCache.hash(s, 0, s.length), Labels.of("i", String.valueOf(i)), (byte) 0);
            c.setLastIter(e, i % 3 == 0 ? 1 : 7);
        }
        assertContiguous(c);
        c.sweep(5); // every third goes
        assertThat(c.size()).isEqualTo(n - n / 3);
        assertContiguous(c);
        for (int e = 0; e < c.size(); e++) {
            int i = Integer.parseInt(c.labels(e).get("i"));
            assertThat(i % 3).isNotZero();
            byte[] want = ("series_" + i + "{a=\"" + "v".repeat(i % 7) + "\"}").getBytes(StandardCharsets.UTF_8);
            assertThat(c.key(e)).isEqualTo(want);
            assertThat(c.find(want, 0, want.length, ScrapeCache.hash(want, 0, want.length))).isEqualTo(e);
        }
        // Adds after a sweep go after the kept keys; almost everything going shrinks the array.
        byte[] late = "late{}".getBytes(StandardCharsets.UTF_8);
        int e = c.add(late, 0, late.length, ScrapeCache.hash(late, 0, late.length), Labels.of("i", "late"), (byte) 0);
        assertContiguous(c);
        assertThat(c.key(e)).isEqualTo(late);
        int big = c.keyBytes().length;
        for (int k = 0; k < c.size(); k++) {
            c.setLastIter(k, k == e ? 9 : 1);
        }
        c.sweep(5);
        assertThat(c.size()).isEqualTo(1);
        assertThat(c.key(0)).isEqualTo(late);
        assertThat(c.keyOffset(0)).isZero();
        assertThat(c.keyBytes().length).isLessThan(big);
    }

    private static void assertContiguous(ScrapeCache c) {
        int at = 0;
        for (int e = 0; e < c.size(); e++) {
            assertThat(c.keyOffset(e)).as("entry %d", e).isEqualTo(at);
            at += c.keyLength(e);
        }
    }
}
