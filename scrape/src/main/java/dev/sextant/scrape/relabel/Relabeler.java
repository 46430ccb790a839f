package dev.sextant.scrape.relabel;

import com.google.re2j.Matcher;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;

/**
 * Applies relabeling steps in order. Used for targets (once per discovery update) and for scraped
 * series (once per new series; the scrape cache remembers the result), so it favours clarity over
 * zero allocation.
 *
 * <p>Thread-safety: stateless static methods; safe from any thread.
 */
public final class Relabeler {
    private Relabeler() {}

    /** Returns the relabeled labels, or {@code null} when a step dropped them. The input is not changed. */
    public static Labels process(Labels input, List<RelabelConfig> configs) {
        if (configs.isEmpty()) {
            return input;
        }
        LabelsBuilder b = new LabelsBuilder(input);
        Labels current = input;
        boolean dirty = false;
        for (RelabelConfig c : configs) {
            if (dirty) {
                current = b.build();
                dirty = false;
            }
            Result r = apply(c, current, b);
            if (r == Result.DROP) {
                return null;
            }
            if (r == Result.CHANGED) {
                dirty = true;
            }
        }
        return dirty ? b.build() : current;
    }

    private enum Result { UNCHANGED, CHANGED, DROP }

    private static Result apply(RelabelConfig c, Labels lbls, LabelsBuilder b) {
        String val = join(c, lbls);
        switch (c.action()) {
            case DROP:
                return c.pattern().matcher(val).matches() ? Result.DROP : Result.UNCHANGED;
            case KEEP:
                return c.pattern().matcher(val).matches() ? Result.UNCHANGED : Result.DROP;
            case DROPEQUAL:
                return val.equals(lbls.get(c.targetLabel())) ? Result.DROP : Result.UNCHANGED;
            case KEEPEQUAL:
                return val.equals(lbls.get(c.targetLabel())) ? Result.UNCHANGED : Result.DROP;
            case REPLACE: {
                Matcher m = c.pattern().matcher(val);
                if (!m.matches()) {
                    return Result.UNCHANGED;
                }
                String target = expand(m, c.targetLabel());
                if (!LabelNames.isValid(target)) {
                    return Result.UNCHANGED;
                }
                String res = expand(m, c.replacement());
                b.set(target, res);
                return Result.CHANGED;
            }
            case LOWERCASE:
                b.set(c.targetLabel(), val.toLowerCase(Locale.ROOT));
                return Result.CHANGED;
            case UPPERCASE:
                b.set(c.targetLabel(), val.toUpperCase(Locale.ROOT));
                return Result.CHANGED;
            case HASHMOD:
                b.set(c.targetLabel(), Long.toUnsignedString(Long.remainderUnsigned(md5Tail(val), c.modulus())));
                return Result.CHANGED;
            case LABELMAP: {
                boolean changed = false;
                for (int i = 0; i < lbls.size(); i++) {
                    Matcher m = c.pattern().matcher(lbls.name(i));
                    if (m.matches()) {
                        String name = expand(m, c.replacement());
                        if (!name.isEmpty()) {
                            b.set(name, lbls.value(i));
                            changed = true;
                        }
                    }
                }
                return changed ? Result.CHANGED : Result.UNCHANGED;
            }
            case LABELDROP:
            case LABELKEEP: {
                boolean drop = c.action() == RelabelAction.LABELDROP;
                boolean changed = false;
                for (int i = 0; i < lbls.size(); i++) {
                    if (c.pattern().matcher(lbls.name(i)).matches() == drop) {
                        b.delete(lbls.name(i));
                        changed = true;
                    }
                }
                return changed ? Result.CHANGED : Result.UNCHANGED;
            }
            default:
                throw new IllegalStateException("unknown action " + c.action());
        }
    }

    private static String join(RelabelConfig c, Labels lbls) {
        List<String> src = c.sourceLabels();
        if (src.size() == 1) {
            return lbls.get(src.get(0));
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < src.size(); i++) {
            if (i > 0) {
                sb.append(c.separator());
            }
            sb.append(lbls.get(src.get(i)));
        }
        return sb.toString();
    }

    /** Big-endian uint64 of the last 8 bytes of MD5(s), as Prometheus's hashmod. */
    static long md5Tail(String s) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] d = md.digest(s.getBytes(StandardCharsets.UTF_8));
        long v = 0;
        for (int i = 8; i < 16; i++) {
            v = (v << 8) | (d[i] & 0xff);
        }
        return v;
    }

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
