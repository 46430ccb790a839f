package dev.sextant.scrape.loop;

import dev.sextant.scrape.config.ScrapeConfig;
import dev.sextant.scrape.config.ScrapeConfigFile;
import dev.sextant.scrape.discovery.Discoverer;
import dev.sextant.scrape.discovery.DiscovererFactory;
import dev.sextant.scrape.discovery.TargetGroup;
import dev.sextant.tsdb.storage.Appendable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scrape subsystem's entry point: runs service discovery and one {@link ScrapePool} per job,
 * appending everything to the given storage.
 *
 * <p>Lifecycle: construct, call {@link #applyConfig} at start and on every reload, {@link #close} at
 * shutdown. A reload keeps pools whose config is unchanged (their loops and caches keep running),
 * restarts loops of changed jobs with their caches (no staleness gap), and stops removed jobs with
 * end-of-run stale markers. Discovery updates are coalesced for {@link Options#discoveryDelayMs}.
 *
 * <p>Thread-safety: all public methods are thread-safe. The read model ({@link #targets},
 * {@link #targetMetadata}) returns immutable snapshots.
 */
public final class ScrapeManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScrapeManager.class);

    /**
     * Tuning knobs.
     *
     * @param discoveryDelayMs how long discovery updates are collected before pools sync (Prometheus: 5s)
     * @param httpThreads threads that complete HTTP exchanges and parse/append scrapes
     * @param offsetSeed mixed into each target's hash to pick its scrape offset (Prometheus uses a hash
     *     of the external labels and host name, so replicas scrape at different offsets)
     */
    public record Options(long discoveryDelayMs, int httpThreads, long offsetSeed) {
        public static final Options DEFAULT = new Options(5_000, Math.max(2, Runtime.getRuntime().availableProcessors()), 0);
    }

    private final Appendable storage;
    private final Clock clock;
    private final Options options;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService httpExecutor;
    /** Plain-HTTP scrapes; one I/O thread is plenty, the parsing runs on {@link #httpExecutor}. */
    private final NettyScrapeClient netty = new NettyScrapeClient(1);
    /** Response-body arrays shared by every job's loops (see {@link BodyBuffers}). */
    private final BodyBuffers bodies = new BodyBuffers(ScrapePool.BODY_BUFFERS);
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private boolean closed;

    /** One job: its config, pool, discoverers and the latest groups by discoverer and source. */
    private final class Job {
        final ScrapePool pool;
        ScrapeConfig cfg;
        List<Discoverer> discoverers = List.of();
        final Map<String, TargetGroup> groups = new LinkedHashMap<>();
        ScheduledFuture<?> pendingSync;
        int generation;

        Job(ScrapeConfig cfg) {
            this.cfg = cfg;
            this.pool = new ScrapePool(cfg, storage, clock, scheduler, httpExecutor, netty, options.offsetSeed(), bodies);
        }

        void startDiscovery() {
            int gen = ++generation;
            groups.clear();
            discoverers = DiscovererFactory.create(cfg);
            for (String sd : cfg.unsupportedSdConfigs()) {
                LOG.warn("job {}: {} is not supported by Sextant; it discovers no targets", cfg.jobName(), sd);
            }
            if (discoverers.isEmpty()) {
                pool.sync(List.of());
            }
            for (int i = 0; i < discoverers.size(); i++) {
                String prefix = i + "/";
                Discoverer d = discoverers.get(i);
                try {
                    d.start(update -> onUpdate(gen, prefix, update));
                } catch (RuntimeException e) {
                    LOG.error("job {}: discovery failed to start: {}", cfg.jobName(), e.toString());
                }
            }
        }

        void stopDiscovery() {
            generation++;
            for (Discoverer d : discoverers) {
                try {
                    d.close();
                } catch (RuntimeException e) {
                    LOG.warn("job {}: closing discovery: {}", cfg.jobName(), e.toString());
                }
            }
            discoverers = List.of();
            if (pendingSync != null) {
                pendingSync.cancel(false);
                pendingSync = null;
            }
        }

        void onUpdate(int gen, String prefix, List<TargetGroup> update) {
            synchronized (this) {
                if (gen != generation) {
                    return;
                }
                for (TargetGroup g : update) {
                    if (g.targets().isEmpty()) {
                        groups.remove(prefix + g.source());
                    } else {
                        groups.put(prefix + g.source(), g);
                    }
                }
                // A sync clears pendingSync before it snapshots, so an update that races with a running
                // sync always schedules another one and is never lost.
                if (pendingSync == null) {
                    try {
                        pendingSync = scheduler.schedule(this::syncNow, options.discoveryDelayMs(), TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.RejectedExecutionException e) {
                        // shutting down
                    }
                }
            }
        }

        void syncNow() {
            List<TargetGroup> snapshot;
            synchronized (this) {
                pendingSync = null;
                snapshot = new ArrayList<>(groups.values());
            }
            pool.sync(snapshot);
        }
    }

    /** A manager with {@link Options#DEFAULT}. */
    public ScrapeManager(Appendable storage, Clock clock) {
        this(storage, clock, Options.DEFAULT);
    }

    /**
     * @param storage where samples go; must be thread-safe (each scrape opens its own appender)
     * @param clock source of sample timestamps (scrape start times)
     */
    public ScrapeManager(Appendable storage, Clock clock, Options options) {
        this.storage = storage;
        this.clock = clock;
        this.options = options;
        this.scheduler = Executors.newScheduledThreadPool(1, daemon("scrape-scheduler"));
        this.httpExecutor = Executors.newFixedThreadPool(options.httpThreads(), daemon("scrape-http"));
        if (java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() < 2) {
            // The JDK client completes every response on the CompletableFuture default executor,
            // which is a thread per task when the common pool has parallelism 1 (1-2 processors).
            LOG.warn("msg=\"the common fork-join pool has parallelism 1: every scrape will start a thread; "
                    + "run with -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 (the sextant server sets it)\"");
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Starts or reloads from a validated config. Unchanged jobs keep running untouched; changed jobs
     * restart their loops (keeping caches, so staleness tracking continues); removed jobs stop with
     * stale markers. Never throws for a valid config: discovery problems are logged per job.
     */
    public synchronized void applyConfig(ScrapeConfigFile config) {
        if (closed) {
            throw new IllegalStateException("scrape manager is closed");
        }
        Map<String, ScrapeConfig> wanted = new LinkedHashMap<>();
        for (ScrapeConfig c : config.scrapeConfigs()) {
            wanted.put(c.jobName(), c);
        }
        for (String name : new ArrayList<>(jobs.keySet())) {
            if (!wanted.containsKey(name)) {
                Job j = jobs.remove(name);
                synchronized (j) {
                    j.stopDiscovery();
                }
                j.pool.stop(true);
            }
        }
        for (ScrapeConfig c : wanted.values()) {
            Job j = jobs.get(c.jobName());
            if (j == null) {
                j = new Job(c);
                jobs.put(c.jobName(), j);
                synchronized (j) {
                    j.startDiscovery();
                }
                continue;
            }
            if (j.cfg.equals(c)) {
                continue;
            }
            boolean sameSd = DiscovererFactory.sameDiscovery(j.cfg, c);
            synchronized (j) {
                if (!sameSd) {
                    j.stopDiscovery();
                }
                j.cfg = c;
            }
            j.pool.reload(c);
            if (!sameSd) {
                synchronized (j) {
                    j.startDiscovery();
                }
            }
        }
    }

    /** Active and dropped targets of every job, for {@code /api/v1/targets}. */
    public TargetsView targets() {
        List<Job> snapshot;
        synchronized (this) {
            snapshot = new ArrayList<>(jobs.values());
        }
        List<ActiveTarget> active = new ArrayList<>();
        List<DroppedTarget> dropped = new ArrayList<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Job j : snapshot) {
            active.addAll(j.pool.activeTargets());
            dropped.addAll(j.pool.droppedTargets());
            counts.put(j.cfg.jobName(), j.pool.droppedCount());
        }
        active.sort(Comparator.comparing(ActiveTarget::scrapePool).thenComparing(ActiveTarget::scrapeUrl));
        return new TargetsView(List.copyOf(active), List.copyOf(dropped), Map.copyOf(counts));
    }

    /** Metadata of every family of every active target, for {@code /api/v1/targets/metadata}. */
    public List<TargetMetadata> targetMetadata() {
        List<Job> snapshot;
        synchronized (this) {
            snapshot = new ArrayList<>(jobs.values());
        }
        List<TargetMetadata> out = new ArrayList<>();
        for (Job j : snapshot) {
            out.addAll(j.pool.metadata());
        }
        return List.copyOf(out);
    }

    /** Stops discovery and every loop, without stale markers (as Prometheus on shutdown). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Job j : jobs.values()) {
            synchronized (j) {
                j.stopDiscovery();
            }
            j.pool.stop(false);
        }
        jobs.clear();
        scheduler.shutdownNow();
        httpExecutor.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
            httpExecutor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        netty.close();
    }
}
