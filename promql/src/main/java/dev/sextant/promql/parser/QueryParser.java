package dev.sextant.promql.parser;

import dev.sextant.promql.ast.Expr;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.misc.ParseCancellationException;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;

/**
 * Turns PromQL text into an {@link Expr}. ANTLR's generated types stay inside this package.
 *
 * <p>Thread-safety: stateless; {@link #parse(String)} may be called concurrently.
 */
public final class QueryParser {
    private QueryParser() {}

    /** Parses {@code query}. @throws ParseException with Prometheus-style position and wording */
    public static Expr parse(String query) {
        LexerCheck.Error lexError = LexerCheck.scan(query);
        if (lexError == null && onlyCommentsAndSpace(query)) {
            throw new ParseException(1, 1, "no expression found in input");
        }
        // Fast path: SLL prediction, bailing out on the first error; slow path: full LL with
        // Prometheus-style error reporting (also decides the rare inputs SLL cannot).
        PromQLParser.ExpressionContext tree;
        try {
            PromQLParser parser = newParser(query);
            parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
            parser.setErrorHandler(new BailErrorStrategy());
            tree = parser.expression();
        } catch (ParseCancellationException | ParseException e) {
            PromQLParser parser = newParser(query);
            parser.getInterpreter().setPredictionMode(PredictionMode.LL);
            parser.addErrorListener(new ThrowingListener(query, lexError));
            tree = parser.expression();
        }
        if (lexError != null) {
            // ANTLR accepted what Prometheus's lexer refuses (e.g. a comment inside braces).
            throw at(query, lexError.reportAt(), lexError.detail());
        }
        return new AstBuilder().visit(tree.expr());
    }

    /** A {@link ParseException} at character offset {@code offset}, as line and column like Prometheus. */
    static ParseException at(String query, int offset, String detail) {
        int line = 1;
        int lastBreak = -1;
        for (int i = 0; i < offset && i < query.length(); i++) {
            if (query.charAt(i) == '\n') {
                line++;
                lastBreak = i;
            }
        }
        return new ParseException(line, offset - lastBreak, detail);
    }

    private static boolean onlyCommentsAndSpace(String q) {
        boolean comment = false;
        for (int i = 0; i < q.length(); i++) {
            char c = q.charAt(i);
            if (comment) {
                comment = c != '\n';
            } else if (c == '#') {
                comment = true;
            } else if (!Character.isWhitespace(c)) {
                return false;
            }
        }
        return true;
    }

    private static PromQLParser newParser(String query) {
        PromQLLexer lexer = new PromQLLexer(CharStreams.fromString(query));
        lexer.removeErrorListeners();
        lexer.addErrorListener(new ThrowingListener(query, null));
        PromQLParser parser = new PromQLParser(new CommonTokenStream(lexer));
        parser.removeErrorListeners();
        return parser;
    }

    /**
     * Unquotes a PromQL string literal ({@code "..."}, {@code '...'} or backticks) with Go escapes.
     *
     * @throws IllegalArgumentException on an invalid literal
     */
    public static String unquote(String literal) {
        if (literal.length() < 2 || literal.charAt(0) != literal.charAt(literal.length() - 1)) {
            throw new IllegalArgumentException("invalid quoted string: " + literal);
        }
        return Strings.unquote(literal);
    }

    /**
     * Converts the first syntax error into a {@link ParseException} in Prometheus's wording:
     * {@code unexpected <token>} with the token described as Prometheus's parser describes it
     * ({@code end of input}, {@code identifier "x"}, {@code <op:*>}, {@code <by>}, {@code
     * <aggr:sum>}, {@code "("}), plus the context its grammar's error rules add (label matching,
     * grouping opts, offset, {@code @}, subquery or range selector). A lexer error that Prometheus
     * meets first wins.
     */
    private static final class ThrowingListener extends BaseErrorListener {
        private final String query;
        private final LexerCheck.Error lexError;

        ThrowingListener(String query, LexerCheck.Error lexError) {
            this.query = query;
            this.lexError = lexError;
        }

        @Override
        public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line,
                int charPositionInLine, String msg, RecognitionException e) {
            if (!(offendingSymbol instanceof Token t)) {
                throw new ParseException(line, charPositionInLine + 1, msg);
            }
            int offset = t.getType() == Token.EOF ? query.length() : t.getStartIndex();
            int last = t.getType() == Token.EOF ? offset : t.getStopIndex();
            if (lexError != null && lexError.orderAt() <= last) {
                throw at(query, lexError.reportAt(), lexError.detail());
            }
            if (t.getType() == PromQLLexer.ERROR_CHAR) {
                throw at(query, offset, "unexpected character: " + LexerCheck.quoteRune(query, offset));
            }
            if (t.getType() == PromQLLexer.EQLC && recognizer instanceof Parser p
                    && context(p.getInputStream(), t).startsWith(" in label matching")) {
                // Prometheus lexes "==" inside braces as two "=", and stops at the second.
                throw at(query, offset + 1, "unexpected \"=\" in label matching, expected string");
            }
            if (recognizer instanceof Parser p && t.getTokenIndex() >= 2) {
                // "@ bar" and "offset x": Prometheus stops at the word that is no timestamp or duration.
                Token word = p.getInputStream().get(t.getTokenIndex() - 1);
                int before = p.getInputStream().get(t.getTokenIndex() - 2).getType();
                if (word.getType() == PromQLLexer.IDENTIFIER && (before == PromQLLexer.AT || before == PromQLLexer.OFFSET)) {
                    String w = word.getText().toLowerCase(java.util.Locale.ROOT);
                    boolean known = before == PromQLLexer.AT ? w.equals("start") || w.equals("end")
                            : w.equals("step") || w.equals("range") || w.equals("min_of") || w.equals("max_of");
                    if (!known) {
                        throw at(query, word.getStartIndex(), "unexpected " + describe(word) + (before == PromQLLexer.AT
                                ? " in @, expected timestamp"
                                : " in offset, expected number, duration, step(), or range()"));
                    }
                }
            }
            String context = recognizer instanceof Parser p ? context(p.getInputStream(), t) : "";
            throw at(query, offset, "unexpected " + describe(t) + context);
        }

