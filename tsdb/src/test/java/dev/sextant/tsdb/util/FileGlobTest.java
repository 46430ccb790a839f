package dev.sextant.tsdb.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FileGlobTest {
    // Cases from Go's filepath.Match documentation and semantics.
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "abc|abc|true", "*|abc|true", "*c|abc|true", "a*|a|true", "a*|abc|true", "a*|ab/c|true",
        "a*b*c*d*e*|axbxcxdxe|true", "a*b*c*d*e*|axbxcxdxexxx|true", "a*b?c*x|abxbbxdbxebxczzx|true",
        "a*b?c*x|abxbbxdbxebxczzy|false", "ab[c]|abc|true", "ab[b-d]|abc|true", "ab[e-g]|abc|false",
        "ab[^c]|abc|false", "ab[^b-d]|abc|false", "ab[^e-g]|abc|true", "a\\*b|a*b|true", "a\\*b|ab|false",
        "a?b|a☺b|true", "a[^a]b|a☺b|true", "a???b|a☺b|false", "[a-ζ]*|α|true", "*[a-ζ]|A|false",
        "[\\]a]|]|true", "[\\-]|-|true", "[x\\-]|x|true", "[x\\-]|-|true", "[x\\-]|z|false",
        "[\\-x]|a|false", "*x|xxx|true", "*.yml|rules.yml|true", "*.yml|rules.yaml|false",
        "rules-?.yml|rules-1.yml|true", "rules-?.yml|rules-10.yml|false", "|''|true", "*|''|true"
    })
    void matchesAsGoDoes(String pattern, String name, boolean expected) {
        String n = name.equals("''") ? "" : name;
        assertThat(FileGlob.matches(pattern == null ? "" : pattern, n)).as("%s vs %s", pattern, n).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"[]a]", "[-]", "[x-]", "[-x]", "\\", "[a-b-c]", "[", "[^", "[^bc", "a[", "[a-", "[\\"})
    void malformedPatternsAreErrorsWhateverTheName(String pattern) {
        assertThatThrownBy(() -> FileGlob.matches(pattern, "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("syntax error in pattern");
        assertThatThrownBy(() -> FileGlob.matches(pattern, "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS) // the JDK's glob takes exponential time here
    void manyStarsAgainstANameThatDoesNotMatchFinish() {
        String pattern = "*".repeat(60).replace("**", "*a") + "z";
        String name = "a".repeat(200);
        assertThat(FileGlob.matches(pattern, name)).isFalse();
        assertThat(FileGlob.matches(pattern, name + "z")).isTrue();
    }

    @Test
    void metaCharacters() {
        assertThat(FileGlob.hasMeta("rules.yml")).isFalse();
        assertThat(FileGlob.hasMeta("*.yml")).isTrue();
        assertThat(FileGlob.hasMeta("r?.yml")).isTrue();
        assertThat(FileGlob.hasMeta("[ab].yml")).isTrue();
        assertThat(FileGlob.hasMeta("a\\b")).isTrue();
    }
}
