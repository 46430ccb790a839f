package dev.sextant.tsdb.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Regex matchers are RE2 (re2j): patterns that make a backtracking engine take exponential time
 * are linear. {@code ((a*)*)*b} against n {@code a}s makes java.util.regex try every way to split
 * the run before failing: its work grows 16-fold with every four more {@code a}s (n = 20 takes
 * seconds, 100,000 would never end); RE2 simulates the automaton in one pass. The bound below is
 * generous (30 s for what takes milliseconds) so that it cannot flake on a loaded machine, yet
 * unreachable for a backtracking engine. (Java 17 memoizes some simpler cases such as
 * {@code (a+)+b}; those are in the list too.)
 */
class RegexLinearTimeTest {
    private static final String[] PATHOLOGICAL = {"(a+)+b", "(a|aa)+b", "(a|a?)+b", "(.*a){20}b", "((a*)*)*b"};

    @Test
    void pathologicalPatternsFinishOnLongInputs() {
        String input = "a".repeat(100_000);
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> { // linear: well under a second when idle
            for (String p : PATHOLOGICAL) {
                assertThat(Matcher.regex("l", p).matches(input)).as(p).isFalse();
                assertThat(Matcher.notRegex("l", p).matches(input)).as(p).isTrue();
                assertThat(Matcher.regex("l", p).matches(input + "b")).as(p).isTrue();
            }
        });
    }

    @Test
    void backtrackingEngineIsExponentialOnTheSamePattern() {
        // The contrast: java.util.regex on ((a*)*)*b doubles its work with each extra 'a'. Count
        // reads of the input (a structural measure, not a clock) at n and n + 4.
        long at12 = backtrackingSteps(12);
        long at16 = backtrackingSteps(16);
        assertThat(at16).as("steps at n=16 vs n=12").isGreaterThan(at12 * 8);
    }

    private static long backtrackingSteps(int n) {
        long[] steps = new long[1];
        CharSequence counting = new CharSequence() {
            final String s = "a".repeat(n);

            @Override
            public int length() {
                return s.length();
            }

            @Override
            public char charAt(int index) {
                steps[0]++;
                return s.charAt(index);
            }

            @Override
            public CharSequence subSequence(int start, int end) {
                return s.subSequence(start, end);
            }

            @Override
            public String toString() {
                return s;
            }
        };
        assertThat(java.util.regex.Pattern.compile("((a*)*)*b").matcher(counting).matches()).isFalse();
        return steps[0];
    }
}
