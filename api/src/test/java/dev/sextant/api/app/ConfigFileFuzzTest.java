package dev.sextant.api.app;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any text as {@code prometheus.yml}: {@link ConfigFile#parse} returns a configuration or throws
 * {@link ConfigFile.ConfigException} (which names file and line): never another exception, a hang
 * or an out-of-memory. The seeds (real configurations and broken variants) run under plain
 * Surefire; {@code JAZZER_FUZZ=1} fuzzes.
 */
class ConfigFileFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void prometheusYml(String text) {
        if (text == null) {
            return;
        }
        try {
            ConfigFile c = ConfigFile.parse("fuzz/prometheus.yml", text);
            c.externalLabels();
            c.toYamlWithSecretsHidden();
        } catch (ConfigFile.ConfigException documented) {
            // the documented error
        }
    }
}
