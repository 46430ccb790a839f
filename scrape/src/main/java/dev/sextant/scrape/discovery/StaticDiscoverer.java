package dev.sextant.scrape.discovery;

import dev.sextant.scrape.config.ScrapeConfig.StaticConfig;
import dev.sextant.tsdb.model.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** {@code static_configs}: one group per entry, sent once. Immutable and thread-safe. */
public final class StaticDiscoverer implements Discoverer {
    private final List<TargetGroup> groups;

    public StaticDiscoverer(List<StaticConfig> configs) {
        List<TargetGroup> g = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            StaticConfig c = configs.get(i);
            List<Labels> targets = new ArrayList<>();
            for (String t : c.targets()) {
                targets.add(Labels.of("__address__", t));
            }
            g.add(new TargetGroup(String.valueOf(i), targets, Labels.fromMap(c.labels())));
        }
        this.groups = List.copyOf(g);
    }

    /** The groups this discoverer sends. */
    public List<TargetGroup> groups() {
        return groups;
    }

    @Override
    public void start(Consumer<List<TargetGroup>> updates) {
        updates.accept(groups);
    }

    @Override
    public void close() {}
}
