package dev.sextant.promql.parser;

import dev.sextant.promql.ast.AggregateExpr;
import dev.sextant.promql.ast.AggregateOp;
import dev.sextant.promql.ast.AtModifier;
import dev.sextant.promql.ast.BinaryExpr;
import dev.sextant.promql.ast.BinaryOp;
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
import dev.sextant.promql.function.FunctionDef;
import dev.sextant.promql.function.FunctionRegistry;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/**
 * Builds the immutable AST from ANTLR's parse tree and performs Prometheus's type checks with its
 * wording. Not thread-safe; one instance per parse.
 */
final class AstBuilder extends PromQLBaseVisitor<Expr> {
    private boolean allowEmptyMatchers;

    @Override
    public Expr visitNumberLiteral(PromQLParser.NumberLiteralContext ctx) {
        return new NumberLiteral(Numbers.parse(ctx.NUMBER().getSymbol()), pos(ctx));
    }

    @Override
    public Expr visitDurationNumber(PromQLParser.DurationNumberContext ctx) {
        return new NumberLiteral(Durations.parse(ctx.DURATION().getSymbol()) / 1000.0, pos(ctx));
    }

    @Override
    public Expr visitStringLiteral(PromQLParser.StringLiteralContext ctx) {
        return new StringLiteral(unquote(ctx.STRING().getSymbol()), pos(ctx));
    }

    @Override
    public Expr visitParenExpr(PromQLParser.ParenExprContext ctx) {
        return new ParenExpr(visit(ctx.expr()), pos(ctx));
    }

    @Override
    public Expr visitUnaryExpr(PromQLParser.UnaryExprContext ctx) {
        Expr e = visit(ctx.expr());
        if (e.type() != ValueType.SCALAR && e.type() != ValueType.VECTOR) {
            throw error(ctx, "unary expression only allowed on expressions of type scalar or instant vector, got \""
                    + e.type().documentedName() + "\"");
        }
        if (ctx.op.getType() == PromQLLexer.ADD) {
            return e;
        }
        if (e instanceof NumberLiteral n) {
            return new NumberLiteral(-n.value(), pos(ctx));
        }
        return new UnaryExpr(e, pos(ctx));
    }

