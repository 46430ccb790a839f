package dev.sextant.promql.parser;

/**
 * Finds the first error Prometheus's own lexer would report for a query, with its wording and
 * position: unclosed or unbalanced parentheses and brackets, characters that cannot start a token
 * (inside braces the allowed set is much smaller), unterminated strings, numbers run into letters.
 * ANTLR's lexer is more permissive (it tokenizes {@code {1}} as a number inside braces), so these
 * messages cannot come from ANTLR's errors; {@link QueryParser} reports this error instead of a
 * syntax error when it comes at or before the token the parser stopped at, the order in which
 * Prometheus's parser would meet them.
 *
 * <p>Thread-safety: stateless.
 */
final class LexerCheck {
    /** A lexer error: where Prometheus reports it, and the input offset that decides its order. */
    record Error(int reportAt, int orderAt, String detail) {}

    private LexerCheck() {}

    /** The first lexer error in {@code q}, or null. */
    static Error scan(String q) {
        int n = q.length();
        int i = 0;
        int parens = 0;
        boolean braces = false;
        boolean bracket = false;
        boolean afterNumberInBracket = false;
        while (true) {
            if (i >= n) {
                if (braces) {
                    return new Error(n, n, "unexpected end of input inside braces");
                }
                if (bracket) {
                    return new Error(n, n, "unexpected end of input in duration expression");
                }
                if (parens > 0) {
                    return new Error(n, n, "unclosed left parenthesis");
                }
                return null;
            }
            char c = q.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                i++;
                continue;
            }
            if (braces) {
                if (isAlpha(c)) {
                    i++;
                    while (i < n && isAlphaNumeric(q.charAt(i))) {
                        i++;
                    }
                } else if (c == ',') {
                    i++;
                } else if (c == '"' || c == '\'' || c == '`') {
                    int end = stringEnd(q, i);
                    if (end < 0) {
                        return unterminated(q, i);
                    }
                    i = end;
                } else if (c == '=') {
                    i += i + 1 < n && q.charAt(i + 1) == '~' ? 2 : 1;
                } else if (c == '!') {
                    if (i + 1 < n && (q.charAt(i + 1) == '~' || q.charAt(i + 1) == '=')) {
                        i += 2;
                    } else {
                        return new Error(i, i, "unexpected character after '!' inside braces: " + quoteRune(q, i + 1));
                    }
                } else if (c == '{') {
                    return new Error(i, i, "unexpected left brace '{'");
                } else if (c == '}') {
                    braces = false;
                    i++;
                } else {
                    return new Error(i, i, "unexpected character inside braces: " + quoteRune(q, i));
                }
                continue;
            }
            if (bracket && afterNumberInBracket && isAlpha(c)) {
                return new Error(i, i, "unexpected character: " + quoteRune(q, i) + ", expected ':'");
            }
            afterNumberInBracket = false;
            if (c == '#') {
                while (i < n && q.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '=') {
                if (i + 1 < n && q.charAt(i + 1) == '~') {
                    return new Error(i, i, "unexpected character after '=': '~'");
                }
                i += i + 1 < n && q.charAt(i + 1) == '=' ? 2 : 1;
            } else if (c == '!') {
                if (i + 1 < n && q.charAt(i + 1) == '=') {
                    i += 2;
                } else {
                    return new Error(i, i, "unexpected character after '!': " + quoteRune(q, i + 1));
                }
            } else if (isDigit(c) || (c == '.' && i + 1 < n && isDigit(q.charAt(i + 1)))) {
                int end = numberEnd(q, i);
                if (end < n && (isAlphaNumeric(q.charAt(end)) || q.charAt(end) == '.')) {
                    return new Error(i, i, "bad number or duration syntax: \"" + q.substring(i, end + 1) + "\"");
                }
                i = end;
                afterNumberInBracket = bracket;
            } else if (c == '"' || c == '\'' || c == '`') {
                if (bracket) {
                    return new Error(i, i, "unexpected character in duration expression: " + quoteRune(q, i));
                }
                int end = stringEnd(q, i);
                if (end < 0) {
                    return unterminated(q, i);
                }
                i = end;
            } else if (isAlpha(c) || c == ':') {
                if (bracket && c == ':') {
                    i++;
                } else {
                    i++;
                    while (i < n && (isAlphaNumeric(q.charAt(i)) || (!bracket && q.charAt(i) == ':'))) {
                        i++;
                    }
                }
            } else if (c == '(') {
                parens++;
                i++;
            } else if (c == ')') {
                parens--;
                if (parens < 0) {
                    return new Error(i + 1, i, "unexpected right parenthesis ')'");
                }
                i++;
            } else if (c == '{') {
                braces = true;
                i++;
            } else if (c == '[') {
                if (bracket) {
                    return new Error(i, i, "unexpected left bracket '['");
                }
                bracket = true;
                i++;
            } else if (c == ']') {
                if (!bracket) {
                    return new Error(i, i, "unexpected right bracket ']'");
                }
                bracket = false;
                i++;
            } else if (c == ',' || c == '<' || c == '>' || c == '@' || c == '+' || c == '-' || c == '*' || c == '/'
                    || c == '%' || c == '^') {
                i++;
            } else {
                return new Error(i, i, "unexpected character: " + quoteRune(q, i));
            }
        }
    }

