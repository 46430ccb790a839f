package dev.sextant.scrape.exposition;

import java.nio.charset.StandardCharsets;

/**
 * Pull parser for the Prometheus text format 0.0.4 (and 1.0.0, which adds quoted UTF-8 names).
 * Tokens are separated by spaces or tabs; {@code #} lines other than HELP and TYPE are comments;
 * blank lines are ignored; timestamps are integer milliseconds. See {@link ExpositionParser} for
 * allocation, lifetime and thread-safety.
 */
public final class TextParser extends AbstractTextParser {
    @Override
    protected boolean lenientWhitespace() {
        return true;
    }

    @Override
    public Entry next() throws ParseException {
        while (pos < end) {
            int ls = pos;
            int le = lineEnd(ls, end);
            pos = le + 1;
            lineNo++;
            int p = skipWs(ls, le);
            if (p == le) {
                continue;
            }
            if (buf[p] == '#') {
                Entry e = comment(ls, p + 1, le);
                if (e != null) {
                    return e;
                }
                continue;
            }
            sample(p, le);
            return Entry.SAMPLE;
        }
        pos = end;
        return Entry.END;
    }

    private Entry comment(int ls, int p, int le) throws ParseException {
        p = skipWs(p, le);
        boolean help = startsWith(p, le, "HELP");
        boolean typ = !help && startsWith(p, le, "TYPE");
        if ((!help && !typ) || p + 4 >= le || !isWs(buf[p + 4])) {
            return null; // plain comment
        }
        p = skipWs(p + 4, le);
        int ns = p;
        int ne;
        if (p < le && buf[p] == '"') {
            ne = scanQuoted(p, le);
        } else {
            ne = scanName(p, le);
            if (ne == ns || (ne < le && !isWs(buf[ne]))) {
                throw error("invalid metric name in " + (help ? "HELP" : "TYPE") + " line");
            }
        }
        metadataEntry(ls, le, ns, ne);
        p = skipWs(ne, le);
        if (help) {
            metadataText(p, le, TEXT_HELP_ESCAPES);
            return Entry.HELP;
        }
        int ts = p;
        int te = ts;
        while (te < le && !isWs(buf[te])) {
            te++;
        }
        if (skipWs(te, le) != le) {
            throw error("unexpected text after type in TYPE line");
        }
        type = typeOf(ts, te);
        if (buf[ns] == '"') {
            setCurrentType(ns + 1, ne - 1, type);
        } else {
            setCurrentType(ns, ne, type);
        }
        return Entry.TYPE;
    }

    private boolean startsWith(int p, int lim, String s) {
        if (lim - p < s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (buf[p + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The type word of a TYPE line, compared as bytes (no string per line). */
    private MetricType typeOf(int ts, int te) throws ParseException {
        if (bytesEqual(ts, te, "counter")) {
            return MetricType.COUNTER;
        } else if (bytesEqual(ts, te, "gauge")) {
            return MetricType.GAUGE;
        } else if (bytesEqual(ts, te, "histogram")) {
            return MetricType.HISTOGRAM;
        } else if (bytesEqual(ts, te, "summary")) {
            return MetricType.SUMMARY;
        } else if (bytesEqual(ts, te, "untyped")) {
            return MetricType.UNKNOWN;
        }
        throw error("invalid metric type \"" + new String(buf, ts, te - ts, StandardCharsets.UTF_8) + "\"");
    }

    private void sample(int p, int le) throws ParseException {
        hasExemplar = false;
        p = seriesAt(p, le);
        if (p >= le || !isWs(buf[p])) {
            throw error(p >= le ? "expected value after metric" : "unexpected character '" + (char) buf[p] + "' after metric");
        }
        p = skipWs(p, le);
        int vs = p;
        while (p < le && !isWs(buf[p])) {
            p++;
        }
        if (vs == p) {
            throw error("expected value after metric");
        }
        value = parseFloat(vs, p, "value");
        p = skipWs(p, le);
        hasTs = false;
        if (p < le) {
            int ts0 = p;
            while (p < le && !isWs(buf[p])) {
                p++;
            }
            ts = parseInt(ts0, p);
            hasTs = true;
            if (skipWs(p, le) != le) {
                throw error("unexpected text after timestamp");
            }
        }
    }

    private long parseInt(int from, int to) throws ParseException {
        int p = from;
        boolean neg = false;
        if (buf[p] == '-' || buf[p] == '+') {
            neg = buf[p] == '-';
            p++;
        }
        if (p == to || to - p > 18) {
            throw error("invalid timestamp \"" + new String(buf, from, to - from, StandardCharsets.UTF_8) + "\"");
        }
        long v = 0;
        for (; p < to; p++) {
            byte b = buf[p];
            if (b < '0' || b > '9') {
                throw error("invalid timestamp \"" + new String(buf, from, to - from, StandardCharsets.UTF_8) + "\"");
            }
            v = v * 10 + (b - '0');
        }
        return neg ? -v : v;
    }
}
