package dev.sextant.api.app;

import dev.sextant.api.v1.TargetsView;
import dev.sextant.scrape.config.ScrapeConfig;
import dev.sextant.scrape.loop.ScrapeManager;
import dev.sextant.tsdb.model.Labels;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Adapts the scrape manager's read model to the HTTP API's view. (The scrape module's record names
 * collide with the view's nested ones, hence the qualified names.)
 */
final class ScrapeTargetsView implements TargetsView {
    /** What Go prints for a zero time.Time in RFC 3339: the value before a target's first scrape. */
    static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private final ScrapeManager manager;
    private final Supplier<ConfigFile> config;

    ScrapeTargetsView(ScrapeManager manager, Supplier<ConfigFile> config) {
        this.manager = manager;
        this.config = config;
    }

    @Override
    public List<TargetsView.ActiveTarget> activeTargets() {
        List<dev.sextant.scrape.loop.ActiveTarget> in = manager.targets().activeTargets();
        List<TargetsView.ActiveTarget> out = new ArrayList<>(in.size());
        for (dev.sextant.scrape.loop.ActiveTarget t : in) {
            out.add(new TargetsView.ActiveTarget(Labels.fromMap(t.discoveredLabels()), Labels.fromMap(t.labels()),
                    t.scrapePool(), t.scrapeUrl(), t.globalUrl(), t.lastError(), rfc3339(t.lastScrape()),
                    t.lastScrapeDuration(), t.health(), t.scrapeInterval(), t.scrapeTimeout()));
        }
        return out;
    }

    @Override
    public List<TargetsView.DroppedTarget> droppedTargets() {
        List<dev.sextant.scrape.loop.DroppedTarget> in = manager.targets().droppedTargets();
        List<TargetsView.DroppedTarget> out = new ArrayList<>(in.size());
        for (dev.sextant.scrape.loop.DroppedTarget t : in) {
            out.add(new TargetsView.DroppedTarget(Labels.fromMap(t.discoveredLabels()), t.scrapePool()));
        }
        return out;
    }

    @Override
    public Map<String, Integer> droppedTargetCounts() {
        return manager.targets().droppedTargetCounts();
    }

    @Override
    public List<String> scrapePools() {
        List<String> pools = new ArrayList<>();
        for (ScrapeConfig c : config.get().scrape().scrapeConfigs()) {
            pools.add(c.jobName());
        }
        return pools;
    }

    @Override
    public List<TargetsView.TargetMetadata> metadata() {
        List<dev.sextant.scrape.loop.TargetMetadata> in = manager.targetMetadata();
        List<TargetsView.TargetMetadata> out = new ArrayList<>(in.size());
        for (dev.sextant.scrape.loop.TargetMetadata m : in) {
            out.add(new TargetsView.TargetMetadata(Labels.fromMap(m.target()), m.metric(), m.type(), m.help(), m.unit()));
        }
        return out;
    }

    static String rfc3339(Instant t) {
        return t == null || t.equals(Instant.EPOCH) ? ZERO_TIME : DateTimeFormatter.ISO_INSTANT.format(t);
    }
}
