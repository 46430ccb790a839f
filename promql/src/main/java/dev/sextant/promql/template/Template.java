package dev.sextant.promql.template;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A parsed Go {@code text/template} in the subset that Prometheus rule files use: text, actions with
 * pipelines, variables ({@code $x := ...}, {@code $x = ...}), fields ({@code .Labels.job},
 * {@code $labels.job}), string/number/bool literals, parenthesised pipelines, {@code if}/{@code else if}/
 * {@code else}, {@code range} (with {@code $i, $x :=} and {@code else}), {@code with}, comments and
 * {@code {{-}}/{@code -}}} trimming. Unknown functions, undefined variables and unsupported actions
 * ({@code define}, {@code template}, {@code block}, {@code break}, {@code continue}) fail at parse time,
 * as Prometheus rejects a rule file whose templates do not parse.
 *
 * <p>The variables {@code $labels}, {@code $value}, {@code $externalLabels} and {@code $externalURL}
 * are predefined, as Prometheus's template prefix defines them.
 *
 * <p>Thread-safety: immutable once parsed; {@link #execute} may run concurrently.
 */
public final class Template {
    static final List<String> PREDEFINED = List.of("$labels", "$value", "$externalLabels", "$externalURL");

    sealed interface Node permits Text, Action, If, Range, With {}

    record Text(String text) implements Node {}

    record Action(int line, Pipe pipe) implements Node {}

    record If(int line, Pipe pipe, List<Node> then, List<Node> otherwise) implements Node {}

    record Range(int line, Pipe pipe, List<Node> body, List<Node> otherwise) implements Node {}

    record With(int line, Pipe pipe, List<Node> body, List<Node> otherwise) implements Node {}

    record Pipe(List<String> decls, boolean assign, List<Cmd> cmds) {}

    record Cmd(List<Arg> args) {}

    sealed interface Arg permits Ident, Var, Field, Literal, Sub {}

    record Ident(String name) implements Arg {}

    record Var(String name, List<String> fields) implements Arg {}

    /** {@code .A.B}; an empty field list is the dot itself. */
    record Field(List<String> fields) implements Arg {}

    record Literal(Object value) implements Arg {}

    record Sub(Pipe pipe, List<String> fields) implements Arg {}

    private final String name;
    private final List<Node> root;

    private Template(String name, List<Node> root) {
        this.name = name;
        this.root = root;
    }

    public String name() {
        return name;
    }

    List<Node> root() {
        return root;
    }

    /** Parses {@code text}; {@code name} appears in error messages. */
    public static Template parse(String name, String text) throws TemplateException {
        Parser p = new Parser(name, text);
        List<Node> nodes = p.parseList(Set.of());
        if (p.terminator != null) {
            throw p.error("unexpected {{" + p.terminator + "}}");
        }
        return new Template(name, nodes);
    }

    /** Renders the template with {@code data}. */
    public String execute(TemplateData data) throws TemplateException {
        try {
            return new TemplateExecutor(name, data).run(root);
        } catch (RuntimeException e) {
            throw new TemplateException("template: " + name + ": " + e);
        }
    }

    /** Recursive-descent parser over the raw text; actions are tokenized one at a time. */
    private static final class Parser {
        private final String name;
        private final String text;
        private int pos;
        private int line = 1;
        private boolean trimNextText;
        /** The keyword ({@code end}, {@code else}, ...) that ended the last {@link #parseList}. */
        String terminator;
        List<Token> terminatorRest;
        private final List<Set<String>> scopes = new ArrayList<>();

        Parser(String name, String text) {
            this.name = name;
            this.text = text;
            scopes.add(new HashSet<>(PREDEFINED));
            scopes.get(0).add("$");
        }

        TemplateException error(String msg) {
            return new TemplateException("template: " + name + ":" + line + ": " + msg);
        }

        /** Parses nodes until one of {@code ends} (or EOF, leaving {@code terminator} null). */
        List<Node> parseList(Set<String> ends) throws TemplateException {
            List<Node> nodes = new ArrayList<>();
            terminator = null;
            while (pos < text.length()) {
                int open = text.indexOf("{{", pos);
                String chunk = open < 0 ? text.substring(pos) : text.substring(pos, open);
                boolean trimLeft = open >= 0 && text.startsWith("{{- ", open)
                        || open >= 0 && text.startsWith("{{-\t", open) || open >= 0 && text.startsWith("{{-\n", open);
                if (trimNextText) {
                    chunk = chunk.stripLeading();
                }
                if (trimLeft) {
                    chunk = chunk.stripTrailing();
                }
                trimNextText = false;
                if (!chunk.isEmpty()) {
                    nodes.add(new Text(chunk));
                }
                if (open < 0) {
                    line += count(text, pos, text.length());
                    pos = text.length();
                    break;
                }
                line += count(text, pos, open);
                int start = open + (trimLeft ? 3 : 2);
                List<Token> toks = new ArrayList<>();
                int end = lexAction(start, toks);
                pos = end;
                if (toks.isEmpty()) {
                    continue; // comment
                }
                Token first = toks.get(0);
                if (first.kind == Kind.IDENT && isKeyword(first.text)) {
                    String kw = first.text;
                    List<Token> rest = toks.subList(1, toks.size());
                    switch (kw) {
                        case "if", "range", "with" -> nodes.add(parseControl(kw, rest));
                        case "end", "else" -> {
                            if (!ends.contains(kw)) {
                                throw error("unexpected {{" + kw + "}}");
                            }
                            terminator = kw;
                            terminatorRest = new ArrayList<>(rest);
                            return nodes;
                        }
                        default -> throw error("unsupported action {{" + kw + "}}");
                    }
                    continue;
                }
                TokenStream ts = new TokenStream(toks);
                Pipe pipe = parsePipe(ts, true);
                if (!ts.atEnd()) {
                    throw error("unexpected " + ts.peek().text + " in command");
                }
                nodes.add(new Action(line, pipe));
            }
            if (!ends.isEmpty()) {
                throw error("unexpected EOF");
            }
            terminator = null;
            return nodes;
        }

        private static boolean isKeyword(String s) {
            return switch (s) {
                case "if", "else", "end", "range", "with", "define", "template", "block", "break", "continue" -> true;
                default -> false;
            };
        }

        private Node parseControl(String kw, List<Token> rest) throws TemplateException {
            scopes.add(new HashSet<>());
            try {
                return parseControlInScope(kw, rest);
            } finally {
                scopes.remove(scopes.size() - 1);
            }
        }

        private Node parseControlInScope(String kw, List<Token> rest) throws TemplateException {
            int startLine = line;
            TokenStream ts = new TokenStream(rest);
            Pipe pipe = parsePipe(ts, true);
            if (!ts.atEnd()) {
                throw error("unexpected " + ts.peek().text + " in " + kw);
            }
            if (pipe.cmds.isEmpty()) {
                throw error("missing value for " + kw);
            }
            List<Node> body = parseList(Set.of("end", "else"));
            List<Node> otherwise = List.of();
            if (terminator.equals("else")) {
                List<Token> elseRest = terminatorRest;
                if (!elseRest.isEmpty()) {
                    Token t = elseRest.get(0);
                    if (t.kind == Kind.IDENT && (t.text.equals("if") || t.text.equals("with")) && !kw.equals("range")) {
                        // {{else if ...}} is {{else}}{{if ...}}...{{end}} sharing this end.
                        Node nested = parseControl(t.text, elseRest.subList(1, elseRest.size()));
                        otherwise = List.of(nested);
                        return build(kw, startLine, pipe, body, otherwise);
                    }
                    throw error("unexpected " + t.text + " after else");
                }
                otherwise = parseList(Set.of("end"));
            }
            if (!terminatorRest.isEmpty()) {
                throw error("unexpected " + terminatorRest.get(0).text + " in end");
            }
            return build(kw, startLine, pipe, body, otherwise);
        }

        private static Node build(String kw, int line, Pipe pipe, List<Node> body, List<Node> otherwise) {
            return switch (kw) {
                case "if" -> new If(line, pipe, body, otherwise);
                case "range" -> new Range(line, pipe, body, otherwise);
                default -> new With(line, pipe, body, otherwise);
            };
        }

        private Pipe parsePipe(TokenStream ts, boolean allowDecl) throws TemplateException {
            List<String> decls = new ArrayList<>();
            boolean assign = false;
            if (allowDecl) {
                int mark = ts.i;
                List<String> names = new ArrayList<>();
                while (ts.peekKind(Kind.VAR) && ts.peek().text.indexOf('.') < 0) {
                    names.add(ts.next().text);
                    if (ts.peekKind(Kind.COMMA)) {
                        ts.next();
                        continue;
                    }
                    break;
                }
                if (!names.isEmpty() && (ts.peekKind(Kind.DECLARE) || ts.peekKind(Kind.ASSIGN))) {
                    assign = ts.next().kind == Kind.ASSIGN;
                    decls = names;
                    for (String n : names) {
                        if (assign) {
                            checkVar(n);
                        } else {
                            scopes.get(scopes.size() - 1).add(n);
                        }
                    }
                } else {
                    ts.i = mark;
                }
            }
            List<Cmd> cmds = new ArrayList<>();
            while (!ts.atEnd() && !ts.peekKind(Kind.RPAREN)) {
                List<Arg> args = new ArrayList<>();
                while (!ts.atEnd() && !ts.peekKind(Kind.PIPE) && !ts.peekKind(Kind.RPAREN)) {
                    if (!args.isEmpty() && ts.peek().adjacent) {
                        // Go requires spaces between operands: "$1"$labels.x is an error.
                        throw error("unexpected \"" + ts.peek().text + "\" in operand");
                    }
                    args.add(parseArg(ts));
                }
                if (args.isEmpty()) {
                    throw error("missing command");
                }
                cmds.add(new Cmd(args));
                if (ts.peekKind(Kind.PIPE)) {
                    ts.next();
                    if (ts.atEnd() || ts.peekKind(Kind.RPAREN)) {
                        throw error("missing command after |");
                    }
                }
            }
            return new Pipe(decls, assign, cmds);
        }

        private Arg parseArg(TokenStream ts) throws TemplateException {
            Token t = ts.next();
            switch (t.kind) {
                case IDENT -> {
                    switch (t.text) {
                        case "true" -> {
                            return new Literal(Boolean.TRUE);
                        }
                        case "false" -> {
                            return new Literal(Boolean.FALSE);
                        }
                        case "nil" -> {
                            return new Literal(null);
                        }
                        default -> {
                            if (!TemplateFunctions.exists(t.text)) {
                                throw error("function \"" + t.text + "\" not defined");
                            }
                            return new Ident(t.text);
                        }
                    }
                }
                case VAR -> {
                    String[] parts = t.text.split("\\.", -1);
                    checkVar(parts[0]);
                    return new Var(parts[0], List.of(parts).subList(1, parts.length));
                }
                case FIELD -> {
                    return new Field(t.text.equals(".") ? List.of() : List.of(t.text.substring(1).split("\\.")));
                }
                case STRING, NUMBER -> {
                    return new Literal(t.value);
                }
                case LPAREN -> {
                    Pipe p = parsePipe(ts, false);
                    if (!ts.peekKind(Kind.RPAREN)) {
                        throw error("unclosed left paren");
                    }
                    ts.next();
                    List<String> fields = List.of();
                    if (ts.peekKind(Kind.FIELD) && ts.peek().adjacent) {
                        fields = List.of(ts.next().text.substring(1).split("\\."));
                    }
                    return new Sub(p, fields);
                }
                default -> throw error("unexpected \"" + t.text + "\" in operand");
            }
        }

        private void checkVar(String n) throws TemplateException {
            for (Set<String> s : scopes) {
                if (s.contains(n)) {
                    return;
                }
            }
            throw error("undefined variable \"" + n + "\"");
        }

        /** Lexes one action starting after {@code {{}; returns the index after its {@code }}}. */
        private int lexAction(int i, List<Token> out) throws TemplateException {
            int n = text.length();
            while (i < n && isSpace(text.charAt(i))) {
                i++;
            }
            if (text.startsWith("/*", i)) {
                int close = text.indexOf("*/", i + 2);
                if (close < 0) {
                    throw error("unclosed comment");
                }
                line += count(text, i, close);
                int j = close + 2;
                while (j < n && isSpace(text.charAt(j))) {
                    j++;
                }
                if (text.startsWith("-}}", j)) {
                    trimNextText = true;
                    return j + 3;
                }
                if (!text.startsWith("}}", j)) {
                    throw error("comment ends before closing delimiter");
                }
                return j + 2;
            }
            while (true) {
                boolean spaceBefore = false;
                while (i < n && isSpace(text.charAt(i))) {
                    if (text.charAt(i) == '\n') {
                        line++;
                    }
                    i++;
                    spaceBefore = true;
                }
                if (i >= n) {
                    throw error("unclosed action");
                }
                if (text.startsWith("}}", i)) {
                    return i + 2;
                }
                if (spaceBefore && text.startsWith("-}}", i)) {
                    trimNextText = true;
                    return i + 3;
                }
                char c = text.charAt(i);
                int st = i;
                if (c == '"') {
                    i++;
                    StringBuilder b = new StringBuilder();
                    while (i < n && text.charAt(i) != '"') {
                        char d = text.charAt(i);
                        if (d == '\n') {
                            throw error("unterminated quoted string");
                        }
                        if (d == '\\' && i + 1 < n) {
                            i++;
                            char e = text.charAt(i);
                            switch (e) {
                                case 'n' -> b.append('\n');
                                case 't' -> b.append('\t');
                                case 'r' -> b.append('\r');
                                case '\\' -> b.append('\\');
                                case '"' -> b.append('"');
                                case '\'' -> b.append('\'');
                                case 'x' -> {
                                    b.append((char) hex(i + 1, 2));
                                    i += 2;
                                }
                                case 'u' -> {
                                    b.append((char) hex(i + 1, 4));
                                    i += 4;
                                }
                                default -> throw error("invalid syntax: bad escape \\" + e);
                            }
                        } else {
                            b.append(d);
                        }
                        i++;
                    }
                    if (i >= n) {
                        throw error("unterminated quoted string");
                    }
                    i++;
                    out.add(new Token(Kind.STRING, text.substring(st, i), b.toString(), !spaceBefore));
                } else if (c == '`') {
                    int close = text.indexOf('`', i + 1);
                    if (close < 0) {
                        throw error("unterminated raw quoted string");
                    }
                    line += count(text, i, close);
                    out.add(new Token(Kind.STRING, text.substring(i, close + 1), text.substring(i + 1, close), !spaceBefore));
                    i = close + 1;
                } else if (c == '(' || c == ')' || c == '|' || c == ',') {
                    Kind k = c == '(' ? Kind.LPAREN : c == ')' ? Kind.RPAREN : c == '|' ? Kind.PIPE : Kind.COMMA;
                    out.add(new Token(k, String.valueOf(c), null, !spaceBefore));
                    i++;
                } else if (text.startsWith(":=", i)) {
                    out.add(new Token(Kind.DECLARE, ":=", null, !spaceBefore));
                    i += 2;
                } else if (c == '=') {
                    out.add(new Token(Kind.ASSIGN, "=", null, !spaceBefore));
                    i++;
                } else if (c == '$' || c == '.' || Character.isLetter(c) || c == '_') {
                    i++;
                    while (i < n && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_'
                            || text.charAt(i) == '.')) {
                        i++;
                    }
                    String word = text.substring(st, i);
                    Kind k = c == '$' ? Kind.VAR : c == '.' ? Kind.FIELD : Kind.IDENT;
                    if (k == Kind.IDENT && word.contains(".")) {
                        throw error("unexpected \"" + word + "\" in operand");
                    }
                    if (word.length() > 1 && (word.endsWith(".") || word.contains(".."))) {
                        throw error("unexpected <.> in operand");
                    }
                    out.add(new Token(k, word, null, !spaceBefore));
                } else if (Character.isDigit(c) || c == '-' || c == '+') {
                    i++;
                    while (i < n && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '.'
                            || (text.charAt(i) == '-' || text.charAt(i) == '+')
                            && (text.charAt(i - 1) == 'e' || text.charAt(i - 1) == 'E'))) {
                        i++;
                    }
                    String num = text.substring(st, i);
                    out.add(new Token(Kind.NUMBER, num, parseNumber(num), !spaceBefore));
                } else {
                    throw error("unexpected \"" + c + "\" in command");
                }
            }
        }

        private int hex(int from, int digits) throws TemplateException {
            if (from + digits > text.length() || !text.substring(from, from + digits).matches("[0-9a-fA-F]+")) {
                throw error("invalid syntax: bad escape in quoted string");
            }
            return Integer.parseInt(text.substring(from, from + digits), 16);
        }

        private Object parseNumber(String s) throws TemplateException {
            try {
                if (s.matches("[-+]?[0-9]+")) {
                    return Long.parseLong(s);
                }
                if (s.matches("[-+]?0[xX][0-9a-fA-F]+")) {
                    boolean neg = s.startsWith("-");
                    long v = Long.parseLong(s.replaceFirst("^[-+]?0[xX]", ""), 16);
                    return neg ? -v : v;
                }
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw error("bad number syntax: \"" + s + "\"");
            }
        }

        private static boolean isSpace(char c) {
            return c == ' ' || c == '\t' || c == '\n' || c == '\r';
        }

        private static int count(String s, int from, int to) {
            int c = 0;
            for (int i = from; i < to; i++) {
                if (s.charAt(i) == '\n') {
                    c++;
                }
            }
            return c;
        }
    }

    enum Kind { IDENT, VAR, FIELD, STRING, NUMBER, LPAREN, RPAREN, PIPE, COMMA, DECLARE, ASSIGN }

    /** {@code adjacent}: no space before the token (a field chained onto a parenthesised pipeline). */
    record Token(Kind kind, String text, Object value, boolean adjacent) {}

    private static final class TokenStream {
        final List<Token> toks;
        int i;

        TokenStream(List<Token> toks) {
            this.toks = toks;
        }

        boolean atEnd() {
            return i >= toks.size();
        }

        Token peek() {
            return toks.get(i);
        }

        boolean peekKind(Kind k) {
            return i < toks.size() && toks.get(i).kind == k;
        }

        Token next() {
            return toks.get(i++);
        }
    }
}