    @Override
    public Expr visitBinaryExpr(PromQLParser.BinaryExprContext ctx) {
        Expr lhs = visit(ctx.expr(0));
        Expr rhs = visit(ctx.expr(1));
        BinaryOp op = switch (ctx.op.getType()) {
            case PromQLLexer.ADD -> BinaryOp.ADD;
            case PromQLLexer.SUB -> BinaryOp.SUB;
            case PromQLLexer.MUL -> BinaryOp.MUL;
            case PromQLLexer.DIV -> BinaryOp.DIV;
            case PromQLLexer.MOD -> BinaryOp.MOD;
            case PromQLLexer.POW -> BinaryOp.POW;
            case PromQLLexer.ATAN2 -> BinaryOp.ATAN2;
            case PromQLLexer.EQLC -> BinaryOp.EQL;
            case PromQLLexer.NE -> BinaryOp.NEQ;
            case PromQLLexer.GT -> BinaryOp.GTR;
            case PromQLLexer.LT -> BinaryOp.LSS;
            case PromQLLexer.GTE -> BinaryOp.GTE;
            case PromQLLexer.LTE -> BinaryOp.LTE;
            case PromQLLexer.AND -> BinaryOp.AND;
            case PromQLLexer.OR -> BinaryOp.OR;
            default -> BinaryOp.UNLESS;
        };
        PromQLParser.BinModifierContext mod = ctx.binModifier();
        boolean returnBool = mod.BOOL() != null;
        boolean hasMatching = mod.matchKind != null;
        List<String> labels = hasMatching ? labelList(mod.labelList(0)) : List.of();
        boolean on = hasMatching && mod.matchKind.getType() == PromQLLexer.ON;
        VectorMatching.Cardinality card = op.isSetOperator() ? VectorMatching.Cardinality.MANY_TO_MANY
                : VectorMatching.Cardinality.ONE_TO_ONE;
        List<String> include = List.of();
        if (mod.groupKind != null) {
            card = mod.groupKind.getType() == PromQLLexer.GROUP_LEFT ? VectorMatching.Cardinality.MANY_TO_ONE
                    : VectorMatching.Cardinality.ONE_TO_MANY;
            include = mod.labelList().size() > 1 ? labelList(mod.labelList(1)) : List.of();
        }
        Double fillLeft = null;
        Double fillRight = null;
        for (PromQLParser.FillModifierContext f : mod.fillModifier()) {
            double v = Numbers.parse(f.NUMBER().getSymbol());
            if (f.sign != null && f.sign.getType() == PromQLLexer.SUB) {
                v = -v;
            }
            String word = f.IDENTIFIER().getText();
            if (!word.equals("fill_right")) {
                fillLeft = v;
            }
            if (!word.equals("fill_left")) {
                fillRight = v;
            }
        }
        if ((fillLeft != null || fillRight != null) && op.isSetOperator()) {
            throw error(ctx, "filling in missing series is not supported for set operators");
        }
        ValueType lt = lhs.type();
        ValueType rt = rhs.type();
        if ((lt != ValueType.SCALAR && lt != ValueType.VECTOR) || (rt != ValueType.SCALAR && rt != ValueType.VECTOR)) {
            throw error(ctx, "binary expression must contain only scalar and instant vector types");
        }
        if (hasMatching && (lt == ValueType.SCALAR || rt == ValueType.SCALAR)) {
            throw error(ctx, "vector matching only allowed between instant vectors");
        }
        if (returnBool && !op.isComparison()) {
            throw error(ctx.op, "bool modifier can only be used on comparison operators");
        }
        if (op.isComparison() && !returnBool && lt == ValueType.SCALAR && rt == ValueType.SCALAR) {
            throw error(ctx.op, "comparisons between scalars must use BOOL modifier");
        }
        if (op.isSetOperator() && (lt == ValueType.SCALAR || rt == ValueType.SCALAR)) {
            throw error(ctx, "set operator \"" + op.symbol() + "\" not allowed in binary scalar expression");
        }
        if (op.isSetOperator() && mod.groupKind != null) {
            throw error(ctx, "no grouping allowed for \"" + op.symbol() + "\" operation");
        }
        if (on) {
            for (String l : include) {
                if (labels.contains(l)) {
                    throw error(ctx.op, "label \"" + l + "\" must not occur in ON and GROUP clause at once");
                }
            }
        }
        VectorMatching matching = lt == ValueType.VECTOR && rt == ValueType.VECTOR
                ? new VectorMatching(card, labels, on, include, fillLeft, fillRight) : null;
        return new BinaryExpr(op, lhs, rhs, matching, returnBool, pos(ctx));
    }

    @Override
    public Expr visitRangeExpr(PromQLParser.RangeExprContext ctx) {
        Expr e = visit(ctx.expr());
        Token bracket = ctx.LEFT_BRACKET().getSymbol();
        if (!(e instanceof VectorSelector vs)) {
            throw error(bracket, "ranges only allowed for vector selectors");
        }
        if (vs.offset() != null) {
            throw error(bracket, "no offset modifiers allowed before range");
        }
        if (vs.at() != null) {
            throw error(bracket, "no @ modifiers allowed before range");
        }
        if (vs.anchored() || vs.smoothed()) {
            throw error(bracket, "no offset or @ modifiers allowed before range");
        }
        DurationExpr range = duration(ctx.durationExpr());
        positive(range, ctx.durationExpr());
        return new MatrixSelector(vs, range, pos(ctx));
    }

    @Override
    public Expr visitSubqueryExpr(PromQLParser.SubqueryExprContext ctx) {
        Expr e = visit(ctx.expr());
        if (e.type() != ValueType.VECTOR) {
            throw error(ctx, "subquery is only allowed on instant vector, got " + e.type().apiName()
                    + " instead");
        }
        DurationExpr range = duration(ctx.durationExpr(0));
        positive(range, ctx.durationExpr(0));
        DurationExpr step = ctx.durationExpr().size() > 1 ? duration(ctx.durationExpr(1)) : null;
        return new Subquery(e, range, step, null, null, pos(ctx));
    }

