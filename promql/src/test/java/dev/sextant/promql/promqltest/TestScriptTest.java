package dev.sextant.promql.promqltest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.promql.engine.EngineOptions;
import dev.sextant.promql.engine.QueryEngine;
import dev.sextant.tsdb.memory.MemoryStorage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The script language and the runner's verdicts on small scripts, passing and failing. */
class TestScriptTest {
    private static List<TestRunner.Outcome> run(String script) {
        return new TestRunner<>(new QueryEngine(EngineOptions.DEFAULTS), MemoryStorage::new)
                .run(TestScript.parse("inline.test", script));
    }

    @Test
    void passingAndFailingEvals() {
        List<TestRunner.Outcome> out = run("""
                load 1m
                  up{job="a"} 1+1x5
                # a comment ends nothing here

                eval instant at 2m up
                  up{job="a"} 3

                eval instant at 2m up
                  up{job="a"} 4

                eval range from 0 to 2m step 1m up * 2
                  {job="a"} 2 4 6

                eval instant at 0 1 + 1
                  2

                eval instant at 0 up{job="a"} + on() group_left nope
                  expect fail

                clear
                load 1m
                  up{job="a"} 1
                  up{job="b"} 1

                eval_fail instant at 0 up * on() up
                  expected_fail_regexp found duplicate series for the match group \\{\\} on the right hand-side

                eval_fail instant at 0 up * on() up
                  expected_fail_message no such message

                clear

                eval instant at 2m up
                """);
        assertThat(out).extracting(TestRunner.Outcome::line).containsExactly(5, 8, 11, 14, 17, 25, 28, 33);
        assertThat(out).extracting(TestRunner.Outcome::passed)
                .containsExactly(true, false, true, true, false, true, false, true);
        assertThat(out.get(1).message()).contains("expected 4.0");
    }

    @Test
    void syntaxErrorsNameTheLine() {
        assertThatThrownBy(() -> TestScript.parse("bad.test", "load 1m\n  up 1\n\nfrobnicate\n"))
                .hasMessageStartingWith("bad.test:4:");
        assertThatThrownBy(() -> TestScript.parse("bad.test", "eval range from 2m to 1m step 1m up\n"))
                .hasMessageContaining("end timestamp before start");
    }

    @Test
    void durations() {
        assertThat(TestScript.parseDuration("1h30m")).isEqualTo(5_400_000);
        assertThat(TestScript.parseDuration("10s53ms")).isEqualTo(10_053);
        assertThat(TestScript.parseDuration("0")).isZero();
        assertThatThrownBy(() -> TestScript.parseDuration("30m1h")).isInstanceOf(IllegalArgumentException.class);
    }
}
