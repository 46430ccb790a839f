package dev.sextant.promql.function;

import static dev.sextant.promql.ast.ValueType.MATRIX;
import static dev.sextant.promql.ast.ValueType.SCALAR;
import static dev.sextant.promql.ast.ValueType.STRING;
import static dev.sextant.promql.ast.ValueType.VECTOR;

import dev.sextant.promql.ast.FunctionSignature;
import dev.sextant.promql.ast.ValueType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every PromQL function: one entry per name with its signature and implementation. Families live in
 * {@link RateFunctions}, {@link OverTimeFunctions} and {@link MathFunctions}; functions that need
 * labels, whole vectors or query context are implemented by the evaluator (entries without an
 * implementation).
 *
 * <p>Thread-safety: immutable after class initialisation.
 */
public final class FunctionRegistry {
    private static final Map<String, FunctionDef> FUNCTIONS = new HashMap<>();

    static {
        // Range-vector functions.
        range("rate", RateFunctions::rate);
        range("increase", RateFunctions::increase);
        range("delta", RateFunctions::delta);
        range("irate", RateFunctions::irate);
        range("idelta", RateFunctions::idelta);
        range("resets", RateFunctions::resets);
        range("changes", RateFunctions::changes);
        range("deriv", RateFunctions::deriv);
        add(sig("predict_linear", List.of(MATRIX, SCALAR), 0, VECTOR, false), RateFunctions::predictLinear, null,
                false);
        add(sig("double_exponential_smoothing", List.of(MATRIX, SCALAR, SCALAR), 0, VECTOR, true),
                RateFunctions::doubleExponentialSmoothing, null, false);
        range("avg_over_time", OverTimeFunctions::avg);
        range("sum_over_time", OverTimeFunctions::sum);
        range("count_over_time", OverTimeFunctions::count);
        range("min_over_time", OverTimeFunctions::min);
        range("max_over_time", OverTimeFunctions::max);
        range("stddev_over_time", OverTimeFunctions::stddev);
        range("stdvar_over_time", OverTimeFunctions::stdvar);
        range("present_over_time", OverTimeFunctions::present);
        add(sig("last_over_time", List.of(MATRIX), 0, VECTOR, false), OverTimeFunctions::last, null, true);
        add(sig("first_over_time", List.of(MATRIX), 0, VECTOR, true), OverTimeFunctions::first, null, true);
        add(sig("quantile_over_time", List.of(SCALAR, MATRIX), 0, VECTOR, false), OverTimeFunctions::quantile,
                null, false);
        add(sig("mad_over_time", List.of(MATRIX), 0, VECTOR, true), OverTimeFunctions::mad, null, false);
        add(sig("ts_of_min_over_time", List.of(MATRIX), 0, VECTOR, true), OverTimeFunctions::tsOfMin, null, false);
        add(sig("ts_of_max_over_time", List.of(MATRIX), 0, VECTOR, true), OverTimeFunctions::tsOfMax, null, false);
        add(sig("ts_of_first_over_time", List.of(MATRIX), 0, VECTOR, true), OverTimeFunctions::tsOfFirst, null,
                false);
        add(sig("ts_of_last_over_time", List.of(MATRIX), 0, VECTOR, true), OverTimeFunctions::tsOfLast, null,
                false);

        // Per-sample math.
        element("abs", (v, p) -> Math.abs(v));
        element("ceil", (v, p) -> Math.ceil(v));
        element("floor", (v, p) -> Math.floor(v));
        element("exp", (v, p) -> Math.exp(v));
        element("sqrt", (v, p) -> Math.sqrt(v));
        element("ln", (v, p) -> Math.log(v));
        element("log2", MathFunctions::log2);
        element("log10", (v, p) -> Math.log10(v));
        element("sgn", MathFunctions::sgn);
        element("sin", (v, p) -> Math.sin(v));
        element("cos", (v, p) -> Math.cos(v));
        element("tan", (v, p) -> Math.tan(v));
        element("asin", (v, p) -> Math.asin(v));
        element("acos", (v, p) -> Math.acos(v));
        element("atan", (v, p) -> Math.atan(v));
        element("sinh", (v, p) -> Math.sinh(v));
        element("cosh", (v, p) -> Math.cosh(v));
        element("tanh", (v, p) -> Math.tanh(v));
        element("asinh", MathFunctions::asinh);
        element("acosh", MathFunctions::acosh);
        element("atanh", MathFunctions::atanh);
        element("deg", (v, p) -> v * 180 / Math.PI);
        element("rad", (v, p) -> v * Math.PI / 180);
        add(sig("clamp", List.of(VECTOR, SCALAR, SCALAR), 0, VECTOR, false), null, MathFunctions::clamp, false);
        add(sig("clamp_min", List.of(VECTOR, SCALAR), 0, VECTOR, false), null, MathFunctions::clampMin, false);
        add(sig("clamp_max", List.of(VECTOR, SCALAR), 0, VECTOR, false), null, MathFunctions::clampMax, false);
        add(sig("round", List.of(VECTOR, SCALAR), 1, VECTOR, false), null, MathFunctions::round, false);
        calendar("minute", MathFunctions::minute);
        calendar("hour", MathFunctions::hour);
        calendar("day_of_week", MathFunctions::dayOfWeek);
        calendar("day_of_month", MathFunctions::dayOfMonth);
        calendar("day_of_year", MathFunctions::dayOfYear);
        calendar("days_in_month", MathFunctions::daysInMonth);
        calendar("month", MathFunctions::month);
        calendar("year", MathFunctions::year);

        // Implemented by the evaluator.
        special("absent", List.of(VECTOR), 0, VECTOR, false);
        special("absent_over_time", List.of(MATRIX), 0, VECTOR, false);
        special("label_replace", List.of(VECTOR, STRING, STRING, STRING, STRING), 0, VECTOR, false);
        special("label_join", List.of(VECTOR, STRING, STRING, STRING), -1, VECTOR, false);
        special("sort", List.of(VECTOR), 0, VECTOR, false);
        special("sort_desc", List.of(VECTOR), 0, VECTOR, false);
        special("sort_by_label", List.of(VECTOR, STRING), -1, VECTOR, true);
        special("sort_by_label_desc", List.of(VECTOR, STRING), -1, VECTOR, true);
        special("scalar", List.of(VECTOR), 0, SCALAR, false);
        special("vector", List.of(SCALAR), 0, VECTOR, false);
        special("time", List.of(), 0, SCALAR, false);
        special("pi", List.of(), 0, SCALAR, false);
        special("timestamp", List.of(VECTOR), 0, VECTOR, false);
        special("histogram_quantile", List.of(SCALAR, VECTOR), 0, VECTOR, false);
        special("histogram_fraction", List.of(SCALAR, SCALAR, VECTOR), 0, VECTOR, false);
        special("histogram_count", List.of(VECTOR), 0, VECTOR, false);
        special("histogram_sum", List.of(VECTOR), 0, VECTOR, false);
        special("histogram_avg", List.of(VECTOR), 0, VECTOR, false);
        special("histogram_stddev", List.of(VECTOR), 0, VECTOR, false);
        special("histogram_stdvar", List.of(VECTOR), 0, VECTOR, false);
        special("histogram_quantiles", List.of(VECTOR, STRING, SCALAR, SCALAR), -1, VECTOR, true);
        special("info", List.of(VECTOR, VECTOR), 1, VECTOR, true);
        special("start", List.of(), 0, SCALAR, true);
        special("end", List.of(), 0, SCALAR, true);
        special("range", List.of(), 0, SCALAR, true);
        special("step", List.of(), 0, SCALAR, true);
        special("min_of", List.of(SCALAR, SCALAR), 0, SCALAR, true);
        special("max_of", List.of(SCALAR, SCALAR), 0, SCALAR, true);
    }

