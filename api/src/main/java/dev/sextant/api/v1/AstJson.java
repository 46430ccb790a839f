package dev.sextant.api.v1;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sextant.api.json.PromFormat;
import dev.sextant.promql.ast.AggregateExpr;
import dev.sextant.promql.ast.AtModifier;
import dev.sextant.promql.ast.BinaryExpr;
import dev.sextant.promql.ast.Call;
import dev.sextant.promql.ast.DurationExpr;
import dev.sextant.promql.ast.Expr;
import dev.sextant.promql.ast.FunctionSignature;
import dev.sextant.promql.ast.MatrixSelector;
import dev.sextant.promql.ast.NumberLiteral;
import dev.sextant.promql.ast.ParenExpr;
import dev.sextant.promql.ast.StringLiteral;
import dev.sextant.promql.ast.Subquery;
import dev.sextant.promql.ast.UnaryExpr;
import dev.sextant.promql.ast.ValueType;
import dev.sextant.promql.ast.VectorMatching;
import dev.sextant.promql.ast.VectorSelector;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import java.io.IOException;
import java.util.List;

/**
 * The JSON tree {@code /api/v1/parse_query} answers, in the shape Prometheus 3.x gives its UI's
 * tree view: one object per node with a {@code type} ({@code vectorSelector}, {@code
 * matrixSelector}, {@code subquery}, {@code binaryExpr}, {@code aggregation}, {@code call},
 * {@code numberLiteral}, {@code stringLiteral}, {@code parenExpr}, {@code unaryExpr}). Prometheus
 * marshals each node as a Go map, so the keys of every object come in alphabetical order; this
 * writer emits them in that order too, so responses compare byte for byte.
 *
 * <p>Durations ({@code range}, {@code offset}, {@code step}) are integer milliseconds; a duration
 * given as an expression of {@code step()} or {@code range()} is written as 0, as Prometheus does
 * for an unresolved duration expression. {@code timestamp} is the {@code @} time in ms or null;
 * {@code startOrEnd} is {@code "start"}, {@code "end"} or null.
 */
final class AstJson {
    private final JsonGenerator g;
    private final String query;

    private AstJson(JsonGenerator g, String query) {
        this.g = g;
        this.query = query;
    }

    /** Writes the tree of {@code e}, parsed from {@code query} (whose text tells how a metric name was written). */
    static void write(JsonGenerator g, Expr e, String query) throws IOException {
        new AstJson(g, query).write(e);
    }

    private void write(Expr e) throws IOException {
        if (e == null) {
            g.writeNull();
        } else if (e instanceof AggregateExpr a) {
            g.writeStartObject();
            g.writeFieldName("expr");
            write(a.expr());
            strings(g, "grouping", a.grouping());
            g.writeStringField("op", a.op().spelling());
            g.writeFieldName("param");
            write(a.param());
            g.writeStringField("type", "aggregation");
            g.writeBooleanField("without", a.without());
            g.writeEndObject();
        } else if (e instanceof BinaryExpr b) {
            g.writeStartObject();
            g.writeBooleanField("bool", b.returnBool());
            g.writeFieldName("lhs");
            write(b.lhs());
            g.writeFieldName("matching");
            matching(g, b.matching());
            g.writeStringField("op", b.op().symbol());
            g.writeFieldName("rhs");
            write(b.rhs());
            g.writeStringField("type", "binaryExpr");
            g.writeEndObject();
        } else if (e instanceof Call c) {
            g.writeStartObject();
            g.writeArrayFieldStart("args");
            for (Expr a : c.args()) {
                write(a);
            }
            g.writeEndArray();
            FunctionSignature f = c.function();
            g.writeObjectFieldStart("func");
            g.writeArrayFieldStart("argTypes");
            for (ValueType t : f.argTypes()) {
                g.writeString(t.apiName());
            }
            g.writeEndArray();
            g.writeStringField("name", f.name());
            g.writeStringField("returnType", f.returnType().apiName());
            g.writeNumberField("variadic", f.variadic());
            g.writeEndObject();
            g.writeStringField("type", "call");
            g.writeEndObject();
        } else if (e instanceof MatrixSelector m) {
            VectorSelector vs = m.selector();
            g.writeStartObject();
            matchers(vs);
            g.writeStringField("name", nameOf(vs));
            g.writeNumberField("offset", millis(vs.offset()));
            g.writeNumberField("range", millis(m.range()));
            at(g, vs.at());
            g.writeStringField("type", "matrixSelector");
            g.writeEndObject();
        } else if (e instanceof Subquery s) {
            g.writeStartObject();
            g.writeFieldName("expr");
            write(s.expr());
            g.writeNumberField("offset", millis(s.offset()));
            g.writeNumberField("range", millis(s.range()));
            at(g, s.at(), "step", millis(s.step()));
            g.writeStringField("type", "subquery");
            g.writeEndObject();
        } else if (e instanceof NumberLiteral n) {
            g.writeStartObject();
            g.writeStringField("type", "numberLiteral");
            g.writeStringField("val", PromFormat.goF(n.value()));
            g.writeEndObject();
        } else if (e instanceof ParenExpr p) {
            g.writeStartObject();
            g.writeFieldName("expr");
            write(p.expr());
            g.writeStringField("type", "parenExpr");
            g.writeEndObject();
        } else if (e instanceof StringLiteral s) {
            g.writeStartObject();
            g.writeStringField("type", "stringLiteral");
            g.writeStringField("val", s.value());
            g.writeEndObject();
        } else if (e instanceof UnaryExpr u) {
            g.writeStartObject();
            g.writeFieldName("expr");
            write(u.expr());
            g.writeStringField("op", "-");
            g.writeStringField("type", "unaryExpr");
            g.writeEndObject();
        } else if (e instanceof VectorSelector vs) {
            g.writeStartObject();
            matchers(vs);
            g.writeStringField("name", nameOf(vs));
            g.writeNumberField("offset", millis(vs.offset()));
            at(g, vs.at());
            g.writeStringField("type", "vectorSelector");
            g.writeEndObject();
        } else {
            throw new IllegalArgumentException("unsupported node " + e.getClass().getSimpleName());
        }
    }

