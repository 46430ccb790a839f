package dev.sextant.scrape.loop;

import static dev.sextant.scrape.loop.Stored.await;
import static dev.sextant.scrape.loop.Stored.samples;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.scrape.config.ScrapeConfig;
import dev.sextant.scrape.config.ScrapeConfigFile;
import dev.sextant.scrape.discovery.TargetGroup;
import dev.sextant.tsdb.memory.MemoryStorage;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Appendable;
import dev.sextant.tsdb.storage.Appender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where scrape ticks run, how many thread hand-offs a scrape costs, and what a tick during a scrape does. */
class ScrapeLoopSchedulingTest {
    FakeTargets targets;
    MemoryStorage storage;
    NettyScrapeClient netty;
    CountingScheduler scheduler;
    ExecutorService pool;
    AtomicInteger handOffs;
    Executor worker;
    ScrapePool scrapePool;

    /** Counts periodic schedules on the shared scheduler. */
    static final class CountingScheduler extends ScheduledThreadPoolExecutor {
        final AtomicInteger periodic = new AtomicInteger();

        CountingScheduler() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
            periodic.incrementAndGet();
            return super.scheduleAtFixedRate(command, initialDelay, period, unit);
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        targets = new FakeTargets();
        storage = new MemoryStorage();
        netty = new NettyScrapeClient(1);
        scheduler = new CountingScheduler();
        pool = Executors.newFixedThreadPool(2);
        handOffs = new AtomicInteger();
        worker = task -> {
            handOffs.incrementAndGet();
            pool.execute(task);
        };
    }

    @AfterEach
    void tearDown() {
        if (scrapePool != null) {
            scrapePool.stop(false);
        }
        scheduler.shutdownNow();
        pool.shutdownNow();
        netty.close();
        targets.close();
    }

    ScrapeConfig config(String interval, String extra) {
        return ScrapeConfigFile.parse("test.yml", "scrape_configs:\n  - job_name: j\n    scrape_interval: " + interval + "\n"
                + "    metrics_path: /m\n" + extra + "    static_configs:\n      - targets: ['" + targets.address() + "']\n")
                .scrapeConfigs().get(0);
    }

    void startPool(ScrapeConfig cfg, Appendable store) {
        scrapePool = new ScrapePool(cfg, store, Clock.systemUTC(), scheduler, worker, netty, 0);
        scrapePool.sync(List.of(new TargetGroup("g", List.of(Labels.of("__address__", targets.address())), Labels.EMPTY)));
    }

    int scrapes() {
        return samples(storage, "up", "job", "j").size();
    }

    /**
     * A plain-HTTP target whose headers read no file ticks on its connection's event loop and sends
     * from there: the shared scheduler is not used, and the only hand-off per scrape is the one to
     * the parse and append (before: a scheduler tick, a hand-off to start the request and one more
     * to the event loop).
     */
    @Test
    void plainHttpTargetsTickOnTheEventLoopWithOneHandOffPerScrape() throws Exception {
        targets.set("/m", FakeTargets.text("a 1\n"));
        startPool(config("200ms", ""), storage);
        await("3 scrapes", () -> scrapes() >= 3);
        int n = scrapes();
        int h = handOffs.get();
        await("10 more scrapes", () -> scrapes() >= n + 10);
        int scrapes = scrapes() - n;
        int perScrape = handOffs.get() - h;
        assertThat(scheduler.periodic.get()).as("ticks on the shared scheduler").isZero();
        // The scrape count and the hand-off count are read at different instants, and a hand-off
        // comes before its scrape's samples are stored: at each end of the window one scrape may be
        // counted in one and not the other (more likely when the test thread is descheduled on a
        // loaded machine). Two or three hand-offs per scrape would give 20 to 30 here.
        assertThat(perScrape).as("worker hand-offs in %d scrapes", scrapes).isBetween(scrapes - 2, scrapes + 2);
        assertThat(targets.lastTimeoutHeader.get("/m")).isEqualTo("0.2");
    }

    /** Credential files are read per request (rotation), which may block: those loops tick on the scheduler. */
    @Test
    void targetsWithCredentialFilesTickOnTheSchedulerAndReadTheFileEachScrape(@TempDir Path dir) throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "one\n");
        targets.set("/m", FakeTargets.text("a 1\n"));
        startPool(config("200ms", "    authorization:\n      credentials_file: " + token + "\n"), storage);
        await("a scrape", () -> "Bearer one".equals(targets.lastAuthorization.get("/m")));
        Files.writeString(token, "two\n");
        await("rotated", () -> "Bearer two".equals(targets.lastAuthorization.get("/m")));
        assertThat(scheduler.periodic.get()).isEqualTo(1);
    }

    /**
     * A tick that comes while the scrape is still running (here: a commit that takes 1.4 intervals)
     * is kept, as Prometheus's ticker keeps one: the next scrape starts when the slow one ends, not
     * a whole interval later, and the scrapes after it are back on the original phase.
     */
    @Test
    void aTickDuringASlowScrapeStartsTheNextScrapeWhenItEnds() throws Exception {
        List<Long> requests = new CopyOnWriteArrayList<>();
        targets.set("/m", ex -> {
            requests.add(System.nanoTime());
            FakeTargets.send(ex, 200, "text/plain; version=0.0.4", "a 1\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
        });
        AtomicInteger commits = new AtomicInteger();
        long[] firstCommitEnd = new long[1];
        Appendable slowFirst = () -> {
            Appender a = storage.appender();
            return new Appender() {
                @Override
                public long append(long ref, Labels labels, long t, double v) {
                    return a.append(ref, labels, t, v);
                }

                @Override
                public Labels storedLabels(long ref) {
                    return a.storedLabels(ref);
                }

                @Override
                public void commit() {
                    if (commits.incrementAndGet() == 1) {
                        try {
                            Thread.sleep(2_800);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        firstCommitEnd[0] = System.nanoTime();
                    }
                    a.commit();
                }

                @Override
                public void rollback() {
                    a.rollback();
                }
            };
        };
        // A 2 s interval with a 2.8 s first commit: the two outcomes each check tells apart are 1.2 s
        // and 0.8 s apart, so a scrape delayed by a few hundred ms on a loaded machine still passes.
        startPool(config("2s", "    scrape_timeout: 500ms\n"), slowFirst);
        await("3 scrapes", () -> requests.size() >= 3);
        long second = requests.get(1);
        long third = requests.get(2);
        assertThat(TimeUnit.NANOSECONDS.toMillis(second - firstCommitEnd[0]))
                .as("the kept tick's scrape starts right after the slow one (else at the next tick, 1.2 s later)")
                .isBetween(-5L, 600L);
        assertThat(TimeUnit.NANOSECONDS.toMillis(third - second))
                .as("then the original phase again: the next tick 1.2 s after the kept one (re-phased: a whole 2 s interval)")
                .isBetween(1L, 1_600L);
        assertThat(commits.get()).isGreaterThanOrEqualTo(2);
    }
}
