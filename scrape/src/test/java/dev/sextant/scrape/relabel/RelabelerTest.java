package dev.sextant.scrape.relabel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.tsdb.model.Labels;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table tests: one row per edge case of each action. {@code null} expected means dropped. */
class RelabelerTest {

    static RelabelConfig rc(String action, String src, String target, String regex, String repl, long mod) {
        List<String> s = src == null ? List.of() : Arrays.asList(src.split(","));
        return RelabelConfig.of(s, null, target, regex, mod, repl, RelabelAction.fromConfig(action));
    }

    static Arguments row(String name, Labels in, RelabelConfig c, Labels out) {
        return Arguments.of(name, in, c, out);
    }

    static Stream<Arguments> table() {
        Labels ab = Labels.of("a", "foo", "b", "bar");
        return Stream.of(
            // replace
            row("replace default copies source", ab, rc("replace", "a", "c", null, null, 0), Labels.of("a", "foo", "b", "bar", "c", "foo")),
            row("replace joins with separator", ab, rc("replace", "a,b", "c", "(.*);(.*)", "$2-$1", 0), Labels.of("a", "foo", "b", "bar", "c", "bar-foo")),
            row("replace is anchored", ab, rc("replace", "a", "c", "o+", "x", 0), ab),
            row("replace no match leaves labels", ab, rc("replace", "a", "c", "bar", "x", 0), ab),
            row("replace empty result deletes", ab, rc("replace", "missing", "a", null, null, 0), Labels.of("b", "bar")),
            row("replace missing source is empty string", ab, rc("replace", "missing,a", "c", ";(.*)", "$1", 0), Labels.of("a", "foo", "b", "bar", "c", "foo")),
            row("replace target with group", ab, rc("replace", "a", "t_$1", "(.*)", "v", 0), Labels.of("a", "foo", "b", "bar", "t_foo", "v")),
            row("replace invalid expanded target skipped", ab, rc("replace", "missing", "$1", "(.*)", "v", 0), ab),
            row("replace ${1}x vs $1x", ab, rc("replace", "a", "c", "(.*)", "${1}x$1x", 0), Labels.of("a", "foo", "b", "bar", "c", "foox")),
            row("replace $$ is literal", ab, rc("replace", "a", "c", "(.*)", "$$$1", 0), Labels.of("a", "foo", "b", "bar", "c", "$foo")),
            row("replace named group", ab, rc("replace", "a", "c", "(?P<x>f)oo", "${x}!", 0), Labels.of("a", "foo", "b", "bar", "c", "f!")),
            row("replace dot matches newline", Labels.of("a", "x\ny"), rc("replace", "a", "c", "x.y", "ok", 0), Labels.of("a", "x\ny", "c", "ok")),
            row("replace static value without source", ab, rc("replace", null, "c", null, "static", 0), Labels.of("a", "foo", "b", "bar", "c", "static")),
            // keep / drop
            row("keep match", ab, rc("keep", "a", null, "fo+", null, 0), ab),
            row("keep miss drops", ab, rc("keep", "a", null, "fo", null, 0), null),
            row("keep empty regex matches only empty", ab, rc("keep", "missing", null, "", null, 0), ab),
            row("drop match", ab, rc("drop", "b", null, "bar|baz", null, 0), null),
            row("drop miss keeps", ab, rc("drop", "b", null, "ba", null, 0), ab),
            // keepequal / dropequal
            row("keepequal equal", Labels.of("a", "x", "b", "x"), rc("keepequal", "a", "b", null, null, 0), Labels.of("a", "x", "b", "x")),
            row("keepequal differs drops", ab, rc("keepequal", "a", "b", null, null, 0), null),
            row("keepequal both missing keeps", ab, rc("keepequal", "m", "n", null, null, 0), ab),
            row("dropequal equal drops", Labels.of("a", "x", "b", "x"), rc("dropequal", "a", "b", null, null, 0), null),
            row("dropequal differs keeps", ab, rc("dropequal", "a", "b", null, null, 0), ab),
            // hashmod
            row("hashmod", Labels.of("a", "foo"), rc("hashmod", "a", "h", null, null, 1000), Labels.of("a", "foo", "h", hashmod("foo", 1000))),
            row("hashmod modulus 1", Labels.of("a", "foo"), rc("hashmod", "a", "h", null, null, 1), Labels.of("a", "foo", "h", "0")),
            // labelmap
            row("labelmap copies matching names", Labels.of("__meta_x_label_app", "web", "b", "1"),
                    rc("labelmap", null, null, "__meta_x_label_(.+)", null, 0), Labels.of("__meta_x_label_app", "web", "app", "web", "b", "1")),
            row("labelmap anchored", Labels.of("x__meta_x_label_app", "web"), rc("labelmap", null, null, "__meta_x_label_(.+)", null, 0), Labels.of("x__meta_x_label_app", "web")),
            row("labelmap with replacement", Labels.of("a", "1"), rc("labelmap", null, null, "(a)", "pre_$1", 0), Labels.of("a", "1", "pre_a", "1")),
            // labeldrop / labelkeep
            row("labeldrop", Labels.of("a", "1", "ab", "2", "b", "3"), rc("labeldrop", null, null, "a.*", null, 0), Labels.of("b", "3")),
            row("labeldrop anchored", Labels.of("ba", "1"), rc("labeldrop", null, null, "a", null, 0), Labels.of("ba", "1")),
            row("labelkeep", Labels.of("a", "1", "ab", "2", "b", "3"), rc("labelkeep", null, null, "a|b", null, 0), Labels.of("a", "1", "b", "3")),
            // lowercase / uppercase
            row("lowercase", Labels.of("a", "FoO"), rc("lowercase", "a", "l", null, null, 0), Labels.of("a", "FoO", "l", "foo")),
            row("uppercase joins", Labels.of("a", "x", "b", "y"), rc("uppercase", "a,b", "u", null, null, 0), Labels.of("a", "x", "b", "y", "u", "X;Y")),
            row("lowercase empty deletes target", Labels.of("a", "x", "l", "old"), rc("lowercase", "m", "l", null, null, 0), Labels.of("a", "x"))
        );
    }