    @Override
    public Expr visitOffsetExpr(PromQLParser.OffsetExprContext ctx) {
        Expr e = visit(ctx.expr());
        DurationExpr d = durationAtom(ctx.offsetValue().durationAtom());
        if (ctx.offsetValue().sign != null && ctx.offsetValue().sign.getType() == PromQLLexer.SUB) {
            d = negate(d);
        }
        if (e instanceof VectorSelector vs) {
            if (vs.offset() != null) {
                throw error(ctx, "offset may not be set multiple times");
            }
            return vs.withOffset(d);
        }
        if (e instanceof MatrixSelector ms) {
            if (ms.selector().offset() != null) {
                throw error(ctx, "offset may not be set multiple times");
            }
            return new MatrixSelector(ms.selector().withOffset(d), ms.range(), ms.pos());
        }
        if (e instanceof Subquery sq) {
            if (sq.offset() != null) {
                throw error(ctx, "offset may not be set multiple times");
            }
            return new Subquery(sq.expr(), sq.range(), sq.step(), d, sq.at(), sq.pos());
        }
        throw error(ctx, "offset modifier must be preceded by an instant vector selector or range vector selector "
                + "or a subquery");
    }

    @Override
    public Expr visitAtExpr(PromQLParser.AtExprContext ctx) {
        Expr e = visit(ctx.expr());
        PromQLParser.AtValueContext av = ctx.atValue();
        AtModifier at;
        if (av.NUMBER() != null || av.DURATION() != null) {
            double secs = av.NUMBER() != null ? Numbers.parse(av.NUMBER().getSymbol())
                    : Durations.parse(av.DURATION().getSymbol()) / 1000.0;
            if (av.sign != null && av.sign.getType() == PromQLLexer.SUB) {
                secs = -secs;
            }
            if (!Double.isFinite(secs) || Math.abs(secs * 1000) > Long.MAX_VALUE / 2.0) {
                throw error(ctx, "timestamp out of bounds for @ modifier: " + goFloatF(secs));
            }
            at = new AtModifier(AtModifier.Kind.TIME, Math.round(secs * 1000));
        } else {
            String fn = av.IDENTIFIER().getText();
            if (fn.equals("start")) {
                at = new AtModifier(AtModifier.Kind.START, 0);
            } else if (fn.equals("end")) {
                at = new AtModifier(AtModifier.Kind.END, 0);
            } else {
                throw error(av, "unexpected identifier \"" + fn + "\" in @, expected timestamp");
            }
        }
        if (e instanceof VectorSelector vs) {
            if (vs.at() != null) {
                throw error(ctx, "@ <timestamp> may not be set multiple times");
            }
            return vs.withAt(at);
        }
        if (e instanceof MatrixSelector ms) {
            if (ms.selector().at() != null) {
                throw error(ctx, "@ <timestamp> may not be set multiple times");
            }
            return new MatrixSelector(ms.selector().withAt(at), ms.range(), ms.pos());
        }
        if (e instanceof Subquery sq) {
            if (sq.at() != null) {
                throw error(ctx, "@ <timestamp> may not be set multiple times");
            }
            return new Subquery(sq.expr(), sq.range(), sq.step(), sq.offset(), at, sq.pos());
        }
        throw error(ctx, "@ modifier must be preceded by an instant vector selector or range vector selector or a "
                + "subquery");
    }

    @Override
    public Expr visitExtendedExpr(PromQLParser.ExtendedExprContext ctx) {
        Expr e = visit(ctx.expr());
        String word = ctx.IDENTIFIER().getText();
        boolean anchored = word.equals("anchored");
        if (!anchored && !word.equals("smoothed")) {
            throw error(ctx.IDENTIFIER().getSymbol(), "unexpected identifier \"" + word + "\"");
        }
        VectorSelector vs = e instanceof VectorSelector v ? v : e instanceof MatrixSelector m ? m.selector() : null;
        if (vs == null) {
            throw error(ctx.IDENTIFIER().getSymbol(), word + " modifier must be preceded by a vector selector "
                    + "or range vector selector");
        }
        if (vs.anchored() || vs.smoothed()) {
            throw error(ctx.IDENTIFIER().getSymbol(), "anchored or smoothed modifier may not be set multiple times");
        }
        if (anchored && e instanceof VectorSelector) {
            throw error(ctx.IDENTIFIER().getSymbol(), "anchored modifier can only be used with range vector selectors");
        }
        VectorSelector ext = vs.withExtension(anchored, !anchored);
        return e instanceof MatrixSelector m ? new MatrixSelector(ext, m.range(), m.pos()) : ext;
    }