    /** Prometheus sets the name only for a name written before the braces, not for {@code {"name"}}. */
    private String nameOf(VectorSelector vs) {
        return vs.name() == null || quotedName(vs) ? "" : vs.name();
    }

    private boolean quotedName(VectorSelector vs) {
        return vs.pos() >= 0 && vs.pos() < query.length() && query.charAt(vs.pos()) == '{';
    }

    private static void matching(JsonGenerator g, VectorMatching m) throws IOException {
        if (m == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeStringField("card", switch (m.card()) {
            case ONE_TO_ONE -> "one-to-one";
            case MANY_TO_ONE -> "many-to-one";
            case ONE_TO_MANY -> "one-to-many";
            case MANY_TO_MANY -> "many-to-many";
        });
        strings(g, "include", m.include());
        strings(g, "labels", m.labels());
        g.writeBooleanField("on", m.on());
        g.writeEndObject();
    }

    /**
     * Prometheus appends the matcher for a metric name written before the braces after the
     * others; Sextant's parser puts it first, so it moves to the end here.
     */
    private void matchers(VectorSelector vs) throws IOException {
        List<Matcher> matchers = vs.matchers();
        int from = 0;
        if (vs.name() != null && !quotedName(vs) && !matchers.isEmpty()) {
            Matcher first = matchers.get(0);
            if (first.name().equals(Labels.METRIC_NAME) && first.type() == Matcher.Type.EQUAL
                    && first.value().equals(vs.name())) {
                from = 1;
            }
        }
        g.writeArrayFieldStart("matchers");
        for (int i = from; i < matchers.size(); i++) {
            matcher(g, matchers.get(i));
        }
        if (from == 1) {
            matcher(g, matchers.get(0));
        }
        g.writeEndArray();
    }

    private static void matcher(JsonGenerator g, Matcher m) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", m.name());
        g.writeStringField("type", m.type().symbol());
        g.writeStringField("value", m.value());
        g.writeEndObject();
    }

    /** {@code startOrEnd} and {@code timestamp}, the last two keys before {@code type}. */
    private static void at(JsonGenerator g, AtModifier at) throws IOException {
        at(g, at, null, 0);
    }

    /** Same, with one more numeric key that sorts between them ({@code step} for subqueries). */
    private static void at(JsonGenerator g, AtModifier at, String middleKey, long middle) throws IOException {
        g.writeFieldName("startOrEnd");
        if (at == null || at.kind() == AtModifier.Kind.TIME) {
            g.writeNull();
        } else {
            g.writeString(at.kind() == AtModifier.Kind.START ? "start" : "end");
        }
        if (middleKey != null) {
            g.writeNumberField(middleKey, middle);
        }
        g.writeFieldName("timestamp");
        if (at == null || at.kind() != AtModifier.Kind.TIME) {
            g.writeNull();
        } else {
            g.writeNumber(at.timeMs());
        }
    }

    private static long millis(DurationExpr d) {
        return d == null || !d.isConstant() ? 0 : d.millis(0, 0);
    }

    private static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }
}
