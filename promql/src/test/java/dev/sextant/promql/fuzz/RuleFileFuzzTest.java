package dev.sextant.promql.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sextant.promql.rules.RuleFileParser;
import java.nio.file.Path;

/**
 * Any text as a rule file: {@link RuleFileParser#parse} returns groups or error lines (it is
 * documented never to throw): never an exception, a hang or an out-of-memory. The seeds (rule
 * files and broken variants) run under plain Surefire; {@code JAZZER_FUZZ=1} fuzzes.
 */
class RuleFileFuzzTest {
    private static final Path FILE = Path.of("fuzz-rules.yml");

    @FuzzTest(maxDuration = "30s")
    void ruleFile(String text) {
        if (text == null) {
            return;
        }
        RuleFileParser.parse(FILE, text);
    }
}
