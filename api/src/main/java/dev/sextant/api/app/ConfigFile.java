package dev.sextant.api.app;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import dev.sextant.api.remote.send.RemoteWriteConfig;
import dev.sextant.api.remote.send.RemoteWriteConfigParser;
import java.util.Set;
import dev.sextant.scrape.config.ScrapeConfigFile;

/**
 * A loaded {@code prometheus.yml}: its source text (served by {@code /api/v1/status/config}) and
 * parsed tree. Top-level keys are checked strictly, like Prometheus: an unknown key is an error
 * naming the file, line and key.
 *
 * @param source where it came from (a path, or "built-in default")
 * @param text the YAML as loaded
 * @param tree the parsed document (an empty object for an empty file)
 * @param scrape the validated global and scrape parts (strict, with file and line in errors)
 * @param remoteWrite the validated {@code remote_write} entries
 */
public record ConfigFile(String source, String text, JsonNode tree, ScrapeConfigFile scrape,
        List<RemoteWriteConfig> remoteWrite) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> TOP_LEVEL_KEYS = Set.of("global", "runtime", "alerting", "rule_files",
            "scrape_config_files", "scrape_configs", "storage", "tracing", "remote_write", "remote_read",
            "otlp");

    /** Thrown for an unreadable or invalid file; the message names the file (and line when known). */
    public static final class ConfigException extends Exception {
        private static final long serialVersionUID = 1L;

        public ConfigException(String message) {
            super(message);
        }
    }

    public static ConfigFile load(Path path) throws ConfigException {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("couldn't load configuration (--config.file=\"" + path + "\"): open "
                    + path + ": " + e.getMessage());
        }
        return parse(path.toString(), text);
    }

    public static ConfigFile builtIn() {
        try (InputStream in = ConfigFile.class.getResourceAsStream("/sextant-default.yml")) {
            return parse("built-in default", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException | ConfigException e) {
            throw new IllegalStateException("built-in configuration is broken", e);
        }
    }

    static ConfigFile parse(String source, String text) throws ConfigException {
        JsonNode tree;
        try {
            tree = text.isBlank() ? YAML.createObjectNode() : YAML.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String where = loc == null ? "" : " line " + loc.getLineNr() + ":";
            throw new ConfigException("parsing YAML file " + source + ":" + where + " " + e.getOriginalMessage());
        }
        if (tree == null || tree.isNull() || tree.isMissingNode()) {
            tree = YAML.createObjectNode();
        }
        if (!tree.isObject()) {
            throw new ConfigException("parsing YAML file " + source + ": the document must be a mapping");
        }
        for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!TOP_LEVEL_KEYS.contains(key)) {
                throw new ConfigException("parsing YAML file " + source + ": line " + lineOf(text, key)
                        + ": field " + key + " not found in type config.plain");
            }
        }
        ScrapeConfigFile scrape;
        try {
            scrape = ScrapeConfigFile.parse(source, text);
        } catch (dev.sextant.scrape.config.ConfigException e) {
            throw new ConfigException(e.getMessage());
        }
        List<RemoteWriteConfig> remoteWrite;
        try {
            remoteWrite = RemoteWriteConfigParser.parse(tree.get("remote_write"), configDir(source));
        } catch (RemoteWriteConfigParser.InvalidConfigException e) {
            throw new ConfigException("parsing YAML file " + source + ": " + e.getMessage());
        }
        return new ConfigFile(source, text, tree, scrape, remoteWrite);
    }

    /** The directory relative {@code *_file} paths are resolved against: the file's, else the working directory. */
    private static Path configDir(String source) {
        try {
            Path parent = Path.of(source).toAbsolutePath().getParent();
            if (parent != null && Files.isDirectory(parent)) {
                return parent;
            }
        } catch (RuntimeException e) {
            // not a path (e.g. "built-in default")
        }
        return Path.of("").toAbsolutePath();
    }

    /** {@code global.external_labels}, attached to everything that leaves the server. */
    public dev.sextant.tsdb.model.Labels externalLabels() {
        JsonNode ext = tree.path("global").path("external_labels");
        dev.sextant.tsdb.model.LabelsBuilder b = new dev.sextant.tsdb.model.LabelsBuilder();
        for (Iterator<String> it = ext.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            b.set(k, ext.get(k).asText());
        }
        return b.build();
    }

    /** Keys whose values Prometheus treats as secrets and prints as {@code <secret>}. */
    private static final Set<String> SECRET_KEYS = Set.of("password", "bearer_token", "credentials",
            "client_secret", "secret_key", "key", "token");

    /** The configuration re-serialised as YAML, secrets replaced by {@code <secret>} (for status/config). */
    public String toYamlWithSecretsHidden() {
        JsonNode copy = tree.deepCopy();
        hideSecrets(copy);
        try {
            String yaml = YAML.writeValueAsString(copy);
            return yaml.startsWith("---\n") ? yaml.substring(4) : yaml;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void hideSecrets(JsonNode node) {
        if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode obj) {
            for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                JsonNode v = obj.get(k);
                if (SECRET_KEYS.contains(k) && v.isValueNode()) {
                    obj.put(k, "<secret>");
                } else {
                    hideSecrets(v);
                }
            }
        } else if (node.isArray()) {
            for (JsonNode v : node) {
                hideSecrets(v);
            }
        }
    }

    private static int lineOf(String text, String key) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith(key + ":") || lines[i].startsWith("\"" + key + "\":")) {
                return i + 1;
            }
        }
        return 1;
    }
}
