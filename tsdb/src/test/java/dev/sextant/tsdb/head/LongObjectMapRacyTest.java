package dev.sextant.tsdb.head;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link LongObjectMap#getRacy}: exact without concurrent writers; with a writer growing the
 * table and removing keys (backward shifts) meanwhile, every answer is null or a value that was
 * stored under some key, never a hang or an exception, and the caller's key check (as in {@link
 * SeriesStripes#getByRefForAppend}) filters values found under a shifted slot.
 */
class LongObjectMapRacyTest {
    @Test
    void exactWithoutWriters() {
        LongObjectMap<Long> m = new LongObjectMap<>();
        for (long k = 1; k <= 10_000; k++) {
            m.put(k, k);
        }
        for (long k = 2; k <= 10_000; k += 2) {
            m.remove(k);
        }
        for (long k = 1; k <= 10_000; k++) {
            assertThat(m.getRacy(k)).isEqualTo(k % 2 == 1 ? Long.valueOf(k) : null);
        }
        assertThat(m.getRacy(10_001)).isNull();
    }

    @Test
    void concurrentWriterNeverYieldsGarbage() throws Exception {
        LongObjectMap<Long> m = new LongObjectMap<>();
        Object lock = new Object();
        for (long k = 1; k <= 1000; k++) {
            m.put(k, k);
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong wrong = new AtomicLong();
        AtomicLong found = new AtomicLong();
        java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
        Thread reader = new Thread(() -> {
            long k = 1;
            while (!stop.get()) {
                reading.countDown();
                Long v = m.getRacy(k);
                if (v != null) {
                    if (v <= 0 || v > 1_000_000) {
                        wrong.incrementAndGet(); // not a value anyone stored
                    } else if (v == k) {
                        found.incrementAndGet();
                    }
                }
                k = k % 1000 + 1;
            }
        });
        reader.start();
        // On a loaded machine the reader may not run before the writes below are over: wait for it.
        assertThat(reading.await(60, java.util.concurrent.TimeUnit.SECONDS)).as("reader started").isTrue();
        // Keys 1..1000 stay; others come and go, growing the table and shifting clusters.
        for (long round = 0; round < 200; round++) {
            for (long k = 1001; k <= 5000; k++) {
                synchronized (lock) {
                    m.put(k + round * 4000 % 990_000, k);
                }
            }
            for (long k = 1001; k <= 5000; k++) {
                synchronized (lock) {
                    m.remove(k + round * 4000 % 990_000);
                }
            }
        }
        stop.set(true);
        reader.join(60_000);
        assertThat(reader.isAlive()).isFalse();
        assertThat(wrong.get()).isZero();
        assertThat(found.get()).isPositive();
        for (long k = 1; k <= 1000; k++) {
            assertThat(m.getRacy(k)).isEqualTo(k);
        }
    }
}
