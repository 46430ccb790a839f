package dev.sextant.tsdb.model;

import com.google.re2j.Matcher;

/**
 * Go's {@code regexp.Expand} template rules, shared by relabeling ({@code replacement}) and PromQL's
 * {@code label_replace}.
 *
 * <p>Thread-safety: stateless.
 */
public final class RegexTemplate {
    private RegexTemplate() {}

    /**
     * Expands a template with capture groups using Go's {@code regexp.Expand} rules: {@code $name} takes
     * the longest run of letters, digits and underscores ({@code $1x} is the group named "1x", so
     * empty); {@code ${name}} delimits; {@code $$} is a literal {@code $}; unknown groups expand to "".
     */
    public static String expand(Matcher m, String template) {
        if (template.indexOf('$') < 0) {
            return template;
        }
        StringBuilder sb = new StringBuilder(template.length() + 16);
        int i = 0;
        int n = template.length();
        while (i < n) {
            char ch = template.charAt(i);
            if (ch != '$' || i + 1 >= n) {
                sb.append(ch);
                i++;
                continue;
            }
            char next = template.charAt(i + 1);
            if (next == '$') {
                sb.append('$');
                i += 2;
                continue;
            }
            String name;
            int end;
            if (next == '{') {
                int close = template.indexOf('}', i + 2);
                if (close < 0 || close == i + 2 || !isWord(template, i + 2, close)) {
                    sb.append(ch);
                    i++;
                    continue;
                }
                name = template.substring(i + 2, close);
                end = close + 1;
            } else {
                int j = i + 1;
                while (j < n && isWordChar(template.charAt(j))) {
                    j++;
                }
                if (j == i + 1) {
                    sb.append(ch);
                    i++;
                    continue;
                }
                name = template.substring(i + 1, j);
                end = j;
            }
            String g = group(m, name);
            if (g != null) {
                sb.append(g);
            }
            i = end;
        }
        return sb.toString();
    }

    private static String group(Matcher m, String name) {
        boolean numeric = true;
        for (int k = 0; k < name.length(); k++) {
            if (!Character.isDigit(name.charAt(k))) {
                numeric = false;
                break;
            }
        }
        if (numeric) {
            if (name.length() > 9) {
                return null;
            }
            int idx = Integer.parseInt(name);
            return idx <= m.groupCount() ? m.group(idx) : null;
        }
        try {
            return m.group(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean isWord(String s, int from, int to) {
        for (int k = from; k < to; k++) {
            if (!isWordChar(s.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isWordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }
}
