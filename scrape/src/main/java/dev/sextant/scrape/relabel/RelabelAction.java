package dev.sextant.scrape.relabel;

import java.util.Locale;

/** The relabeling actions, named as in {@code prometheus.yml} (case-insensitive there). */
public enum RelabelAction {
    REPLACE, KEEP, DROP, KEEPEQUAL, DROPEQUAL, HASHMOD, LABELMAP, LABELDROP, LABELKEEP, LOWERCASE, UPPERCASE;

    /** The name used in configuration files. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a configuration name, or returns null when unknown. */
    public static RelabelAction fromConfig(String s) {
        for (RelabelAction a : values()) {
            if (a.configName().equals(s.toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        return null;
    }
}
