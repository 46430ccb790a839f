package dev.sextant.promql.parser;

import dev.sextant.promql.ast.Expr;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.misc.ParseCancellationException;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
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
        if (query.isBlank()) {
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
            parser.addErrorListener(ThrowingListener.INSTANCE);
            tree = parser.expression();
        }
        return new AstBuilder().visit(tree.expr());
    }

    private static PromQLParser newParser(String query) {
        PromQLLexer lexer = new PromQLLexer(CharStreams.fromString(query));
        lexer.removeErrorListeners();
        lexer.addErrorListener(ThrowingListener.INSTANCE);
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

    /** Converts the first syntax error into a {@link ParseException} in Prometheus's wording. */
    private static final class ThrowingListener extends BaseErrorListener {
        static final ThrowingListener INSTANCE = new ThrowingListener();

        @Override
        public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line,
                int charPositionInLine, String msg, RecognitionException e) {
            String detail;
            if (offendingSymbol instanceof Token t) {
                if (t.getType() == Token.EOF) {
                    detail = "unexpected <EOF>";
                } else if (t.getType() == PromQLLexer.ERROR_CHAR) {
                    detail = "unexpected character: '" + t.getText() + "'";
                } else {
                    detail = "unexpected " + describe(t);
                }
            } else {
                detail = msg;
            }
            throw new ParseException(line, charPositionInLine + 1, detail);
        }

        private static String describe(Token t) {
            return switch (t.getType()) {
                case PromQLLexer.NUMBER -> "number \"" + t.getText() + "\"";
                case PromQLLexer.STRING -> "string " + t.getText();
                case PromQLLexer.IDENTIFIER, PromQLLexer.METRIC_IDENTIFIER -> "identifier \"" + t.getText() + "\"";
                case PromQLLexer.LEFT_BRACE -> "\"{\"";
                case PromQLLexer.RIGHT_BRACE -> "\"}\"";
                case PromQLLexer.COMMA -> "\",\"";
                default -> "\"" + t.getText() + "\"";
            };
        }
    }
}
