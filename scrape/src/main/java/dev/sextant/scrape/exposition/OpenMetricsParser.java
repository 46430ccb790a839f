package dev.sextant.scrape.exposition;

import java.nio.charset.StandardCharsets;

/**
 * Pull parser for OpenMetrics 1.0 text: single spaces, no blank lines, only TYPE/UNIT/HELP/EOF
 * comments, mandatory final {@code # EOF}, float-second timestamps (converted to milliseconds) and
 * exemplars. {@code _created} lines are ordinary samples. See {@link ExpositionParser} for
 * allocation, lifetime and thread-safety.
 */
public final class OpenMetricsParser extends AbstractTextParser {
    private boolean eof;

    @Override
    protected boolean lenientWhitespace() {
        return false;
    }

    @Override
    public void reset(byte[] buf, int off, int len) {
        super.reset(buf, off, len);
        eof = false;
    }

    @Override
    public Entry next() throws ParseException {
        if (eof) {
            if (pos < end) {
                lineNo++;
                throw error("unexpected data after # EOF");
            }
            return Entry.END;
        }
        if (pos >= end) {
            lineNo++;
            throw error("data does not end with # EOF");
        }
        int ls = pos;
        int le = lineEnd(ls, end);
        pos = Math.min(le + 1, end);
        lineNo++;
        if (le == ls) {
            throw error("unexpected blank line");
        }
        if (buf[ls] == '#') {
            return comment(ls, le);
        }
        if (le == end) {
            throw error("data does not end with # EOF");
        }
        sample(ls, le);
        return Entry.SAMPLE;
    }

    private Entry comment(int ls, int le) throws ParseException {
        int n = le - ls;
        if (n == 5 && buf[ls + 1] == ' ' && buf[ls + 2] == 'E' && buf[ls + 3] == 'O' && buf[ls + 4] == 'F') {
            eof = true;
            return next();
        }
        Entry kind;
        if (matches(ls, le, "# TYPE ")) {
            kind = Entry.TYPE;
        } else if (matches(ls, le, "# HELP ")) {
            kind = Entry.HELP;
        } else if (matches(ls, le, "# UNIT ")) {
            kind = Entry.UNIT;
        } else {
            throw error("invalid comment line; only # TYPE, # HELP, # UNIT and # EOF are allowed");
        }
        int p = ls + 7;
        int ns = p;
        int ne;
        if (p < le && buf[p] == '"') {
            ne = scanQuoted(p, le);
        } else {
            ne = scanName(p, le);
            if (ne == ns) {
                throw error("invalid metric name in " + kind + " line");
            }
        }
        if (ne < le && buf[ne] != ' ') {
            throw error("invalid metric name in " + kind + " line");
        }
        metadataEntry(ls, le, ns, ne);
        int ts = ne < le ? ne + 1 : le;
        switch (kind) {
            case HELP -> metadataText(ts, le, TEXT_QUOTED_ESCAPES);
            case UNIT -> {
                metadataText(ts, le, TEXT_RAW);
                String unit = text();
                if (!unit.isEmpty() && !familyName().endsWith("_" + unit)) {
                    throw error("unit \"" + unit + "\" not a suffix of metric \"" + familyName() + "\"");
                }
            }
            default -> {
                type = switch (new String(buf, ts, le - ts, StandardCharsets.US_ASCII)) {
                    case "counter" -> MetricType.COUNTER;
                    case "gauge" -> MetricType.GAUGE;
                    case "histogram" -> MetricType.HISTOGRAM;
                    case "gaugehistogram" -> MetricType.GAUGEHISTOGRAM;
                    case "summary" -> MetricType.SUMMARY;
                    case "info" -> MetricType.INFO;
                    case "stateset" -> MetricType.STATESET;
                    case "unknown" -> MetricType.UNKNOWN;
                    default -> throw error("invalid metric type \"" + new String(buf, ts, le - ts, StandardCharsets.UTF_8) + "\"");
                };
                if (buf[ns] == '"') {
                    setCurrentType(ns + 1, ne - 1, type);
                } else {
                    setCurrentType(ns, ne, type);
                }
            }
        }
        return kind;
    }

    private boolean matches(int p, int lim, String s) {
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

    private void sample(int p, int le) throws ParseException {
        p = seriesAt(p, le);
        if (p >= le || buf[p] != ' ') {
            throw error(p >= le ? "expected value after metric" : "unexpected character '" + (char) buf[p] + "' after metric");
        }
        p++;
        int vs = p;
        while (p < le && buf[p] != ' ') {
            p++;
        }
        if (vs == p) {
            throw error("expected value after metric");
        }
        value = parseFloat(vs, p, "value");
        hasTs = false;
        hasExemplar = false;
        if (p == le) {
            return;
        }
        p++; // the space
        if (p < le && buf[p] != '#') {
            int ts0 = p;
            while (p < le && buf[p] != ' ') {
                p++;
            }
            ts = seconds(ts0, p);
            hasTs = true;
            if (p == le) {
                return;
            }
            p++;
        }
        if (le - p < 3 || buf[p] != '#' || buf[p + 1] != ' ' || buf[p + 2] != '{') {
            throw error("unexpected text after sample");
        }
        p += 2;
        exLabelsStart = p;
        p = scanLabelSet(p, le, null, true);
        exLabelsEnd = p;
        if (p >= le || buf[p] != ' ') {
            throw error("expected exemplar value");
        }
        p++;
        int evs = p;
        while (p < le && buf[p] != ' ') {
            p++;
        }
        exValue = parseFloat(evs, p, "exemplar value");
        exHasTs = false;
        if (p < le) {
            p++;
            int ets = p;
            while (p < le && buf[p] != ' ') {
                p++;
            }
            exTs = seconds(ets, p);
            exHasTs = true;
            if (p != le) {
                throw error("unexpected text after exemplar");
            }
        }
        hasExemplar = true;
    }

    /** Float seconds to milliseconds; exact for plain decimals with up to three fraction digits. */
    private long seconds(int from, int to) throws ParseException {
        int p = from;
        boolean neg = false;
        if (p < to && (buf[p] == '-' || buf[p] == '+')) {
            neg = buf[p] == '-';
            p++;
        }
        long whole = 0;
        int q = p;
        while (q < to && buf[q] >= '0' && buf[q] <= '9' && q - p < 15) {
            whole = whole * 10 + (buf[q] - '0');
            q++;
        }
        if (q > p) {
            if (q == to) {
                return (neg ? -whole : whole) * 1000;
            }
            if (buf[q] == '.') {
                int f = q + 1;
                long ms = 0;
                int k = 0;
                while (f < to && buf[f] >= '0' && buf[f] <= '9') {
                    if (k < 3) {
                        ms = ms * 10 + (buf[f] - '0');
                    }
                    k++;
                    f++;
                }
                if (f == to && k <= 3) {
                    for (; k < 3; k++) {
                        ms *= 10;
                    }
                    long v = whole * 1000 + ms;
                    return neg ? -v : v;
                }
            }
        }
        double d = parseFloat(from, to, "timestamp");
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw error("invalid timestamp \"" + new String(buf, from, to - from, StandardCharsets.UTF_8) + "\"");
        }
        return Math.round(d * 1000);
    }
}
