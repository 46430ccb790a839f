package dev.sextant.scrape.relabel;

/** Label and metric name checks shared by relabeling, target building and the parsers. Stateless. */
public final class LabelNames {
    private LabelNames() {}

    /** The legacy charset {@code [a-zA-Z_][a-zA-Z0-9_]*}. */
    public static boolean isLegacy(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Prometheus 3.x validity under the default {@code utf8} scheme: any non-empty string of valid
     * UTF-8 (Java strings from our decoders always are; lone surrogates are rejected).
     */
    public static boolean isValid(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
