package dev.sextant.promql.parser;

import dev.sextant.promql.ast.Expr;
import dev.sextant.promql.ast.NumberLiteral;
import dev.sextant.promql.ast.StringLiteral;
import dev.sextant.promql.ast.VectorSelector;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/** Builds the immutable AST from ANTLR's parse tree and checks what the grammar cannot. */
final class AstBuilder extends PromQLBaseVisitor<Expr> {

    @Override
    public Expr visitNumberLiteral(PromQLParser.NumberLiteralContext ctx) {
        double v = Numbers.parse(ctx.NUMBER().getText());
        return new NumberLiteral(ctx.sign != null && ctx.sign.getType() == PromQLLexer.SUB ? -v : v);
    }

    @Override
    public Expr visitStringLiteral(PromQLParser.StringLiteralContext ctx) {
        return new StringLiteral(unquote(ctx.STRING().getSymbol()));
    }

    @Override
    public Expr visitSelectorExpr(PromQLParser.SelectorExprContext ctx) {
        PromQLParser.VectorSelectorContext sel = ctx.vectorSelector();
        String name = sel.metricName() != null ? sel.metricName().getText() : null;
        List<Matcher> matchers = new ArrayList<>();
        if (name != null) {
            matchers.add(Matcher.equal(Labels.METRIC_NAME, name));
        }
        if (sel.labelMatchers() != null) {
            for (PromQLParser.LabelMatcherContext m : sel.labelMatchers().labelMatcher()) {
                matchers.add(toMatcher(m, name != null));
                if (m instanceof PromQLParser.QuotedMetricNameContext) {
                    if (name != null) {
                        throw error(m.getStart(), "metric name must not be set twice: \"" + name + "\" or "
                                + m.getText());
                    }
                    name = matchers.get(matchers.size() - 1).value();
                }
            }
        }
        if (name == null) {
            boolean nonEmpty = false;
            for (Matcher m : matchers) {
                if (!m.matchesEmpty()) {
                    nonEmpty = true;
                    break;
                }
            }
            if (!nonEmpty) {
                throw error(ctx.getStart(), "vector selector must contain at least one non-empty matcher");
            }
        }
        return new VectorSelector(name, matchers);
    }

    private Matcher toMatcher(PromQLParser.LabelMatcherContext ctx, boolean hasName) {
        if (ctx instanceof PromQLParser.QuotedMetricNameContext q) {
            return Matcher.equal(Labels.METRIC_NAME, unquote(q.STRING().getSymbol()));
        }
        PromQLParser.NameMatcherContext m = (PromQLParser.NameMatcherContext) ctx;
        Token nameTok = m.labelName().getStart();
        String label = nameTok.getType() == PromQLLexer.STRING ? unquote(nameTok) : nameTok.getText();
        String value = unquote(m.STRING().getSymbol());
        Matcher.Type type = switch (m.matchOp().getStart().getType()) {
            case PromQLLexer.EQ -> Matcher.Type.EQUAL;
            case PromQLLexer.NE -> Matcher.Type.NOT_EQUAL;
            case PromQLLexer.RE -> Matcher.Type.REGEX;
            default -> Matcher.Type.NOT_REGEX;
        };
        if (hasName && label.equals(Labels.METRIC_NAME)) {
            // Allowed by Prometheus (e.g. foo{__name__="bar"} selects nothing); kept as is.
        }
        try {
            return Matcher.of(type, label, value);
        } catch (IllegalArgumentException e) {
            throw error(m.STRING().getSymbol(), e.getMessage());
        }
    }

    private static String unquote(Token t) {
        try {
            return Strings.unquote(t.getText());
        } catch (IllegalArgumentException e) {
            throw error(t, e.getMessage());
        }
    }

    static ParseException error(Token at, String detail) {
        return new ParseException(at.getLine(), at.getCharPositionInLine() + 1, detail);
    }

    @Override
    protected Expr defaultResult() {
        return null;
    }

    static ParseException error(ParserRuleContext ctx, String detail) {
        return error(ctx.getStart(), detail);
    }
}
