package dev.sextant.tsdb.model;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.Objects;

/**
 * A label matcher: {@code =}, {@code !=}, {@code =~}, {@code !~}. Regular expressions use RE2
 * syntax, are fully anchored and let {@code .} match newlines, as in Prometheus 3.x. The pattern is
 * compiled once; literal patterns and plain alternations of literals skip the regex engine.
 *
 * <p>Thread-safety: immutable, shareable.
 */
public final class Matcher {
    public enum Type {
        EQUAL("="),
        NOT_EQUAL("!="),
        REGEX("=~"),
        NOT_REGEX("!~");

        private final String symbol;

        Type(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    private final Type type;
    private final String name;
    private final String value;
    private final Pattern pattern;
    /** Non-null when the regex is a plain alternation of literals, e.g. {@code a|b|c}. */
    private final String[] literalSet;

    private Matcher(Type type, String name, String value) {
        this.type = Objects.requireNonNull(type);
        this.name = Objects.requireNonNull(name);
        this.value = Objects.requireNonNull(value);
        if (type == Type.REGEX || type == Type.NOT_REGEX) {
            this.literalSet = literalAlternation(value);
            this.pattern = literalSet != null ? null : compile(value);
        } else {
            this.pattern = null;
            this.literalSet = null;
        }
    }

    /** Creates a matcher. @throws IllegalArgumentException when a regex does not compile. */
    public static Matcher of(Type type, String name, String value) {
        return new Matcher(type, name, value);
    }

    public static Matcher equal(String name, String value) {
        return new Matcher(Type.EQUAL, name, value);
    }

    public static Matcher notEqual(String name, String value) {
        return new Matcher(Type.NOT_EQUAL, name, value);
    }

    public static Matcher regex(String name, String value) {
        return new Matcher(Type.REGEX, name, value);
    }

    public static Matcher notRegex(String name, String value) {
        return new Matcher(Type.NOT_REGEX, name, value);
    }

    public Type type() {
        return type;
    }

    public String name() {
        return name;
    }

    public String value() {
        return value;
    }

    /** Whether the label value {@code v} (empty string for an absent label) satisfies this matcher. */
    public boolean matches(String v) {
        switch (type) {
            case EQUAL:
                return value.equals(v);
            case NOT_EQUAL:
                return !value.equals(v);
            case REGEX:
                return regexMatches(v);
            default:
                return !regexMatches(v);
        }
    }

    /** Whether this matcher accepts series that lack the label. */
    public boolean matchesEmpty() {
        return matches("");
    }

    private boolean regexMatches(String v) {
        if (literalSet != null) {
            for (String lit : literalSet) {
                if (lit.equals(v)) {
                    return true;
                }
            }
            return false;
        }
        return pattern.matches(v);
    }

    private static Pattern compile(String re) {
        try {
            return Pattern.compile("(?s:" + re + ")");
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(
                    "invalid regular expression " + quote(re) + ": " + e.getDescription(), e);
        }
    }

    /** Detects {@code lit}, {@code lit1|lit2|...} with no regex metacharacters. */
    private static String[] literalAlternation(String re) {
        for (int i = 0; i < re.length(); i++) {
            char c = re.charAt(i);
            if ("\\.+*?()[]{}^$".indexOf(c) >= 0) {
                return null;
            }
        }
        return re.split("\\|", -1);
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Matcher m && m.type == type && m.name.equals(name) && m.value.equals(value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, name, value);
    }

    /** Renders like PromQL: {@code name="value"}. */
    @Override
    public String toString() {
        return name + type.symbol + quote(value);
    }
}
