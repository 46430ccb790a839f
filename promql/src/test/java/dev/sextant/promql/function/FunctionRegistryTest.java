package dev.sextant.promql.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.promql.ast.ValueType;
import java.util.List;
import org.junit.jupiter.api.Test;

class FunctionRegistryTest {
    /** Every float function of spec/promql.md §7. */
    private static final List<String> SPEC_FUNCTIONS = List.of("rate", "increase", "delta", "irate", "idelta",
            "resets", "changes", "deriv", "predict_linear", "double_exponential_smoothing", "avg_over_time",
            "sum_over_time", "min_over_time", "max_over_time", "count_over_time", "quantile_over_time",
            "stddev_over_time", "stdvar_over_time", "last_over_time", "first_over_time", "present_over_time",
            "mad_over_time", "ts_of_min_over_time", "ts_of_max_over_time", "ts_of_first_over_time",
            "ts_of_last_over_time", "absent", "absent_over_time", "histogram_quantile", "histogram_fraction",
            "label_replace", "label_join", "sort", "sort_desc", "sort_by_label", "sort_by_label_desc", "abs", "ceil",
            "floor", "exp", "sqrt", "ln", "log2", "log10", "sgn", "round", "clamp", "clamp_min", "clamp_max", "sin",
            "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "deg", "rad",
            "pi", "scalar", "vector", "time", "timestamp", "minute", "hour", "day_of_week", "day_of_month",
            "day_of_year", "days_in_month", "month", "year", "start", "end", "range", "step", "min_of", "max_of");

    @Test
    void everySpecFunctionHasOneEntry() {
        for (String name : SPEC_FUNCTIONS) {
            FunctionDef def = FunctionRegistry.lookup(name);
            assertThat(def).as(name).isNotNull();
            assertThat(def.signature().name()).isEqualTo(name);
            assertThat(def.range() != null && def.element() != null).as(name + " has one implementation").isFalse();
        }
        assertThat(FunctionRegistry.lookup("holt_winters")).as("renamed in 3.x").isNull();
    }

    @Test
    void signatures() {
        assertThat(FunctionRegistry.lookup("rate").signature().argTypes()).containsExactly(ValueType.MATRIX);
        assertThat(FunctionRegistry.lookup("quantile_over_time").signature().argTypes())
                .containsExactly(ValueType.SCALAR, ValueType.MATRIX);
        assertThat(FunctionRegistry.lookup("round").signature().variadic()).isEqualTo(1);
        assertThat(FunctionRegistry.lookup("label_join").signature().variadic()).isEqualTo(-1);
        assertThat(FunctionRegistry.lookup("last_over_time").keepsName()).isTrue();
        assertThat(FunctionRegistry.lookup("max_over_time").keepsName()).isFalse();
    }

    private static RangeWindow window(long start, long end, long[] ts, double[] vs, double... params) {
        RangeWindow w = new RangeWindow();
        w.ts = ts;
        w.vs = vs;
        w.from = 0;
        w.to = ts.length;
        w.windowStart = start;
        w.windowEnd = end;
        w.evalTime = end;
        w.params = params;
        return w;
    }

    @Test
    void rateExtrapolatesToTheWindowEdgesAndHandlesResets() {
        // Samples every 10s from 10s to 60s inside (0, 60]: a counter 0,10,20,5,15,25 with one reset.
        long[] ts = {10_000, 20_000, 30_000, 40_000, 50_000, 60_000};
        double[] vs = {0, 10, 20, 5, 15, 25};
        RangeWindow w = window(0, 60_000, ts, vs);
        // Increase with the reset: 25 - 0 + 20 = 45 over 50s sampled; toStart would be 10s but the
        // counter started at 0, so extrapolation to the start is limited to zero; toEnd = 0.
        assertThat(RateFunctions.increase(w)).isEqualTo(45.0);
        assertThat(RateFunctions.rate(w)).isEqualTo(45.0 / 60);
        assertThat(RateFunctions.delta(w)).isEqualTo(25.0 * 60 / 50);
        assertThat(RateFunctions.resets(w)).isEqualTo(1);
        assertThat(RateFunctions.irate(w)).isEqualTo(1.0);
        assertThat(RangeFunction.isNoValue(RateFunctions.rate(window(0, 60_000, new long[] {1}, new double[] {1}))))
                .isTrue();
    }

    @Test
    void derivAndPredictLinear() {
        long[] ts = {0, 60_000, 120_000};
        double[] vs = {1, 2, 3};
        assertThat(RateFunctions.deriv(window(-1, 120_000, ts, vs))).isEqualTo(1.0 / 60);
        assertThat(RateFunctions.predictLinear(window(-1, 120_000, ts, vs, 60))).isEqualTo(4.0);
    }

    @Test
    void doubleExponentialSmoothingValidatesFactors() {
        RangeWindow w = window(-1, 2, new long[] {0, 1, 2}, new double[] {1, 2, 3}, 1.5, 0.5);
        assertThatThrownBy(() -> RateFunctions.doubleExponentialSmoothing(w))
                .isInstanceOf(FunctionException.class)
                .hasMessage("invalid smoothing factor. Expected: 0 < sf < 1, got: 1.500000");
    }

    @Test
    void quantileInterpolatesAndSortsNaNFirst() {
        assertThat(Stats.quantile(0.5, new double[] {3, 1, 2, 4}, 4)).isEqualTo(2.5);
        assertThat(Stats.quantile(1.5, new double[] {1}, 1)).isEqualTo(Double.POSITIVE_INFINITY);
        double[] withNaN = {2, Double.NaN, 1};
        Stats.sortNaNFirst(withNaN, 3);
        assertThat(Double.isNaN(withNaN[0])).isTrue();
        assertThat(withNaN[1]).isEqualTo(1);
    }

    @Test
    void mathFollowsGoSemantics() {
        assertThat(MathFunctions.log2(8, null)).isEqualTo(3.0);
        assertThat(MathFunctions.sgn(-0.5, null)).isEqualTo(-1);
        assertThat(MathFunctions.round(2.5, new double[0])).isEqualTo(3.0);
        assertThat(MathFunctions.round(-2.5, new double[0])).isEqualTo(-2.0);
        assertThat(MathFunctions.round(1.234, new double[] {0.1})).isEqualTo(1.2);
        assertThat(MathFunctions.dayOfWeek(0, null)).isEqualTo(4); // 1970-01-01 was a Thursday
        assertThat(MathFunctions.daysInMonth(86_400 * 31, null)).isEqualTo(28);
    }
}
