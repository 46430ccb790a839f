package dev.sextant.promql.rules;

import dev.sextant.tsdb.model.Labels;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Access to the promqltest package's series-notation expander ({@code 1+1x10}, {@code _}, {@code stale},
 * series selectors), so promtool's {@code input_series} are read by the same code as PromQL
 * {@code .test} scripts. The expander is package-private in {@code promqltest} (owned by the PromQL
 * engine work), hence reflection; once it is public this class should call it directly.
 *
 * <p>Thread-safety: stateless.
 */
final class SeriesNotationBridge {
    private SeriesNotationBridge() {}

    private static final Method PARSE_METRIC;
    private static final Method PARSE_VALUES;
    private static final Method SLOT_KINDS;
    private static final Method SLOT_VALUES;

    static {
        try {
            Class<?> c = Class.forName("dev.sextant.promql.promqltest.SeriesNotation");
            PARSE_METRIC = c.getDeclaredMethod("parseMetric", String.class);
            PARSE_VALUES = c.getDeclaredMethod("parseValues", String.class);
            PARSE_METRIC.setAccessible(true);
            PARSE_VALUES.setAccessible(true);
            Class<?> slots = PARSE_VALUES.getReturnType();
            SLOT_KINDS = slots.getDeclaredMethod("kinds");
            SLOT_VALUES = slots.getDeclaredMethod("values");
            SLOT_KINDS.setAccessible(true);
            SLOT_VALUES.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Parses {@code up{job="a"}} (also {@code {__name__="up"}}) into labels. */
    static Labels parseMetric(String s) {
        return (Labels) invoke(PARSE_METRIC, s.trim());
    }

    /**
     * Expands a values string; element i is the value at step i, or null for an omitted slot.
     *
     * @throws IllegalArgumentException on bad notation or native histograms (not stored here)
     */
    static Double[] expandValues(String s) {
        Object slots = invoke(PARSE_VALUES, s.trim());
        try {
            Object[] kinds = (Object[]) SLOT_KINDS.invoke(slots);
            double[] values = (double[]) SLOT_VALUES.invoke(slots);
            Double[] out = new Double[kinds.length];
            for (int i = 0; i < kinds.length; i++) {
                String k = ((Enum<?>) kinds[i]).name();
                if (k.equals("HISTOGRAM")) {
                    throw new IllegalArgumentException("native histograms are not supported in input_series: " + s);
                }
                out[i] = k.equals("OMITTED") ? null : values[i];
            }
            return out;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object invoke(Method m, String arg) {
        try {
            return m.invoke(null, arg);
        } catch (InvocationTargetException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalArgumentException(String.valueOf(c));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
