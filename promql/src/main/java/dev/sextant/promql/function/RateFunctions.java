package dev.sextant.promql.function;

/**
 * Counter and gauge change functions over range windows: rate, increase, delta, irate, idelta,
 * resets, changes, deriv, predict_linear, double_exponential_smoothing.
 *
 * <p>Thread-safety: stateless.
 */
final class RateFunctions {
    private RateFunctions() {}

    static double rate(RangeWindow w) {
        return extrapolated(w, true, true);
    }

    static double increase(RangeWindow w) {
        return extrapolated(w, true, false);
    }

    static double delta(RangeWindow w) {
        return extrapolated(w, false, false);
    }

    /** The extrapolated change across the window (see spec/promql.md §7.1). */
    private static double extrapolated(RangeWindow w, boolean counter, boolean perSecond) {
        int n = w.count();
        if (w.boundaryValues) {
            return boundaryDifference(w, counter, perSecond);
        }
        if (n < 2) {
            return RangeFunction.NO_VALUE;
        }
        long[] ts = w.ts;
        double[] vs = w.vs;
        int f = w.from;
        int l = w.to - 1;
        double result = vs[l] - vs[f];
        if (counter) {
            double prev = vs[f];
            for (int i = f + 1; i <= l; i++) {
                double cur = vs[i];
                if (cur < prev) {
                    result += prev;
                }
                prev = cur;
            }
        }
        double toStart = (ts[f] - w.windowStart) / 1000.0;
        double toEnd = (w.windowEnd - ts[l]) / 1000.0;
        double sampled = (ts[l] - ts[f]) / 1000.0;
        double avg = sampled / (n - 1);
        double threshold = avg * 1.1;
        if (toStart >= threshold) {
            toStart = avg / 2;
        }
        if (counter && result > 0 && vs[f] >= 0) {
            double toZero = sampled * (vs[f] / result);
            if (toZero < toStart) {
                toStart = toZero;
            }
        }
        if (toEnd >= threshold) {
            toEnd = avg / 2;
        }
        // Operation order matters to the last bit: Prometheus (2.x and 3.x alike) divides the
        // extrapolation factor by the range and then multiplies once; dividing the product
        // instead differs by an ulp on about a third of real counters.
        double factor = (sampled + toStart + toEnd) / sampled;
        if (perSecond) {
            factor /= (w.windowEnd - w.windowStart) / 1000.0;
        }
        return result * factor;
    }

    /** Anchored/smoothed: last minus first boundary value (with resets for counters), no extrapolation. */
    private static double boundaryDifference(RangeWindow w, boolean counter, boolean perSecond) {
        int n = w.count();
        if (n == 0) {
            return RangeFunction.NO_VALUE;
        }
        double result = w.vs[w.to - 1] - w.vs[w.from];
        if (counter) {
            for (int i = w.from + 1; i < w.to; i++) {
                if (w.vs[i] < w.vs[i - 1]) {
                    result += w.vs[i - 1];
                }
            }
        }
        return perSecond ? result / ((w.windowEnd - w.windowStart) / 1000.0) : result;
    }

    static double irate(RangeWindow w) {
        return instant(w, true);
    }

    static double idelta(RangeWindow w) {
        return instant(w, false);
    }

    private static double instant(RangeWindow w, boolean rate) {
        if (w.count() < 2) {
            return RangeFunction.NO_VALUE;
        }
        int l = w.to - 1;
        double last = w.vs[l];
        double prev = w.vs[l - 1];
        long interval = w.ts[l] - w.ts[l - 1];
        if (interval == 0) {
            return RangeFunction.NO_VALUE;
        }
        double result = rate && last < prev ? last : last - prev;
        return rate ? result / (interval / 1000.0) : result;
    }

    static double resets(RangeWindow w) {
        int count = 0;
        for (int i = w.from + 1; i < w.to; i++) {
            if (w.vs[i] < w.vs[i - 1]) {
                count++;
            }
        }
        return count;
    }

    static double changes(RangeWindow w) {
        int count = 0;
        for (int i = w.from + 1; i < w.to; i++) {
            double a = w.vs[i - 1];
            double b = w.vs[i];
            if (a != b && !(Double.isNaN(a) && Double.isNaN(b))) {
                count++;
            }
        }
        return count;
    }

    static double deriv(RangeWindow w) {
        if (w.count() < 2) {
            return RangeFunction.NO_VALUE;
        }
        return regression(w, w.ts[w.from])[0];
    }

    static double predictLinear(RangeWindow w) {
        if (w.count() < 2) {
            return RangeFunction.NO_VALUE;
        }
        double[] si = regression(w, w.evalTime);
        return si[0] * w.params[0] + si[1];
    }

    /** Least-squares slope and intercept with x in seconds relative to {@code interceptTime}. */
    private static double[] regression(RangeWindow w, long interceptTime) {
        double n = 0;
        double[] sumX = new double[2];
        double[] sumY = new double[2];
        double[] sumXY = new double[2];
        double[] sumX2 = new double[2];
        double initY = w.vs[w.from];
        boolean constY = true;
        for (int i = w.from; i < w.to; i++) {
            double v = w.vs[i];
            if (constY && i > w.from && v != initY) {
                constY = false;
            }
            n += 1;
            double x = (w.ts[i] - interceptTime) / 1e3;
            Stats.kahanAdd(x, sumX);
            Stats.kahanAdd(v, sumY);
            Stats.kahanAdd(x * v, sumXY);
            Stats.kahanAdd(x * x, sumX2);
        }
        if (constY) {
            if (Double.isInfinite(initY)) {
                return new double[] {Double.NaN, Double.NaN};
            }
            return new double[] {0, initY};
        }
        double sx = sumX[0] + sumX[1];
        double sy = sumY[0] + sumY[1];
        double sxy = sumXY[0] + sumXY[1];
        double sx2 = sumX2[0] + sumX2[1];
        double covXY = sxy - sx * sy / n;
        double varX = sx2 - sx * sx / n;
        double slope = covXY / varX;
        double intercept = sy / n - slope * sx / n;
        return new double[] {slope, intercept};
    }

    static double doubleExponentialSmoothing(RangeWindow w) {
        double sf = w.params[0];
        double tf = w.params[1];
        if (sf <= 0 || sf >= 1) {
            throw new FunctionException("invalid smoothing factor. Expected: 0 < sf < 1, got: " + goFloat(sf));
        }
        if (tf <= 0 || tf >= 1) {
            throw new FunctionException("invalid trend factor. Expected: 0 < tf < 1, got: " + goFloat(tf));
        }
        int n = w.count();
        if (n < 2) {
            return RangeFunction.NO_VALUE;
        }
        double s = w.vs[w.from];
        double b = w.vs[w.from + 1] - s;
        double sPrev = s;
        for (int i = 1; i < n; i++) {
            double x = w.vs[w.from + i];
            if (i >= 2) {
                b = tf * (s - sPrev) + (1 - tf) * b;
            }
            sPrev = s;
            s = sf * x + (1 - sf) * (s + b);
        }
        return s;
    }

    /** Go's %f rendering (six decimals). */
    static String goFloat(double v) {
        return String.format(java.util.Locale.ROOT, "%f", v);
    }
}
