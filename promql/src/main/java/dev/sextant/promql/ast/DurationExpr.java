package dev.sextant.promql.ast;

import java.util.List;

/**
 * A duration in a range, subquery step or offset: a constant or (Prometheus 3.x duration
 * expressions) arithmetic over durations, numbers (seconds), {@code step()}, {@code range()},
 * {@code min_of} and {@code max_of}. Resolved once per query with {@link #millis(long, long)}.
 */
public sealed interface DurationExpr {
    /** Seconds as a double, given the query's step and range in milliseconds. */
    double seconds(long stepMs, long rangeMs);

    /** The duration in milliseconds. */
    default long millis(long stepMs, long rangeMs) {
        return Math.round(seconds(stepMs, rangeMs) * 1000.0);
    }

    /** True if the value does not depend on the query. */
    boolean isConstant();

    record Constant(double secs) implements DurationExpr {
        @Override
        public double seconds(long stepMs, long rangeMs) {
            return secs;
        }

        @Override
        public boolean isConstant() {
            return true;
        }
    }

    /** {@code op} is one of {@code + - * / % ^}; {@code lhs} is null for unary minus. */
    record Binary(char op, DurationExpr lhs, DurationExpr rhs) implements DurationExpr {
        @Override
        public double seconds(long stepMs, long rangeMs) {
            double b = rhs.seconds(stepMs, rangeMs);
            if (lhs == null) {
                return op == '-' ? -b : b;
            }
            double a = lhs.seconds(stepMs, rangeMs);
            return switch (op) {
                case '+' -> a + b;
                case '-' -> a - b;
                case '*' -> a * b;
                case '/' -> a / b;
                case '%' -> a % b;
                default -> Math.pow(a, b);
            };
        }

        @Override
        public boolean isConstant() {
            return (lhs == null || lhs.isConstant()) && rhs.isConstant();
        }
    }

    /** {@code step()}, {@code range()}, {@code min_of(a, b)}, {@code max_of(a, b)}. */
    record Call(String name, List<DurationExpr> args) implements DurationExpr {
        @Override
        public double seconds(long stepMs, long rangeMs) {
            return switch (name) {
                case "step" -> stepMs / 1000.0;
                case "range" -> rangeMs / 1000.0;
                case "min_of" -> Math.min(args.get(0).seconds(stepMs, rangeMs), args.get(1).seconds(stepMs, rangeMs));
                default -> Math.max(args.get(0).seconds(stepMs, rangeMs), args.get(1).seconds(stepMs, rangeMs));
            };
        }

        @Override
        public boolean isConstant() {
            return false;
        }
    }
}