        /** The error-rule context of Prometheus's grammar at token {@code t}, from the tokens before it. */
        private static String context(org.antlr.v4.runtime.TokenStream tokens, Token t) {
            int braces = 0;
            boolean bracket = false;
            boolean grouping = false;
            Token prev = null;
            for (int i = 0; i < t.getTokenIndex(); i++) {
                Token k = tokens.get(i);
                switch (k.getType()) {
                    case PromQLLexer.LEFT_BRACE -> braces++;
                    case PromQLLexer.RIGHT_BRACE -> braces--;
                    case PromQLLexer.LEFT_BRACKET -> bracket = true;
                    case PromQLLexer.RIGHT_BRACKET -> bracket = false;
                    case PromQLLexer.LEFT_PAREN -> grouping = prev != null && isGroupingKeyword(prev.getType());
                    case PromQLLexer.RIGHT_PAREN -> grouping = false;
                    default -> { }
                }
                prev = k;
            }
            int p = prev == null ? -1 : prev.getType();
            if (braces > 0) {
                if (p == PromQLLexer.EQ || p == PromQLLexer.NE || p == PromQLLexer.RE || p == PromQLLexer.NRE
                        || p == PromQLLexer.EQLC) {
                    return " in label matching, expected string";
                }
                if (p == PromQLLexer.LEFT_BRACE || p == PromQLLexer.COMMA) {
                    return " in label matching, expected identifier or \"}\"";
                }
                if (p == PromQLLexer.STRING) {
                    return " in label matching, expected \",\" or \"}\"";
                }
                return " in label matching, expected label matching operator";
            }
            if (grouping) {
                return p == PromQLLexer.LEFT_PAREN || p == PromQLLexer.COMMA ? " in grouping opts, expected label"
                        : " in grouping opts, expected \",\" or \")\"";
            }
            if (p == PromQLLexer.BY || p == PromQLLexer.WITHOUT || p == PromQLLexer.ON || p == PromQLLexer.IGNORING) {
                return " in grouping opts, expected \"(\"";
            }
            if (p == PromQLLexer.OFFSET) {
                return " in offset, expected number, duration, step(), or range()";
            }
            if (p == PromQLLexer.AT) {
                return " in @, expected timestamp";
            }
            if (bracket) {
                return " in subquery or range selector, expected number, duration, step(), or range()";
            }
            return "";
        }

        private static boolean isGroupingKeyword(int type) {
            return type == PromQLLexer.BY || type == PromQLLexer.WITHOUT || type == PromQLLexer.ON
                    || type == PromQLLexer.IGNORING || type == PromQLLexer.GROUP_LEFT || type == PromQLLexer.GROUP_RIGHT;
        }

        /** A token as Prometheus's {@code Item.desc()} writes it. */
        static String describe(Token t) {
            String text = t.getText();
            return switch (t.getType()) {
                case Token.EOF -> "end of input";
                case PromQLLexer.NUMBER -> "number " + goQuoteShort(text);
                case PromQLLexer.DURATION -> "duration " + goQuoteShort(text);
                case PromQLLexer.STRING -> "string " + goQuoteShort(text);
                case PromQLLexer.IDENTIFIER, PromQLLexer.METRIC_IDENTIFIER -> identifier(text);
                case PromQLLexer.ADD, PromQLLexer.SUB, PromQLLexer.MUL, PromQLLexer.DIV, PromQLLexer.MOD, PromQLLexer.POW,
                        PromQLLexer.EQLC, PromQLLexer.NE, PromQLLexer.GT, PromQLLexer.GTE, PromQLLexer.LT,
                        PromQLLexer.LTE, PromQLLexer.RE, PromQLLexer.NRE, PromQLLexer.AT, PromQLLexer.AND,
                        PromQLLexer.OR, PromQLLexer.UNLESS, PromQLLexer.ATAN2 -> "<op:" + text + ">";
                case PromQLLexer.BOOL, PromQLLexer.ON, PromQLLexer.IGNORING, PromQLLexer.GROUP_LEFT,
                        PromQLLexer.GROUP_RIGHT, PromQLLexer.OFFSET, PromQLLexer.BY, PromQLLexer.WITHOUT -> "<" + text + ">";
                default -> goQuote(text);
            };
        }

        /** Prometheus lexes these words as keywords wherever they appear. */
        private static String identifier(String text) {
            String lower = text.toLowerCase(java.util.Locale.ROOT);
            if (dev.sextant.promql.ast.AggregateOp.of(lower) != null) {
                return "<aggr:" + text + ">";
            }
            return switch (lower) {
                case "start", "end", "step", "range", "anchored", "smoothed" -> "<" + text + ">";
                default -> (text.indexOf(':') >= 0 ? "metric identifier " : "identifier ") + goQuote(text);
            };
        }

        /** Go's {@code %q}, shortened like Prometheus's {@code %.10q...} past 10 characters. */
        private static String goQuoteShort(String s) {
            if (s.codePointCount(0, s.length()) > 10) {
                return goQuote(s.substring(0, s.offsetByCodePoints(0, 10))) + "...";
            }
            return goQuote(s);
        }

        static String goQuote(String s) {
            StringBuilder b = new StringBuilder(s.length() + 2).append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\t' -> b.append("\\t");
                    default -> b.append(c);
                }
            }
            return b.append('"').toString();
        }
    }
}
