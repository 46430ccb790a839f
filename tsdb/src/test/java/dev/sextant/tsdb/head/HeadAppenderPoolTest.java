package dev.sextant.tsdb.head;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class HeadAppenderPoolTest {
    @Test
    void aThreadGetsBackTheBuffersItGaveBackEvenWhenAnotherThreadsAreOnTop() throws Exception {
        HeadAppender.Pool pool = new HeadAppender.Pool(4);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            HeadAppender.Buffers mine = pool.take();
            HeadAppender.Buffers theirs = other.submit(pool::take).get();
            assertThat(theirs).isNotSameAs(mine);
            pool.give(mine);
            other.submit(() -> pool.give(theirs)).get();
            assertThat(pool.size()).isEqualTo(2);

            // The other thread's buffer is on top of the stack; each thread still gets its own.
            assertThat(pool.take()).isSameAs(mine);
            assertThat(other.submit(pool::take).get()).isSameAs(theirs);
            assertThat(pool.size()).isZero();

            // A thread that gave nothing back gets the most recently returned buffer, and the
            // stack keeps the rest in order.
            HeadAppender.Buffers a = new HeadAppender.Buffers();
            HeadAppender.Buffers b = new HeadAppender.Buffers();
            HeadAppender.Buffers c = new HeadAppender.Buffers();
            other.submit(() -> {
                pool.give(a);
                pool.give(b);
                pool.give(c);
            }).get();
            assertThat(pool.take()).isSameAs(c);
            assertThat(pool.take()).isSameAs(b);
            pool.give(mine);
            assertThat(other.submit(pool::take).get()).isSameAs(a);
            assertThat(pool.take()).isSameAs(mine);
            // Empty: a fresh buffer.
            assertThat(pool.take()).isNotIn(a, b, c, mine, theirs);
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void aFullPoolDropsWhatItCannotHold() {
        HeadAppender.Pool pool = new HeadAppender.Pool(2);
        pool.give(new HeadAppender.Buffers());
        pool.give(new HeadAppender.Buffers());
        pool.give(new HeadAppender.Buffers());
        assertThat(pool.size()).isEqualTo(2);
    }
}
