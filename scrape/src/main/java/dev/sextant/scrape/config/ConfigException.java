package dev.sextant.scrape.config;

/**
 * A configuration file that cannot be used. The message names the file, the 1-based line and the key,
 * e.g. {@code prometheus.yml:12: scrape_configs[0].scrape_timeout: scrape timeout greater than scrape interval ...}.
 * Immutable.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String key;

    public ConfigException(String file, int line, String key, String problem) {
        super(file + ":" + line + ": " + (key == null || key.isEmpty() ? "" : key + ": ") + problem);
        this.file = file;
        this.line = line;
        this.key = key;
    }

    /** The file name as given to the loader. */
    public String file() {
        return file;
    }

    /** 1-based line of the offending key or value; 0 when the whole file is concerned. */
    public int line() {
        return line;
    }

    /** Dotted path of the offending key ({@code scrape_configs[2].relabel_configs[0].regex}). */
    public String key() {
        return key;
    }
}
