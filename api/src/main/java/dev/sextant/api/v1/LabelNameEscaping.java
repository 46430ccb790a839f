package dev.sextant.api.v1;

/**
 * Prometheus's "values" escaping for label names in URL paths: a name starting with {@code U__} has
 * letters, digits and {@code :} as-is, {@code __} for {@code _}, and {@code _<hex>_} for any other
 * code point ({@code U__http_2e_status__code} is {@code http.status_code}). Other names are taken
 * verbatim.
 */
final class LabelNameEscaping {
    private LabelNameEscaping() {}

    /** Returns the decoded name, or null when the escaping is malformed. */
    static String unescape(String s) {
        if (!s.startsWith("U__")) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        int i = 3;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '_') {
                if (!(Character.isLetterOrDigit(c) || c == ':')) {
                    return null;
                }
                sb.append(c);
                i++;
                continue;
            }
            if (i + 1 < s.length() && s.charAt(i + 1) == '_') {
                sb.append('_');
                i += 2;
                continue;
            }
            int end = s.indexOf('_', i + 1);
            if (end < 0 || end == i + 1) {
                return null;
            }
            try {
                int cp = Integer.parseInt(s.substring(i + 1, end), 16);
                if (!Character.isValidCodePoint(cp)) {
                    return null;
                }
                sb.appendCodePoint(cp);
            } catch (NumberFormatException e) {
                return null;
            }
            i = end + 1;
        }
        return sb.toString();
    }
}