    @Override
    public Expr visitCallExpr(PromQLParser.CallExprContext ctx) {
        String name = ctx.IDENTIFIER().getText();
        List<org.antlr.v4.runtime.tree.TerminalNode> commas = ctx.COMMA();
        if (!commas.isEmpty() && commas.size() == ctx.expr().size()) {
            throw error(commas.get(commas.size() - 1).getSymbol(), "trailing commas not allowed in function call args");
        }
        List<Expr> args = new ArrayList<>();
        for (PromQLParser.ExprContext a : ctx.expr()) {
            // info()'s second argument may consist of matchers that all match the empty string.
            allowEmptyMatchers = name.equals("info") && args.size() == 1;
            try {
                args.add(visit(a));
            } finally {
                allowEmptyMatchers = false;
            }
        }
        AggregateOp agg = AggregateOp.of(name);
        if (agg != null) {
            return aggregation(ctx, agg, args);
        }
        if (ctx.pre != null || ctx.post != null) {
            Token kw = (ctx.pre != null ? ctx.pre : ctx.post).kind;
            throw error(kw, "unexpected <" + kw.getText() + ">");
        }
        FunctionDef def = FunctionRegistry.lookup(name);
        if (def == null) {
            throw error(ctx, "unknown function with name \"" + name + "\"");
        }
        FunctionSignature sig = def.signature();
        int declared = sig.argTypes().size();
        int n = args.size();
        if (sig.variadic() == 0) {
            if (n != declared) {
                throw error(ctx, "expected " + declared + " argument(s) in call to \"" + name + "\", got " + n);
            }
        } else if (sig.variadic() > 0) {
            int min = declared - sig.variadic();
            if (n < min) {
                throw error(ctx, "expected at least " + min + " argument(s) in call to \"" + name + "\", got " + n);
            }
            if (n > declared) {
                throw error(ctx, "expected at most " + declared + " argument(s) in call to \"" + name + "\", got " + n);
            }
        } else {
            int min = declared - 1;
            if (n < min) {
                throw error(ctx, "expected at least " + min + " argument(s) in call to \"" + name + "\", got " + n);
            }
        }
        for (int i = 0; i < n; i++) {
            ValueType want = i < declared ? sig.argTypes().get(i) : sig.argTypes().get(declared - 1);
            Expr a = args.get(i);
            if (a.type() != want) {
                throw error(ctx.expr(i), "expected type " + want.documentedName() + " in call to function \"" + name
                        + "\", got " + a.type().documentedName());
            }
        }
        if (name.equals("info")) {
            args = infoArgs(ctx, args);
        }
        return new Call(sig, args, pos(ctx));
    }

    /**
     * info()'s info-series selector with its implicit name matcher: {@code target_info} when no
     * name matcher is given, any {@code *_info} metric when only negative name matchers are.
     */
    private static List<Expr> infoArgs(PromQLParser.CallExprContext ctx, List<Expr> args) {
        VectorSelector sel;
        if (args.size() == 1) {
            sel = new VectorSelector(null, List.of(), null, null, false, false, -1);
        } else {
            Expr a = args.get(1);
            while (a instanceof ParenExpr p) {
                a = p.expr();
            }
            if (!(a instanceof VectorSelector vs) || vs.offset() != null || vs.at() != null) {
                throw error(ctx.expr(1), "expected label selectors only");
            }
            if (vs.name() != null && ctx.expr(1).getStart().getType() != PromQLLexer.LEFT_BRACE) {
                throw error(ctx.expr(1), "expected label selectors only, got vector selector instead");
            }
            sel = vs;
        }
        boolean anyName = false;
        boolean positiveName = false;
        for (Matcher m : sel.matchers()) {
            if (m.name().equals(Labels.METRIC_NAME)) {
                anyName = true;
                positiveName |= m.type() == Matcher.Type.EQUAL || m.type() == Matcher.Type.REGEX;
            }
        }
        List<Matcher> matchers = new ArrayList<>(sel.matchers());
        if (!anyName) {
            matchers.add(Matcher.equal(Labels.METRIC_NAME, "target_info"));
        } else if (!positiveName) {
            matchers.add(Matcher.regex(Labels.METRIC_NAME, ".+_info"));
        }
        return List.of(args.get(0), new VectorSelector(sel.name(), matchers, null, null, false, false, sel.pos()));
    }

