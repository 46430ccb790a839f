package dev.sextant.promql.template;

import com.google.re2j.Pattern;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The functions rule templates may call: Go's builtins ({@code eq ne lt le gt ge and or not len index
 * print printf println urlquery html js}) and Prometheus's ({@code query first label value strvalue
 * sortByLabel humanize humanize1024 humanizeDuration humanizePercentage humanizeTimestamp toTime
 * toDuration now title toUpper toLower match reReplaceAll args safeHtml stripPort stripDomain
 * urlQueryEscape parseDuration externalURL pathPrefix graphLink tableLink}).
 *
 * <p>Thread-safety: stateless.
 */
public final class TemplateFunctions {
    private TemplateFunctions() {}

    private static final Set<String> NAMES = Set.of("eq", "ne", "lt", "le", "gt", "ge", "and", "or", "not", "len",
            "index", "print", "printf", "println", "urlquery", "html", "js", "query", "first", "label", "value",
            "strvalue", "sortByLabel", "humanize", "humanize1024", "humanizeDuration", "humanizePercentage",
            "humanizeTimestamp", "toTime", "toDuration", "now", "title", "toUpper", "toLower", "match",
            "reReplaceAll", "args", "safeHtml", "stripPort", "stripDomain", "urlQueryEscape", "parseDuration",
            "externalURL", "pathPrefix", "graphLink", "tableLink");

    static boolean exists(String name) {
        return NAMES.contains(name);
    }

