package dev.sextant.promql.parser;

/** Unquoting of PromQL string literals: Go escapes for '…' and "…", none for backtick strings. */
public final class Strings {
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
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            boolean byteEscape = c == '\\' && i + 1 < body.length()
                    && (body.charAt(i + 1) == 'x' || (body.charAt(i + 1) >= '0' && body.charAt(i + 1) <= '7'));
            if (!byteEscape && bytes.size() > 0) {
                flushBytes(bytes, sb);
            }
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
                    bytes.write(parseHex(body, i + 1, 2));
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
                        bytes.write(v);
                        i += 2;
                    } else {
                        throw new IllegalArgumentException("unknown escape sequence U+" + hex4(e) + " '" + e + "'");
                    }
                }
            }
        }
        if (bytes.size() > 0) {
            flushBytes(bytes, sb);
        }
        return sb.toString();
    }

    /**
     * Byte escapes form UTF-8 text as in Go. Bytes that are not valid UTF-8 are kept as lone low
     * surrogates U+DC80..U+DCFF (like Python's surrogateescape), so they can be detected and
     * rendered back as {@code \\xNN}.
     */
    private static void flushBytes(java.io.ByteArrayOutputStream bytes, StringBuilder sb) {
        byte[] b = bytes.toByteArray();
        bytes.reset();
        java.nio.charset.CharsetDecoder dec = java.nio.charset.StandardCharsets.UTF_8.newDecoder();
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(b);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(b.length * 2);
        while (in.hasRemaining()) {
            java.nio.charset.CoderResult r = dec.decode(in, out, true);
            if (r.isError()) {
                for (int k = 0; k < r.length(); k++) {
                    out.put((char) (0xDC00 | (in.get() & 0xFF)));
                }
            } else {
                break;
            }
        }
        dec.flush(out);
        out.flip();
        sb.append(out);
    }

    /** True if {@code s} holds bytes that were not valid UTF-8 in the query text. */
    public static boolean hasInvalidUtf8(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)))) {
                return true;
            }
        }
        return false;
    }

    /** Go's %q rendering of a string that may hold escaped invalid bytes. */
    public static String goQuote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)))) {
                sb.append(String.format("\\x%02x", c & 0xFF));
            } else if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    private static int parseHex(String s, int from, int digits) {
        for (int k = from; k < from + digits && k < s.length(); k++) {
            char c = s.charAt(k);
            if (Character.digit(c, 16) < 0) {
                // Go's wording: "illegal character U+002E '.' in escape sequence".
                throw new IllegalArgumentException("illegal character U+" + hex4(c) + " '" + c + "' in escape sequence");
            }
        }
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
