package dev.sextant.promql.parser;

/** Unquoting of PromQL string literals: Go escapes for '…' and "…", none for backtick strings. */
final class Strings {
    private Strings() {}

    /**
     * Removes the quotes of {@code token} and resolves escapes.
     *
     * @throws IllegalArgumentException with a Prometheus-like message on an invalid escape
     */
    static String unquote(String token) {
        char q = token.charAt(0);
        String body = token.substring(1, token.length() - 1);
        if (q == '`') {
            return body;
        }
        if (body.indexOf('\\') < 0) {
            return body;
        }
        StringBuilder sb = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (++i >= body.length()) {
                throw new IllegalArgumentException("escape sequence not terminated");
            }
            char e = body.charAt(i);
            switch (e) {
                case 'a' -> sb.append('\u0007');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'v' -> sb.append('\u000b');
                case '\\' -> sb.append('\\');
                case '\'', '"' -> {
                    if (e != q) {
                        throw new IllegalArgumentException("unknown escape sequence U+" + hex4(e) + " '" + e + "'");
                    }
                    sb.append(e);
                }
                case 'x' -> {
                    sb.append((char) parseHex(body, i + 1, 2));
                    i += 2;
                }
                case 'u' -> {
                    sb.appendCodePoint(parseHex(body, i + 1, 4));
                    i += 4;
                }
                case 'U' -> {
                    sb.appendCodePoint(parseHex(body, i + 1, 8));
                    i += 8;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        if (i + 3 > body.length()) {
                            throw new IllegalArgumentException("escape sequence not terminated");
                        }
                        int v = Integer.parseInt(body.substring(i, i + 3), 8);
                        if (v > 255) {
                            throw new IllegalArgumentException("octal escape value > 255: " + v);
                        }
                        sb.append((char) v);
                        i += 2;
                    } else {
                        throw new IllegalArgumentException("unknown escape sequence U+" + hex4(e) + " '" + e + "'");
                    }
                }
            }
        }
        return sb.toString();
    }

    private static int parseHex(String s, int from, int digits) {
        if (from + digits > s.length()) {
            throw new IllegalArgumentException("escape sequence not terminated");
        }
        try {
            int v = Integer.parseInt(s.substring(from, from + digits), 16);
            if (v > Character.MAX_CODE_POINT || (v >= 0xD800 && v < 0xE000)) {
                throw new IllegalArgumentException("escape sequence is an invalid Unicode code point");
            }
            return v;
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("illegal character in escape sequence");
        }
    }

    private static String hex4(char c) {
        return String.format("%04X", (int) c);
    }
}
