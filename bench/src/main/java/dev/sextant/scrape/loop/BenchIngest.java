package dev.sextant.scrape.loop;

import dev.sextant.scrape.config.ScrapeConfigFile;
import dev.sextant.scrape.exposition.ExpositionParser;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Appender;

/**
 * Benchmark access to the scrape loop's per-sample path ({@link SampleIngester} with its
 * {@link ScrapeCache}), which the scrape module keeps package-private. Lives in the bench module
 * under the scrape loop's package name; used only by {@code ExpositionParseBench}.
 */
public final class BenchIngest {
    private final SampleIngester ingester;

    /** One target of a job with default settings ({@code honor_labels: false}, no relabeling, no limits). */
    public BenchIngest(Labels targetLabels) {
        this.ingester = new SampleIngester(
                ScrapeConfigFile.parse("bench.yml", "scrape_configs: [{job_name: bench}]").scrapeConfigs().get(0),
                targetLabels, new ScrapeCache(), 0);
    }

    /** One scrape: what {@code ScrapeLoop} does with a body; null on success, else the error. */
    public String ingest(Appender app, ExpositionParser p, byte[] body, long ts) {
        return ingester.ingest(app, p, body, body.length, ts);
    }

    /** Series the last scrape added to the cache. */
    public int added() {
        return ingester.added;
    }

    /** Samples the last scrape appended. */
    public int appended() {
        return ingester.postRelabel;
    }
}
