package dev.sextant.promql.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random token soup never crashes the parser or executor with anything but a TemplateException. */
class TemplateRobustnessTest {
    private static final String[] TOKENS = {"{{", "}}", "{{-", "-}}", " ", "$labels", ".job", "$value", "$x", ":=", "=",
        "|", "(", ")", "\"s\"", "\"\\x4", "\"\\u00", "`raw`", "`", "1", "1.5", "-2", "if", "else", "end", "range", "with",
        "humanize", "printf", "\"%d %s %.2f %q %x %v %e %g %\"", "query", "first", "value", "label", "eq", "lt", "and",
        "not", "len", "index", "/*", "*/", "\n", "text", ",", ".", "$", "true", "nil", "args", "reReplaceAll", "\"(\""};

    @Test
    void randomTemplatesFailOnlyWithTemplateException() {
        Random rnd = new Random(42);
        TemplateData data = new TemplateData(Map.of("job", "j"), 1.5, Map.of(), "", q -> List.of(
                new TemplateData.QuerySample(Map.of("job", "a"), 2)));
        int parsed = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            int n = 1 + rnd.nextInt(12);
            for (int k = 0; k < n; k++) {
                b.append(TOKENS[rnd.nextInt(TOKENS.length)]);
                if (rnd.nextBoolean()) {
                    b.append(' ');
                }
            }
            String text = b.toString();
            Template t;
            try {
                t = Template.parse("fuzz", text);
            } catch (TemplateException e) {
                continue;
            } catch (RuntimeException e) {
                throw new AssertionError("parse crashed on: " + text, e);
            }
            parsed++;
            try {
                t.execute(data);
            } catch (TemplateException e) {
                // An execution error is fine; an internal crash caught by the safety net is not.
                assertThat(e.getMessage()).as(text).doesNotContain("java.lang.");
            } catch (RuntimeException e) {
                throw new AssertionError("execute crashed on: " + text, e);
            }
        }
        assertThat(parsed).as("some random templates are valid").isGreaterThan(1000);
    }
}
