package dev.sextant.scrape.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The parts of {@code prometheus.yml} the scrape manager needs, validated like Prometheus does, plus
 * the other top-level sections (rule_files, alerting, remote_write, remote_read, storage, tracing,
 * otlp, runtime) kept as raw trees of {@code Map}/{@code List}/{@code String} for their owners.
 *
 * <p>Thread-safety: immutable.
 *
 * @param source the file name used in error messages
 * @param global the global section with defaults applied
 * @param scrapeConfigs scrape configs from {@code scrape_configs} then from {@code scrape_config_files}
 * @param ruleFiles the {@code rule_files} globs as written
 * @param otherSections raw trees of the sections this module does not interpret, by key
 */
public record ScrapeConfigFile(
        String source,
        GlobalConfig global,
        List<ScrapeConfig> scrapeConfigs,
        List<String> ruleFiles,
        Map<String, Object> otherSections) {

    /** An empty configuration (no scrape configs, default globals). */
    public static final ScrapeConfigFile EMPTY = new ScrapeConfigFile("", GlobalConfig.DEFAULT, List.of(), List.of(), Map.of());

    /**
     * Reads and validates a file. Relative paths inside (files of SD configs, credentials,
     * {@code scrape_config_files}) are resolved against the file's directory.
     *
     * @throws ConfigException naming file, line and key for any problem, including I/O errors
     */
    public static ScrapeConfigFile load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, "", "cannot read config file: " + e);
        }
        Path dir = file.toAbsolutePath().getParent();
        return new ConfigParser(file.toString(), dir).parse(text);
    }

    /**
     * Validates YAML text; {@code source} names it in errors and its directory (if it has one) anchors
     * relative paths, else the working directory does.
     */
    public static ScrapeConfigFile parse(String source, String yaml) {
        Path p = Path.of(source).toAbsolutePath().getParent();
        return new ConfigParser(source, p == null ? Path.of("").toAbsolutePath() : p).parse(yaml);
    }

    /** The scrape config for a job, or null. */
    public ScrapeConfig scrapeConfig(String jobName) {
        for (ScrapeConfig c : scrapeConfigs) {
            if (c.jobName().equals(jobName)) {
                return c;
            }
        }
        return null;
    }
}