    static Object call(String fn, List<Object> a, TemplateExecutor ex) throws TemplateException {
        switch (fn) {
            case "eq" -> {
                need(fn, a, 2, Integer.MAX_VALUE);
                for (int i = 1; i < a.size(); i++) {
                    if (compare(a.get(0), a.get(i), true) == 0) {
                        return true;
                    }
                }
                return false;
            }
            case "ne" -> {
                need(fn, a, 2, 2);
                return compare(a.get(0), a.get(1), true) != 0;
            }
            case "lt" -> {
                need(fn, a, 2, 2);
                return compare(a.get(0), a.get(1), false) < 0;
            }
            case "le" -> {
                need(fn, a, 2, 2);
                return compare(a.get(0), a.get(1), false) <= 0;
            }
            case "gt" -> {
                need(fn, a, 2, 2);
                return compare(a.get(0), a.get(1), false) > 0;
            }
            case "ge" -> {
                need(fn, a, 2, 2);
                return compare(a.get(0), a.get(1), false) >= 0;
            }
            case "and" -> {
                need(fn, a, 1, Integer.MAX_VALUE);
                for (Object o : a) {
                    if (!TemplateExecutor.truth(o)) {
                        return o;
                    }
                }
                return a.get(a.size() - 1);
            }
            case "or" -> {
                need(fn, a, 1, Integer.MAX_VALUE);
                for (Object o : a) {
                    if (TemplateExecutor.truth(o)) {
                        return o;
                    }
                }
                return a.get(a.size() - 1);
            }
            case "not" -> {
                need(fn, a, 1, 1);
                return !TemplateExecutor.truth(a.get(0));
            }
            case "len" -> {
                need(fn, a, 1, 1);
                Object o = a.get(0);
                if (o instanceof String s) {
                    return (long) s.getBytes(StandardCharsets.UTF_8).length;
                }
                if (o instanceof List<?> l) {
                    return (long) l.size();
                }
                if (o instanceof Map<?, ?> m) {
                    return (long) m.size();
                }
                throw new IllegalArgumentException("len of type " + GoFormat.typeName(o));
            }
            case "index" -> {
                need(fn, a, 1, Integer.MAX_VALUE);
                Object o = a.get(0);
                for (int i = 1; i < a.size(); i++) {
                    Object k = a.get(i);
                    if (o instanceof Map<?, ?> m) {
                        Object v = m.get(String.valueOf(k));
                        o = v == null ? "" : v;
                    } else if (o instanceof List<?> l && k instanceof Number n) {
                        int idx = n.intValue();
                        if (idx < 0 || idx >= l.size()) {
                            throw new IllegalArgumentException("index out of range: " + idx);
                        }
                        o = l.get(idx);
                    } else {
                        throw new IllegalArgumentException("can't index item of type " + GoFormat.typeName(o));
                    }
                }
                return o;
            }
            case "print", "println" -> {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < a.size(); i++) {
                    boolean strs = i > 0 && a.get(i) instanceof String && a.get(i - 1) instanceof String;
                    if (i > 0 && (fn.equals("println") || !strs)) {
                        b.append(' ');
                    }
                    b.append(GoFormat.formatValue(a.get(i)));
                }
                return fn.equals("println") ? b.append('\n').toString() : b.toString();
            }
            case "printf" -> {
                need(fn, a, 1, Integer.MAX_VALUE);
                return GoFormat.sprintf(str(a.get(0)), a.subList(1, a.size()));
            }
            case "urlquery", "urlQueryEscape" -> {
                need(fn, a, 1, Integer.MAX_VALUE);
                return URLEncoder.encode(str(a.get(0)), StandardCharsets.UTF_8);
            }
            case "html" -> {
                return str(a.get(0)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                        .replace("\"", "&#34;").replace("'", "&#39;");
            }
            case "js" -> {
                return str(a.get(0)).replace("\\", "\\\\").replace("'", "\\'").replace("\"", "\\\"");
            }
            case "safeHtml", "toTime" -> {
                need(fn, a, 1, 1);
                if (fn.equals("toTime")) {
                    return humanizeTimestamp(toFloat(a.get(0)));
                }
                return str(a.get(0));
            }
            case "query" -> {
                need(fn, a, 1, 1);
                TemplateData.QueryFunction q = ex.data().query();
                if (q == null) {
                    throw new IllegalArgumentException("query is not available here");
                }
                try {
                    return new ArrayList<Object>(q.query(str(a.get(0))));
                } catch (Exception e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            }
            case "first" -> {
                need(fn, a, 1, 1);
                if (a.get(0) instanceof List<?> l && !l.isEmpty()) {
                    return l.get(0);
                }
                throw new IllegalArgumentException("first() called on vector with no elements");
            }
            case "label" -> {
                need(fn, a, 2, 2);
                if (a.get(1) instanceof TemplateData.QuerySample s) {
                    return s.labels().getOrDefault(str(a.get(0)), "");
                }
                return "";
            }
            case "value" -> {
                need(fn, a, 1, 1);
                return a.get(0) instanceof TemplateData.QuerySample s ? s.value() : 0.0;
            }
            case "strvalue" -> {
                need(fn, a, 1, 1);
                return a.get(0) instanceof TemplateData.QuerySample s ? s.labels().getOrDefault("__value__", "") : "";
            }
            case "sortByLabel" -> {
                need(fn, a, 2, 2);
                String l = str(a.get(0));
                List<Object> copy = new ArrayList<>((List<?>) a.get(1));
                copy.sort(Comparator.comparing(o -> ((TemplateData.QuerySample) o).labels().getOrDefault(l, "")));
                return copy;
            }
            case "humanize" -> {
                return Humanize.humanize(toFloat(one(fn, a)));
            }
            case "humanize1024" -> {
                return Humanize.humanize1024(toFloat(one(fn, a)));
            }
            case "humanizeDuration" -> {
                return Humanize.duration(toFloat(one(fn, a)));
            }
            case "humanizePercentage" -> {
                return Humanize.percentage(toFloat(one(fn, a)));
            }
            case "humanizeTimestamp" -> {
                return humanizeTimestamp(toFloat(one(fn, a)));
            }
            case "toDuration" -> {
                return Humanize.duration(toFloat(one(fn, a)));
            }
            case "now" -> {
                return System.currentTimeMillis() / 1000.0;
            }
            case "title" -> {
                return title(str(one(fn, a)));
            }
            case "toUpper" -> {
                return str(one(fn, a)).toUpperCase(java.util.Locale.ROOT);
            }
            case "toLower" -> {
                return str(one(fn, a)).toLowerCase(java.util.Locale.ROOT);
            }
            case "match" -> {
                need(fn, a, 2, 2);
                return Pattern.compile(str(a.get(0))).matcher(str(a.get(1))).find();
            }
            case "reReplaceAll" -> {
                need(fn, a, 3, 3);
                return Pattern.compile(str(a.get(0))).matcher(str(a.get(2))).replaceAll(str(a.get(1)));
            }
            case "args" -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < a.size(); i++) {
                    m.put("arg" + i, a.get(i));
                }
                return m;
            }
            case "stripPort" -> {
                return stripPort(str(one(fn, a)));
            }
            case "stripDomain" -> {
                return stripDomain(str(one(fn, a)));
            }
            case "parseDuration" -> {
                return dev.sextant.promql.rules.Durations.parse(str(one(fn, a))) / 1000.0;
            }
            case "externalURL" -> {
                return ex.data().externalURL();
            }
            case "pathPrefix" -> {
                String u = ex.data().externalURL() == null ? "" : ex.data().externalURL();
                return java.net.URI.create(u).getRawPath() == null ? "" : java.net.URI.create(u).getRawPath();
            }
            case "graphLink", "tableLink" -> {
                String expr = str(one(fn, a));
                return "/graph?g0.expr=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)
                        + "&g0.tab=" + (fn.equals("graphLink") ? "0" : "1");
            }
            default -> throw ex.error("function \"" + fn + "\" not defined");
        }
    }

    private static Object one(String fn, List<Object> a) {
        need(fn, a, 1, 1);
        return a.get(0);
    }

    private static void need(String fn, List<Object> a, int min, int max) {
        if (a.size() < min || a.size() > max) {
            throw new IllegalArgumentException("wrong number of args for " + fn + ": want " + min + " got " + a.size());
        }
    }

    private static String str(Object o) {
        return o instanceof String s ? s : GoFormat.formatValue(o);
    }

    /** Prometheus converts numbers, numeric strings and durations to float64 for humanize*. */
    static double toFloat(Object o) {
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        if (o instanceof String s) {
            String t = s.trim();
            switch (t.toLowerCase(java.util.Locale.ROOT)) {
                case "inf", "+inf" -> {
                    return Double.POSITIVE_INFINITY;
                }
                case "-inf" -> {
                    return Double.NEGATIVE_INFINITY;
                }
                case "nan" -> {
                    return Double.NaN;
                }
                default -> {
                    try {
                        return Double.parseDouble(t);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("strconv.ParseFloat: parsing " + GoFormat.quote(s)
                                + ": invalid syntax");
                    }
                }
            }
        }
        if (o instanceof TemplateData.QuerySample qs) {
            return qs.value();
        }
        throw new IllegalArgumentException("can't convert " + GoFormat.typeName(o) + " to float");
    }

    private static int compare(Object x, Object y, boolean equality) {
        if (x instanceof Number a && y instanceof Number b) {
            if ((x instanceof Long) && (y instanceof Long)) {
                return Long.compare((Long) x, (Long) y);
            }
            double da = a.doubleValue();
            double db = b.doubleValue();
            return da < db ? -1 : da > db ? 1 : da == db ? 0 : 2;
        }
        if (x instanceof String a && y instanceof String b) {
            return Integer.signum(a.compareTo(b));
        }
        if (equality && x instanceof Boolean a && y instanceof Boolean b) {
            return a.equals(b) ? 0 : 1;
        }
        if (equality && (x == null || y == null)) {
            return x == y ? 0 : 1;
        }
        throw new IllegalArgumentException("incompatible types for comparison");
    }

    /** Go's {@code Time.String()} of the UTC instant, e.g. {@code 1970-01-01 00:00:01 +0000 UTC}. */
    static String humanizeTimestamp(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return GoFormat.sprintf("%.4g", List.of(v));
        }
        // Prometheus: model.TimeFromUnixNano(int64(v * 1e9)): nanoseconds truncated to milliseconds.
        long ms = Humanize.goInt64(v * 1e9) / 1_000_000;
        Instant t = Instant.ofEpochMilli(ms);
        long nanos = t.getNano();
        String base = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC).format(t);
        String frac = "";
        if (nanos != 0) {
            frac = "." + String.format("%09d", nanos).replaceAll("0+$", "");
        }
        return base + frac + " +0000 UTC";
    }

    /** Go's deprecated {@code strings.Title}: upper-cases letters that start a word. */
    static String title(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean prevSep = true;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            b.appendCodePoint(prevSep ? Character.toTitleCase(cp) : cp);
            prevSep = isSeparator(cp);
            i += Character.charCount(cp);
        }
        return b.toString();
    }

    private static boolean isSeparator(int cp) {
        if (cp <= 0x7F) {
            return !(Character.isLetterOrDigit(cp) || cp == '_');
        }
        if (Character.isLetterOrDigit(cp)) {
            return false;
        }
        return Character.isWhitespace(cp);
    }

    static String stripPort(String hostPort) {
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close > 0 && hostPort.startsWith(":", close + 1)) {
                return hostPort.substring(1, close);
            }
            return hostPort;
        }
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0 || hostPort.indexOf(':') != colon) {
            return hostPort;
        }
        return hostPort.substring(0, colon);
    }

    static String stripDomain(String hostPort) {
        String host = hostPort;
        String port = "";
        if (!hostPort.startsWith("[")) {
            int colon = hostPort.lastIndexOf(':');
            if (colon >= 0 && hostPort.indexOf(':') == colon) {
                host = hostPort.substring(0, colon);
                port = hostPort.substring(colon);
            }
        } else {
            return hostPort;
        }
        if (host.matches("[0-9.]+") || host.contains(":")) {
            return hostPort;
        }
        int dot = host.indexOf('.');
        if (dot >= 0) {
            host = host.substring(0, dot);
        }
        return host + port;
    }
}
