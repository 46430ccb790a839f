package dev.sextant.scrape.relabel;

import com.google.re2j.Matcher;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import dev.sextant.tsdb.model.RegexTemplate;
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

    /** Go's {@code regexp.Expand} over capture groups; see {@link RegexTemplate#expand}. */
    public static String expand(Matcher m, String template) {
        return RegexTemplate.expand(m, template);
    }
}
