package dev.sextant.scrape.discovery;

import dev.sextant.scrape.config.ScrapeConfig;
import dev.sextant.scrape.discovery.kubernetes.KubernetesDiscoverer;
import java.util.ArrayList;
import java.util.List;

/** Creates the discoverers of a scrape config: static, file and Kubernetes. Stateless. */
public final class DiscovererFactory {
    private DiscovererFactory() {}

    /** One discoverer per SD config entry (static configs share one). Not yet started. */
    public static List<Discoverer> create(ScrapeConfig cfg) {
        List<Discoverer> out = new ArrayList<>();
        if (!cfg.staticConfigs().isEmpty()) {
            out.add(new StaticDiscoverer(cfg.staticConfigs()));
        }
        for (ScrapeConfig.FileSdConfig f : cfg.fileSdConfigs()) {
            out.add(new FileDiscoverer(f));
        }
        for (ScrapeConfig.KubernetesSdConfig k : cfg.kubernetesSdConfigs()) {
            out.add(new KubernetesDiscoverer(k));
        }
        return out;
    }

    /** Whether two configs discover the same way (so a reload can keep the running discoverers). */
    public static boolean sameDiscovery(ScrapeConfig a, ScrapeConfig b) {
        return a.staticConfigs().equals(b.staticConfigs()) && a.fileSdConfigs().equals(b.fileSdConfigs())
                && a.kubernetesSdConfigs().equals(b.kubernetesSdConfigs());
    }
}
