package dev.sextant.scrape.loop;

import dev.sextant.scrape.config.Durations;
import dev.sextant.scrape.config.ScrapeConfig;
import dev.sextant.scrape.discovery.TargetGroup;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Appendable;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All targets of one job: turns target groups into targets, runs one {@link ScrapeLoop} per distinct
 * target (same labels and URL = same target), and stops loops of vanished targets with end-of-run
 * staleness markers.
 *
 * <p>Thread-safety: {@link #sync}, {@link #reload} and {@link #stop} are synchronized; the read
 * methods take the same lock briefly and copy.
 */
final class ScrapePool {
    private static final Logger LOG = LoggerFactory.getLogger(ScrapePool.class);

    private record Key(Labels labels, String url) {}

    private final Appendable storage;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Executor httpExecutor;
    private final long seed;
    private ScrapeConfig cfg;
    private HttpClient client;
    private final NettyScrapeClient netty;
    /**
     * Body arrays kept per pool at most: about the scrapes that parse at once (the worker threads)
     * plus the bodies still arriving, with room for ticks that fall together.
     */
    static final int BODY_BUFFERS = 16;
    private final BodyBuffers bodies;
    private final Map<Key, ScrapeLoop> loops = new LinkedHashMap<>();
    private List<Labels> dropped = List.of();
    private int droppedCount;
    private String targetLimitError;
    private List<Target> overLimit = List.of();
    private Collection<TargetGroup> lastGroups = List.of();
    private boolean stopped;

    ScrapePool(ScrapeConfig cfg, Appendable storage, Clock clock, ScheduledExecutorService scheduler, Executor httpExecutor, long seed) {
        this(cfg, storage, clock, scheduler, httpExecutor, null, seed);
    }

    ScrapePool(ScrapeConfig cfg, Appendable storage, Clock clock, ScheduledExecutorService scheduler, Executor httpExecutor,
            NettyScrapeClient netty, long seed) {
        this(cfg, storage, clock, scheduler, httpExecutor, netty, seed, new BodyBuffers(BODY_BUFFERS));
    }

    /** @param bodies response-body arrays shared by this pool's loops (and possibly other pools') */
    ScrapePool(ScrapeConfig cfg, Appendable storage, Clock clock, ScheduledExecutorService scheduler, Executor httpExecutor,
            NettyScrapeClient netty, long seed, BodyBuffers bodies) {
        this.bodies = bodies;
        this.netty = netty;
        this.cfg = cfg;
        this.storage = storage;
        this.clock = clock;
        this.scheduler = scheduler;
        this.httpExecutor = httpExecutor;
        this.seed = seed;
        this.client = HttpClients.build(cfg.http(), httpExecutor);
    }

    synchronized ScrapeConfig config() {
        return cfg;
    }

    /** Replaces the target set with the targets of {@code groups}. */
    synchronized void sync(Collection<TargetGroup> groups) {
        sync(groups, Map.of());
    }

    /**
     * Replaces the target set; a new loop for a target found in {@code predecessors} continues that
     * loop's cache and iteration (config reload), so staleness tracking has no gap.
     */
    private void sync(Collection<TargetGroup> groups, Map<Key, ScrapeLoop> predecessors) {
        if (stopped) {
            return;
        }
        lastGroups = List.copyOf(groups);
        Map<Key, Target> wanted = new LinkedHashMap<>();
        List<Labels> drops = new ArrayList<>();
        int dropCount = 0;
        for (TargetGroup g : groups) {
            for (Labels t : g.targets()) {
                Labels discovered = TargetBuilder.merge(g.labels(), t);
                TargetBuilder.Result r = TargetBuilder.build(discovered, cfg);
                if (r.target() != null) {
                    wanted.putIfAbsent(new Key(r.target().labels(), r.target().url()), r.target());
                } else if (r.dropped()) {
                    dropCount++;
                    if (cfg.keepDroppedTargets() == 0 || drops.size() < cfg.keepDroppedTargets()) {
                        drops.add(r.discovered());
                    }
                } else {
                    LOG.warn("job {}: target {} rejected: {}", cfg.jobName(), discovered, r.error());
                }
            }
        }
        dropped = List.copyOf(drops);
        droppedCount = dropCount;
        if (cfg.targetLimit() > 0 && wanted.size() > cfg.targetLimit()) {
            targetLimitError = "target_limit exceeded (number of targets: " + wanted.size() + ", limit: " + cfg.targetLimit() + ")";
            overLimit = List.copyOf(wanted.values());
            for (ScrapeLoop l : loops.values()) {
                l.stop();
            }
            loops.clear();
            return;
        }
        targetLimitError = null;
        overLimit = List.of();
        List<Key> gone = new ArrayList<>();
        for (Key k : loops.keySet()) {
            if (!wanted.containsKey(k)) {
                gone.add(k);
            }
        }
        for (Key k : gone) {
            stopWithStaleness(loops.remove(k));
        }
        for (Map.Entry<Key, Target> e : wanted.entrySet()) {
            if (!loops.containsKey(e.getKey())) {
                ScrapeLoop prev = predecessors.get(e.getKey());
                ScrapeLoop l = prev == null
                        ? new ScrapeLoop(e.getValue(), cfg, storage, clock, client, netty, httpExecutor, new ScrapeCache(), 0, bodies)
                        : new ScrapeLoop(e.getValue(), cfg, storage, clock, client, netty, httpExecutor, prev.cache(), prev.iteration(), bodies);
                loops.put(e.getKey(), l);
                l.start(scheduler, seed);
            }
        }
    }

    /**
     * Applies a changed config for the same job: loops restart with the new settings but keep their
     * caches (so staleness continues across the reload and no end-of-run markers are written).
     */
    synchronized void reload(ScrapeConfig newCfg) {
        ScrapeConfig old = cfg;
        cfg = newCfg;
        if (!old.http().equals(newCfg.http())) {
            client = HttpClients.build(newCfg.http(), httpExecutor);
        }
        Map<Key, ScrapeLoop> oldLoops = new HashMap<>(loops);
        Map<Key, Long> nextScrape = new HashMap<>();
        for (Map.Entry<Key, ScrapeLoop> e : oldLoops.entrySet()) {
            nextScrape.put(e.getKey(), e.getValue().stop());
        }
        loops.clear();
        // Rebuild targets under the new config; surviving targets continue their caches.
        sync(lastGroups, oldLoops);
        for (Map.Entry<Key, ScrapeLoop> e : oldLoops.entrySet()) {
            if (!loops.containsKey(e.getKey())) {
                scheduleStaleness(e.getValue(), nextScrape.get(e.getKey()));
            }
        }
    }

    /** Stops every loop; with {@code staleness} the targets' series get end-of-run markers. */
    synchronized void stop(boolean staleness) {
        stopped = true;
        for (ScrapeLoop l : loops.values()) {
            if (staleness) {
                stopWithStaleness(l);
            } else {
                l.stop();
            }
        }
        loops.clear();
    }

    private void stopWithStaleness(ScrapeLoop l) {
        scheduleStaleness(l, l.stop());
    }

    /**
     * Prometheus's end-of-run staleness: wait until the next scheduled scrape, then one more interval
     * plus 10 %, and write markers at the time of that next scrape. Skipped on shutdown (the
     * scheduler is gone then).
     */
    private void scheduleStaleness(ScrapeLoop l, long nextScrapeMs) {
        long interval = l.target().intervalMs();
        long delay = Math.max(0, nextScrapeMs - clock.millis()) + interval + interval / 10;
        try {
            scheduler.schedule(() -> l.endOfRunStaleness(nextScrapeMs), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Shutting down: no staleness markers, as in Prometheus.
        }
    }

    synchronized List<ActiveTarget> activeTargets() {
        List<ActiveTarget> out = new ArrayList<>();
        for (ScrapeLoop l : loops.values()) {
            long last = l.lastScrapeMs();
            out.add(active(l.target(), l.lastError(), last == 0 ? null : Instant.ofEpochMilli(last), l.lastDurationSeconds(), l.health()));
        }
        for (Target t : overLimit) {
            out.add(active(t, targetLimitError, null, 0, "down"));
        }
        return out;
    }

    private ActiveTarget active(Target t, String err, Instant last, double dur, String health) {
        return new ActiveTarget(toMap(t.discoveredLabels()), toMap(t.publicLabels()), cfg.jobName(), t.url(), t.url(),
                err, last, dur, health, Durations.format(t.intervalMs()), Durations.format(t.timeoutMs()));
    }

    synchronized List<DroppedTarget> droppedTargets() {
        List<DroppedTarget> out = new ArrayList<>();
        for (Labels l : dropped) {
            out.add(new DroppedTarget(toMap(l), cfg.jobName()));
        }
        return out;
    }

    synchronized int droppedCount() {
        return droppedCount;
    }

    synchronized List<TargetMetadata> metadata() {
        List<TargetMetadata> out = new ArrayList<>();
        for (ScrapeLoop l : loops.values()) {
            Map<String, String> target = toMap(l.target().publicLabels());
            for (Map.Entry<String, ScrapeCache.Metadata> e : new TreeMap<>(l.cache().metadataSnapshot()).entrySet()) {
                ScrapeCache.Metadata m = e.getValue();
                out.add(new TargetMetadata(target, e.getKey(), m.type().text(), m.help(), m.unit()));
            }
        }
        return out;
    }

    /** Labels as an unmodifiable map in name order. */
    static Map<String, String> toMap(Labels l) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < l.size(); i++) {
            m.put(l.name(i), l.value(i));
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
