package dev.sextant.tsdb.util;

/**
 * File-name patterns as Prometheus matches them (Go's {@code filepath.Match}) for the last segment
 * of {@code rule_files}, {@code scrape_config_files} and {@code file_sd_configs} entries:
 * {@code *} any run of characters, {@code ?} one character, {@code [abc]}, {@code [a-z]},
 * {@code [^a-z]} classes, {@code \} escapes the next character.
 *
 * <p>Written here rather than using the JDK's glob {@code PathMatcher}: that one compiles to a
 * backtracking {@code java.util.regex} pattern, and a pattern of many {@code *} against a file name
 * it does not match takes exponential time (a config file could hang start-up or a reload; found by
 * {@code ConfigFileFuzzTest}). This matcher remembers only the last {@code *}, so a match costs at
 * most pattern length × name length steps. The JDK's glob also differs from Go's ({@code [!a]},
 * <code>{a,b}</code>).
 */
public final class FileGlob {
    private FileGlob() {}

    /** Whether {@code s} holds a pattern character ({@code * ? [ \}), i.e. is not a plain name. */
    public static boolean hasMeta(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0 || s.indexOf('\\') >= 0;
    }

    /**
     * Whether {@code name} matches {@code pattern} as a whole.
     *
     * @throws IllegalArgumentException when the pattern is malformed (Go's {@code ErrBadPattern}),
     *     whatever the name
     */
    public static boolean matches(String pattern, String name) {
        validate(pattern);
        int p = 0;
        int n = 0;
        int starP = -1;
        int starN = 0;
        int plen = pattern.length();
        int nlen = name.length();
        while (n < nlen) {
            if (p < plen) {
                char c = pattern.charAt(p);
                if (c == '*') {
                    starP = ++p;
                    starN = n;
                    continue;
                }
                int next = matchOne(pattern, p, name.charAt(n));
                if (next >= 0) {
                    p = next;
                    n++;
                    continue;
                }
            }
            if (starP < 0) {
                return false;
            }
            // Let the last star take one more character and retry from just after it.
            p = starP;
            n = ++starN;
        }
        while (p < plen && pattern.charAt(p) == '*') {
            p++;
        }
        return p == plen;
    }

    /** Throws {@link IllegalArgumentException} when the pattern is malformed. */
    public static void validate(String pattern) {
        int p = 0;
        int plen = pattern.length();
        while (p < plen) {
            char c = pattern.charAt(p);
            if (c == '*' || c == '?') {
                p++;
            } else if (c == '\\') {
                if (p + 1 >= plen) {
                    throw bad(pattern);
                }
                p += 2;
            } else if (c == '[') {
                p = classEnd(pattern, p);
            } else {
                p++;
            }
        }
    }

    /**
     * Matches one non-star token at {@code p} against {@code ch}: the index after the token, or -1.
     * The pattern is already validated.
     */
    private static int matchOne(String pat, int p, char ch) {
        char c = pat.charAt(p);
        if (c == '?') {
            return p + 1;
        }
        if (c == '\\') {
            return pat.charAt(p + 1) == ch ? p + 2 : -1;
        }
        if (c != '[') {
            return c == ch ? p + 1 : -1;
        }
        int i = p + 1;
        boolean negated = false;
        if (pat.charAt(i) == '^') {
            negated = true;
            i++;
        }
        boolean in = false;
        boolean first = true;
        while (true) {
            char d = pat.charAt(i);
            if (d == ']' && !first) {
                i++;
                break;
            }
            first = false;
            char lo = d;
            if (d == '\\') {
                i++;
                lo = pat.charAt(i);
            }
            i++;
            char hi = lo;
            if (pat.charAt(i) == '-') {
                i++;
                hi = pat.charAt(i);
                if (hi == '\\') {
                    i++;
                    hi = pat.charAt(i);
                }
                i++;
            }
            if (lo <= ch && ch <= hi) {
                in = true;
            }
        }
        return in != negated ? i : -1;
    }

    /** The index after the class starting at {@code p} ({@code '['}), checking it as Go does. */
    private static int classEnd(String pat, int p) {
        int plen = pat.length();
        int i = p + 1;
        if (i < plen && pat.charAt(i) == '^') {
            i++;
        }
        int ranges = 0;
        while (true) {
            if (i >= plen) {
                throw bad(pat);
            }
            if (pat.charAt(i) == ']' && ranges > 0) {
                return i + 1;
            }
            i = escapedChar(pat, i);
            if (i < plen && pat.charAt(i) == '-') {
                i = escapedChar(pat, i + 1);
            }
            ranges++;
        }
    }

    /** Index after one class character at {@code i}; {@code -} and {@code ]} must be escaped there. */
    private static int escapedChar(String pat, int i) {
        int plen = pat.length();
        if (i >= plen) {
            throw bad(pat);
        }
        char c = pat.charAt(i);
        if (c == '-' || c == ']') {
            throw bad(pat);
        }
        if (c == '\\') {
            if (i + 1 >= plen) {
                throw bad(pat);
            }
            return i + 2;
        }
        return i + 1;
    }

    private static IllegalArgumentException bad(String pattern) {
        return new IllegalArgumentException("syntax error in pattern: " + pattern);
    }
}
