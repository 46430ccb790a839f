package dev.sextant.promql.ast;

import dev.sextant.tsdb.model.Matcher;
import java.math.BigDecimal;
import java.util.List;

/**
 * Prints an expression back to PromQL text that parses to an equivalent tree. Sub-expressions of
 * operators are parenthesised, so the output does not depend on precedence rules.
 *
 * <p>Thread-safety: stateless.
 */
public final class Printer {
    /**
     * Canonical mode prints what Prometheus's {@code format_query} prints for one-line queries:
     * metric names bare, no added parentheses, durations as {@code 5m}. The default mode
     * parenthesises every operand so the text re-parses to the same tree without precedence rules.
     */
    private final boolean canonical;

    private Printer(boolean canonical) {
        this.canonical = canonical;
    }

    public static String print(Expr e) {
        StringBuilder sb = new StringBuilder();
        new Printer(false).print(e, sb);
        return sb.toString();
    }

    /** The canonical text of {@code e}, as the HTTP API's {@code format_query} returns it. */
    public static String format(Expr e) {
        StringBuilder sb = new StringBuilder();
        new Printer(true).print(e, sb);
        return sb.toString();
    }

    private void print(Expr e, StringBuilder sb) {
        if (e instanceof NumberLiteral n) {
            sb.append(number(n.value()));
        } else if (e instanceof StringLiteral s) {
            quote(s.value(), sb);
        } else if (e instanceof ParenExpr p) {
            sb.append('(');
            print(p.expr(), sb);
            sb.append(')');
        } else if (e instanceof VectorSelector v) {
            selector(v, sb);
            modifiers(v.offset(), v.at(), sb);
            extension(v, sb);
        } else if (e instanceof MatrixSelector m) {
            selector(m.selector(), sb);
            sb.append('[');
            duration(m.range(), sb);
            sb.append(']');
            modifiers(m.selector().offset(), m.selector().at(), sb);
            extension(m.selector(), sb);
        } else if (e instanceof Subquery s) {
            wrapped(s.expr(), sb);
            sb.append('[');
            duration(s.range(), sb);
            sb.append(':');
            if (s.step() != null) {
                duration(s.step(), sb);
            }
            sb.append(']');
            modifiers(s.offset(), s.at(), sb);
        } else if (e instanceof UnaryExpr u) {
            sb.append('-');
            wrapped(u.expr(), sb);
        } else if (e instanceof BinaryExpr b) {
            binary(b, sb);
        } else if (e instanceof AggregateExpr a) {
            sb.append(a.op().spelling());
            if (a.without() || !a.grouping().isEmpty()) {
                sb.append(a.without() ? " without " : " by ");
                labelList(a.grouping(), sb);
            }
            sb.append(" (");
            if (a.param() != null) {
                print(a.param(), sb);
                sb.append(", ");
            }
            print(a.expr(), sb);
            sb.append(')');
        } else if (e instanceof Call c) {
            sb.append(c.function().name()).append('(');
            for (int i = 0; i < c.args().size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                print(c.args().get(i), sb);
            }
            sb.append(')');
        }
    }

    /** Prints {@code e} in parentheses (once: a parenthesised expression already has them). */
    private void wrapped(Expr e, StringBuilder sb) {
        if (e instanceof ParenExpr || canonical) {
            print(e, sb);
        } else {
            sb.append('(');
            print(e, sb);
            sb.append(')');
        }
    }

    private void binary(BinaryExpr b, StringBuilder sb) {
        wrapped(b.lhs(), sb);
        sb.append(' ').append(b.op().symbol());
        if (b.returnBool()) {
            sb.append(" bool");
        }
        VectorMatching m = b.matching();
        if (m != null) {
            if (m.on() || !m.labels().isEmpty()) {
                sb.append(m.on() ? " on" : " ignoring");
                labelList(m.labels(), sb);
            }
            if (m.card() == VectorMatching.Cardinality.MANY_TO_ONE
                    || m.card() == VectorMatching.Cardinality.ONE_TO_MANY) {
                sb.append(m.card() == VectorMatching.Cardinality.MANY_TO_ONE ? " group_left" : " group_right");
                labelList(m.include(), sb);
            }
            if (m.fillLeft() != null) {
                sb.append(" fill_left(").append(number(m.fillLeft())).append(')');
            }
            if (m.fillRight() != null) {
                sb.append(" fill_right(").append(number(m.fillRight())).append(')');
            }
        }
        sb.append(' ');
        wrapped(b.rhs(), sb);
    }

    private void selector(VectorSelector v, StringBuilder sb) {
        List<Matcher> ms = v.matchers();
        boolean bareName = false;
        if (canonical && v.name() != null) {
            if (v.name().matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
                sb.append(v.name());
                bareName = true;
            }
        }
        int printed = 0;
        StringBuilder inner = new StringBuilder();
        if (canonical && v.name() != null && !bareName) {
            quote(v.name(), inner);
            printed++;
        }
        for (int i = 0; i < ms.size(); i++) {
            Matcher m = ms.get(i);
            if (canonical && v.name() != null && m.type() == Matcher.Type.EQUAL && m.name().equals("__name__")
                    && m.value().equals(v.name())) {
                continue;
            }
            if (printed++ > 0) {
                inner.append(", ");
            }
            labelName(m.name(), inner);
            inner.append(m.type().symbol());
            quote(m.value(), inner);
        }
        if (!bareName || printed > 0) {
            sb.append('{').append(inner).append('}');
        }
    }

    private void extension(VectorSelector v, StringBuilder sb) {
        if (v.anchored()) {
            sb.append(" anchored");
        } else if (v.smoothed()) {
            sb.append(" smoothed");
        }
    }

    private void modifiers(DurationExpr offset, AtModifier at, StringBuilder sb) {
        if (offset != null && canonical && offset instanceof DurationExpr.Constant) {
            sb.append(" offset ");
            duration(offset, sb);
        } else if (offset != null) {
            sb.append(" offset (");
            duration(offset, sb);
            sb.append(')');
        }
        if (at != null) {
            sb.append(" @ ");
            switch (at.kind()) {
                case START -> sb.append("start()");
                case END -> sb.append("end()");
                default -> sb.append(number(at.timeMs() / 1000.0));
            }
        }
    }

    private void duration(DurationExpr d, StringBuilder sb) {
        if (d instanceof DurationExpr.Constant c) {
            sb.append(canonical ? promDuration(c.secs()) : number(c.secs()));
        } else if (d instanceof DurationExpr.Binary b) {
            sb.append('(');
            if (b.lhs() != null) {
                duration(b.lhs(), sb);
                sb.append(' ');
            }
            sb.append(b.op());
            sb.append(' ');
            duration(b.rhs(), sb);
            sb.append(')');
        } else if (d instanceof DurationExpr.Call c) {
            sb.append(c.name()).append('(');
            for (int i = 0; i < c.args().size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                duration(c.args().get(i), sb);
            }
            sb.append(')');
        }
    }

    private void labelList(List<String> labels, StringBuilder sb) {
        sb.append('(');
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            labelName(labels.get(i), sb);
        }
        sb.append(')');
    }

    private void labelName(String name, StringBuilder sb) {
        if (name.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
            sb.append(name);
        } else {
            quote(name, sb);
        }
    }

    /** Seconds as Prometheus prints durations: {@code 5m}, {@code 1h30m}, {@code 0s}. */
    static String promDuration(double secs) {
        return dev.sextant.tsdb.model.PromDuration.format(Math.round(secs * 1000));
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Inf" : "-Inf";
        }
        String s = new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
        return s;
    }

    private void quote(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
