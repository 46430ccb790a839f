package dev.sextant.promql.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Mutated rule files are accepted or rejected with errors, never with an exception. */
class RuleFileParserRobustnessTest {
    @Test
    void mutatedFilesNeverCrashTheParser() throws Exception {
        List<Path> files = RuleFilesTest.checkFiles();
        Random rnd = new Random(7);
        String[] inserts = {":", " ", "\n", "{{", "}}", "- ", "'", "\"", "99999999999", "[", "]", "{", "}", "#", "&a", "*a",
            "record: x\n", "expr: (", "for: 1", "labels: []", "!!int "};
        int rejected = 0;
        for (int i = 0; i < 3000; i++) {
            String text = Files.readString(files.get(rnd.nextInt(files.size())));
            StringBuilder b = new StringBuilder(text);
            for (int k = 0; k < 1 + rnd.nextInt(3); k++) {
                int pos = b.length() == 0 ? 0 : rnd.nextInt(b.length());
                if (rnd.nextBoolean() && b.length() > 0) {
                    b.deleteCharAt(pos);
                } else {
                    b.insert(pos, inserts[rnd.nextInt(inserts.length)]);
                }
            }
            String mutated = b.toString();
            RuleFileParser.Result r;
            try {
                r = RuleFileParser.parse(Path.of("m.yml"), mutated);
            } catch (RuntimeException e) {
                throw new AssertionError("parser crashed on:\n" + mutated, e);
            }
            if (!r.errors().isEmpty()) {
                rejected++;
                assertThat(r.groups()).isEmpty();
                assertThat(r.errors()).allMatch(e -> e.startsWith("m.yml: ") || e.startsWith("open "));
            }
        }
        assertThat(rejected).isGreaterThan(100);
    }
}