    /** Independent reference: MD5, last 8 bytes as big-endian unsigned, mod m. */
    static String hashmod(String v, long m) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("MD5").digest(v.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            java.math.BigInteger b = new java.math.BigInteger(1, Arrays.copyOfRange(d, 8, 16));
            return b.mod(java.math.BigInteger.valueOf(m)).toString();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void action(String name, Labels in, RelabelConfig c, Labels expected) {
        assertThat(Relabeler.process(in, List.of(c))).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void stepsSeePreviousOutputAndDropStops() {
        List<RelabelConfig> steps = List.of(
                rc("replace", "a", "b", null, null, 0),
                rc("keep", "b", null, "foo", null, 0),
                rc("replace", null, "c", null, "done", 0));
        assertThat(Relabeler.process(Labels.of("a", "foo"), steps)).isEqualTo(Labels.of("a", "foo", "b", "foo", "c", "done"));
        assertThat(Relabeler.process(Labels.of("a", "bar"), steps)).isNull();
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("hashmod", null, "t", null, null, 0L, "requires non-zero modulus"),
                Arguments.of("replace", "a", null, null, null, 0L, "requires 'target_label'"),
                Arguments.of("lowercase", "a", "t", null, "x", 0L, "'replacement' can not be set"),
                Arguments.of("keepequal", "a", "t", "x", null, 0L, "requires only 'source_labels' and 'target_label'"),
                Arguments.of("labeldrop", "a", null, "x", null, 0L, "requires only 'regex'"),
                Arguments.of("labelkeep", null, null, "(", null, 0L, "invalid regex"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void validation(String action, String src, String target, String regex, String repl, long mod, String msg) {
        assertThatThrownBy(() -> rc(action, src, target, regex, repl, mod)).hasMessageContaining(msg);
    }
}