    private static Error unterminated(String q, int at) {
        if (q.charAt(at) != '`' && q.charAt(q.length() - 1) == '\\' && escapeAtEnd(q, at)) {
            return new Error(at, at, "escape sequence not terminated");
        }
        return new Error(at, at, q.charAt(at) == '`' ? "unterminated raw string" : "unterminated quoted string");
    }

    /** True if the string opened at {@code at} runs to the end of input with a lone trailing backslash. */
    private static boolean escapeAtEnd(String q, int at) {
        for (int j = at + 1; j < q.length(); j++) {
            char c = q.charAt(j);
            if (c == '\n') {
                return false;
            }
            if (c == '\\') {
                if (j + 1 >= q.length()) {
                    return true;
                }
                j++;
            }
        }
        return false;
    }

    /** Index after the closing quote of the string starting at {@code i}, or -1 if it never closes. */
    private static int stringEnd(String q, int i) {
        char quote = q.charAt(i);
        int n = q.length();
        for (int j = i + 1; j < n; j++) {
            char c = q.charAt(j);
            if (quote == '`') {
                if (c == '`') {
                    return j + 1;
                }
                continue;
            }
            if (c == '\\') {
                j++;
            } else if (c == '\n') {
                return -1;
            } else if (c == quote) {
                return j + 1;
            }
        }
        return -1;
    }

    /**
     * End of the longest number or duration at {@code i}: hex, decimal with fraction and exponent
     * ({@code _} between digits), or a duration such as {@code 1h30m}; the longer of the last two.
     */
    private static int numberEnd(String q, int i) {
        int n = q.length();
        if (q.charAt(i) == '0' && i + 2 < n && (q.charAt(i + 1) == 'x' || q.charAt(i + 1) == 'X')
                && isHex(q.charAt(i + 2))) {
            int j = i + 2;
            while (j < n && (isHex(q.charAt(j)) || q.charAt(j) == '_')) {
                j++;
            }
            return j;
        }
        int j = i;
        while (j < n && (isDigit(q.charAt(j)) || q.charAt(j) == '_')) {
            j++;
        }
        if (j < n && q.charAt(j) == '.') {
            j++;
            while (j < n && (isDigit(q.charAt(j)) || q.charAt(j) == '_')) {
                j++;
            }
        }
        if (j < n && (q.charAt(j) == 'e' || q.charAt(j) == 'E')) {
            int k = j + 1;
            if (k < n && (q.charAt(k) == '+' || q.charAt(k) == '-')) {
                k++;
            }
            if (k < n && isDigit(q.charAt(k))) {
                while (k < n && (isDigit(q.charAt(k)) || q.charAt(k) == '_')) {
                    k++;
                }
                j = k;
            }
        }
        int d = durationEnd(q, i);
        return Math.max(j, d);
    }

    private static int durationEnd(String q, int i) {
        int n = q.length();
        int j = i;
        int end = i;
        while (j < n && isDigit(q.charAt(j))) {
            int k = j;
            while (k < n && isDigit(q.charAt(k))) {
                k++;
            }
            if (k >= n) {
                break;
            }
            char u = q.charAt(k);
            if (u == 'm' && k + 1 < n && q.charAt(k + 1) == 's') {
                k += 2;
            } else if (u == 's' || u == 'm' || u == 'h' || u == 'd' || u == 'w' || u == 'y') {
                k++;
            } else {
                break;
            }
            end = k;
            j = k;
        }
        return end;
    }

    /** Go's {@code %q} of the rune at {@code i} ({@code '\uFFFD'}-free, printable input assumed). */
    static String quoteRune(String q, int i) {
        if (i >= q.length()) {
            return "'\\x00'";
        }
        int cp = q.codePointAt(i);
        if (cp == '\'') {
            return "'\\''";
        }
        if (cp == '\\') {
            return "'\\\\'";
        }
        if (cp == '\n') {
            return "'\\n'";
        }
        if (cp == '\t') {
            return "'\\t'";
        }
        if (cp < 0x20 || cp == 0x7f) {
            return String.format("'\\x%02x'", cp);
        }
        return "'" + new String(Character.toChars(cp)) + "'";
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHex(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isAlphaNumeric(char c) {
        return isAlpha(c) || isDigit(c);
    }
}
