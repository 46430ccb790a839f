package dev.sextant.scrape.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.model.Labels;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScrapeCacheTest {
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
            c.setRef(e, i + 1000L);
        }
        assertThat(c.size()).isEqualTo(5000);
        for (int i = 0; i < 5000; i++) {
            int e = c.find(buf, from[i], to[i], ScrapeCache.hash(buf, from[i], to[i]));
            assertThat(c.ref(e)).isEqualTo(i + 1000L);
        }
        c.sweep(9); // odd entries (last seen at 5) go
        assertThat(c.size()).isEqualTo(2500);
        for (int i = 0; i < 5000; i++) {
            int e = c.find(buf, from[i], to[i], ScrapeCache.hash(buf, from[i], to[i]));
            if (i % 2 == 0) {
                assertThat(c.labels(e)).isEqualTo(Labels.of("i", String.valueOf(i)));
                assertThat(c.ref(e)).isEqualTo(i + 1000L);
            } else {
                assertThat(e).isEqualTo(-1);
            }
        }
    }
}