    private Expr aggregation(PromQLParser.CallExprContext ctx, AggregateOp op, List<Expr> args) {
        if (ctx.pre != null && ctx.post != null) {
            throw error(ctx.post.kind, "unexpected <" + ctx.post.kind.getText() + ">");
        }
        PromQLParser.GroupingContext g = ctx.pre != null ? ctx.pre : ctx.post;
        List<String> grouping = g == null ? List.of() : labelList(g.labelList());
        boolean without = g != null && g.kind.getType() == PromQLLexer.WITHOUT;
        if (args.isEmpty()) {
            throw error(ctx, "no arguments for aggregate expression provided");
        }
        int expected = op.paramType() != null ? 2 : 1;
        if (args.size() != expected) {
            throw error(ctx, "wrong number of arguments for aggregate expression provided, expected " + expected
                    + ", got " + args.size());
        }
        Expr param = expected == 2 ? args.get(0) : null;
        Expr e = args.get(expected - 1);
        if (e.type() != ValueType.VECTOR) {
            throw error(ctx.expr(expected - 1), "expected type instant vector in aggregation expression, got "
                    + e.type().documentedName());
        }
        if (param != null && param.type() != op.paramType()) {
            throw error(ctx.expr(0), "expected type " + op.paramType().documentedName()
                    + " in aggregation parameter, got " + param.type().documentedName());
        }
        return new AggregateExpr(op, e, param, grouping, without, pos(ctx));
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
                if (m instanceof PromQLParser.QuotedMetricNameContext q) {
                    String quoted = unquote(q.STRING().getSymbol());
                    if (name != null) {
                        throw error(ctx.getStart(), "metric name must not be set twice: \"" + name + "\" or \""
                                + quoted + "\"");
                    }
                    name = quoted;
                    matchers.add(Matcher.equal(Labels.METRIC_NAME, quoted));
                } else {
                    Matcher matcher = toMatcher((PromQLParser.NameMatcherContext) m);
                    if (sel.metricName() != null && matcher.name().equals(Labels.METRIC_NAME)) {
                        throw error(ctx.getStart(), "metric name must not be set twice: \"" + name + "\" or \""
                                + matcher.value() + "\"");
                    }
                    matchers.add(matcher);
                }
            }
        }
        boolean nonEmpty = false;
        for (Matcher m : matchers) {
            if (!m.matchesEmpty()) {
                nonEmpty = true;
                break;
            }
        }
        if (!nonEmpty && !allowEmptyMatchers) {
            throw error(ctx.getStart(), "vector selector must contain at least one non-empty matcher");
        }
        return new VectorSelector(name, matchers, null, null, false, false, pos(ctx));
    }

    private Matcher toMatcher(PromQLParser.NameMatcherContext m) {
        Token nameTok = m.labelName().getStart();
        String label = nameTok.getType() == PromQLLexer.STRING ? unquote(nameTok) : nameTok.getText();
        String value = unquote(m.STRING().getSymbol());
        Matcher.Type type = switch (m.matchOp().getStart().getType()) {
            case PromQLLexer.EQ -> Matcher.Type.EQUAL;
            case PromQLLexer.NE -> Matcher.Type.NOT_EQUAL;
            case PromQLLexer.RE -> Matcher.Type.REGEX;
            default -> Matcher.Type.NOT_REGEX;
        };
        try {
            return Matcher.of(type, label, value);
        } catch (IllegalArgumentException e) {
            throw error(m.STRING().getSymbol(), e.getMessage());
        }
    }

    private static List<String> labelList(PromQLParser.LabelListContext ctx) {
        List<String> out = new ArrayList<>();
        for (PromQLParser.LabelNameContext l : ctx.labelName()) {
            Token t = l.getStart();
            out.add(t.getType() == PromQLLexer.STRING ? unquote(t) : t.getText());
        }
        return out;
    }

    private DurationExpr duration(PromQLParser.DurationExprContext ctx) {
        DurationExpr d = durationTree(ctx);
        if (d.isConstant()) {
            d = new DurationExpr.Constant(d.seconds(0, 0));
        }
        return d;
    }

    private DurationExpr durationTree(PromQLParser.DurationExprContext ctx) {
        if (ctx instanceof PromQLParser.DurAtomContext a) {
            return durationAtom(a.durationAtom());
        }
        if (ctx instanceof PromQLParser.DurUnaryContext u) {
            DurationExpr inner = durationTree(u.durationExpr());
            return u.op.getType() == PromQLLexer.SUB ? negate(inner) : inner;
        }
        PromQLParser.DurBinaryContext b = (PromQLParser.DurBinaryContext) ctx;
        char op = b.op.getText().charAt(0);
        DurationExpr rhs = durationTree(b.durationExpr(1));
        DurationExpr lhs = durationTree(b.durationExpr(0));
        if ((op == '/' || op == '%') && rhs.isConstant() && rhs.seconds(0, 0) == 0) {
            throw error(b.op, op == '/' ? "division by zero" : "modulo by zero");
        }
        return new DurationExpr.Binary(op, lhs, rhs);
    }

    private DurationExpr durationAtom(PromQLParser.DurationAtomContext ctx) {
        if (ctx instanceof PromQLParser.DurParenContext p) {
            return durationTree(p.durationExpr());
        }
        if (ctx instanceof PromQLParser.DurLiteralContext l) {
            Token t = l.getStart();
            if (t.getType() == PromQLLexer.DURATION) {
                return new DurationExpr.Constant(Durations.parse(t) / 1000.0);
            }
            double v = Numbers.parse(t);
            if (!Double.isFinite(v)) {
                throw error(t, "invalid duration \"" + t.getText() + "\"");
            }
            if (Math.abs(v) * 1e9 > Long.MAX_VALUE) {
                // Prometheus keeps durations as int64 nanoseconds.
                throw error(t, "duration out of range");
            }
            return new DurationExpr.Constant(v);
        }
        PromQLParser.DurCallContext c = (PromQLParser.DurCallContext) ctx;
        String name = c.IDENTIFIER().getText().toLowerCase(java.util.Locale.ROOT);
        List<DurationExpr> args = new ArrayList<>();
        for (PromQLParser.DurationExprContext a : c.durationExpr()) {
            args.add(durationTree(a));
        }
        int want = switch (name) {
            case "step", "range" -> 0;
            case "min_of", "max_of" -> 2;
            default -> throw error(c, "unexpected function \"" + c.IDENTIFIER().getText() + "\" in duration");
        };
        if (args.size() != want) {
            throw error(c, "expected " + want + " argument(s) in call to \"" + name + "\", got " + args.size());
        }
        return new DurationExpr.Call(name, args);
    }

    /** Prometheus refuses a constant range or subquery range of zero or less. */
    private static void positive(DurationExpr d, PromQLParser.DurationExprContext at) {
        if (d.isConstant() && d.millis(0, 0) <= 0) {
            throw error(at, "duration must be greater than 0");
        }
    }

    /** Go's {@code %f}: six decimals, {@code +Inf}, {@code -Inf}, {@code NaN}. */
    private static String goFloatF(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return new java.math.BigDecimal(v).setScale(6, java.math.RoundingMode.HALF_EVEN).toPlainString();
    }

    private static DurationExpr negate(DurationExpr d) {
        if (d instanceof DurationExpr.Constant c) {
            return new DurationExpr.Constant(-c.secs());
        }
        return new DurationExpr.Binary('-', null, d);
    }

    private static String unquote(Token t) {
        try {
            return Strings.unquote(t.getText());
        } catch (IllegalArgumentException e) {
            throw error(t, e.getMessage());
        }
    }

    private static int pos(ParserRuleContext ctx) {
        return ctx.getStart().getStartIndex();
    }

    static ParseException error(Token at, String detail) {
        return new ParseException(at.getLine(), at.getCharPositionInLine() + 1, detail);
    }

    static ParseException error(ParserRuleContext ctx, String detail) {
        return error(ctx.getStart(), detail);
    }

    @Override
    protected Expr defaultResult() {
        return null;
    }
}