    private FunctionRegistry() {}

    /** The function named {@code name} (case-sensitive), or null. */
    public static FunctionDef lookup(String name) {
        return FUNCTIONS.get(name);
    }

    /** The entry for a parsed signature. */
    public static FunctionDef of(FunctionSignature signature) {
        return FUNCTIONS.get(signature.name());
    }

    private static FunctionSignature sig(String name, List<ValueType> args, int variadic, ValueType ret,
            boolean experimental) {
        return new FunctionSignature(name, args, variadic, ret, experimental);
    }

    private static void add(FunctionSignature s, RangeFunction range, ElementFunction element, boolean keepsName) {
        FUNCTIONS.put(s.name(), new FunctionDef(s, range, element, keepsName));
    }

    private static void range(String name, RangeFunction f) {
        add(sig(name, List.of(MATRIX), 0, VECTOR, false), f, null, false);
    }

    private static void element(String name, ElementFunction f) {
        add(sig(name, List.of(VECTOR), 0, VECTOR, false), null, f, false);
    }

    private static void calendar(String name, ElementFunction f) {
        add(sig(name, List.of(VECTOR), 1, VECTOR, false), null, f, false);
    }

    private static void special(String name, List<ValueType> args, int variadic, ValueType ret, boolean exp) {
        add(sig(name, args, variadic, ret, exp), null, null, name.startsWith("sort") || name.equals("label_replace")
                || name.equals("label_join") || name.equals("info"));
    }
}
