package dev.sextant.scrape.loop;

import dev.sextant.tsdb.model.Labels;

/**
 * A scrape target after relabeling.
 *
 * <p>Thread-safety: immutable.
 *
 * @param discoveredLabels labels from discovery before relabeling (group and target merged)
 * @param labels labels after relabeling, still holding {@code __address__}, {@code __scheme__} etc.
 *     but no {@code __meta_*}
 * @param publicLabels the labels attached to every sample: those not starting with {@code __}
 * @param url the scrape URL
 * @param intervalMs scrape interval
 * @param timeoutMs scrape timeout
 */
public record Target(Labels discoveredLabels, Labels labels, Labels publicLabels, String url, long intervalMs, long timeoutMs) {

    /** A stable 64-bit hash of the target's identity (public labels and URL), FNV-1a. */
    public long hash() {
        long h = 0xcbf29ce484222325L;
        h = fnv(h, labels.toString());
        h = fnv(h, url);
        return h;
    }

    private static long fnv(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
