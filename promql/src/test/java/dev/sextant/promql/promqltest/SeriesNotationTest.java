package dev.sextant.promql.promqltest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.promql.promqltest.SeriesNotation.SlotKind;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.StaleNaN;
import org.junit.jupiter.api.Test;

class SeriesNotationTest {

    @Test
    void expandsRepetitionsAndSpecials() {
        SeriesNotation.SeriesLine l = SeriesNotation.parseLine("foo{a=\"b\", c='d'} 1+2x2 _ _x2 stale NaN -Inf 0x3");
        assertThat(l.labels()).isEqualTo(Labels.of("__name__", "foo", "a", "b", "c", "d"));
        SeriesNotation.Slots s = l.slots();
        assertThat(s.size()).isEqualTo(3 + 1 + 2 + 1 + 1 + 1 + 4);
        assertThat(s.values()[0]).isEqualTo(1);
        assertThat(s.values()[2]).isEqualTo(5);
        assertThat(s.kinds()[3]).isEqualTo(SlotKind.OMITTED);
        assertThat(s.kinds()[5]).isEqualTo(SlotKind.OMITTED);
        assertThat(StaleNaN.isStale(s.values()[6])).isTrue();
        assertThat(Double.isNaN(s.values()[7]) && !StaleNaN.isStale(s.values()[7])).isTrue();
        assertThat(s.values()[8]).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(s.values()[12]).isZero();
    }

    @Test
    void repeatedAdditionIsBitExact() {
        SeriesNotation.Slots s = SeriesNotation.parseValues("0.1+0.1x10");
        double v = 0.1;
        for (int i = 0; i < 10; i++) {
            v += 0.1;
        }
        assertThat(s.values()[10]).isEqualTo(v);
    }

    @Test
    void histogramLiteralsAreKeptAsOneSlotEach() {
        SeriesNotation.Slots s = SeriesNotation.parseValues("{{schema:0 sum:5 count:4 buckets:[1 2 1]}}x2 3");
        assertThat(s.size()).isEqualTo(4);
        assertThat(s.kinds()[0]).isEqualTo(SlotKind.HISTOGRAM);
        assertThat(s.kinds()[3]).isEqualTo(SlotKind.FLOAT);
    }

    @Test
    void closeFollowsPrometheusTolerance() {
        assertThat(TestRunner.close(1.0, 1.0 + 1e-9)).isTrue();
        assertThat(TestRunner.close(1.0, 1.001)).isFalse();
        assertThat(TestRunner.close(0, 1e-17)).isFalse();
        assertThat(TestRunner.close(Double.NaN, Double.NaN)).isTrue();
        assertThat(TestRunner.close(StaleNaN.VALUE, Double.NaN)).isFalse();
    }
}
