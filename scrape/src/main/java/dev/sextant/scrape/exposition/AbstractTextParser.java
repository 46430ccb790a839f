package dev.sextant.scrape.exposition;

import dev.sextant.tsdb.model.LabelsBuilder;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Lexing shared by the Prometheus text and OpenMetrics parsers: series text (name and label set),
 * quoted strings, numbers. The first pass over a sample only validates and records ranges; labels are
 * decoded on demand. Not thread-safe.
 */
abstract class AbstractTextParser implements ExpositionParser {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    protected byte[] buf;
    protected int pos;
    protected int end;
    protected int lineNo;

    // Current sample.
    protected int seriesStart;
    protected int seriesEnd;
    protected int nameStart;
    protected int nameEnd;
    protected int labelsStart = -1;
    protected int labelsEnd;
    protected double value;
    protected boolean hasTs;
    protected long ts;
    protected boolean hasExemplar;
    protected int exLabelsStart;
    protected int exLabelsEnd;
    protected double exValue;
    protected boolean exHasTs;
    protected long exTs;

    /** The series text expected next ({@link #expectSeries}): {@code hint[hintOff, hintOff + hintLen)}, or null. */
    protected byte[] hint;
    protected int hintOff;
    protected int hintLen;
    /** Whether the current sample matched {@link #hint}. */
    protected boolean hintMatched;
    /** Whether the current sample's name/label ranges are still to be recorded (after a hint match). */
    private boolean rangesPending;

    // Current metadata entry and the family in effect. The family name and text are decoded lazily
    // from their ranges (a scrape cache that saw the same line skips them).
    protected String familyName;
    protected MetricType type;
    protected String text;
    /** Range of the current metadata entry's family name; quoted names include their quotes. */
    protected int familyStart;
    protected int familyEnd = -1;
    /** Range of the current HELP/UNIT text, and how to decode it. */
    protected int textStart;
    protected int textEnd = -1;
    protected byte textKind;
    protected static final byte TEXT_RAW = 0;
    protected static final byte TEXT_HELP_ESCAPES = 1;
    protected static final byte TEXT_QUOTED_ESCAPES = 2;
    /** Range of the current metadata entry's line. */
    protected int metaLineStart = -1;
    protected int metaLineEnd = -1;
    /** Family of the last TYPE line, as bytes range into buf, and its type. */
    protected int typeNameStart;
    protected int typeNameEnd = -1;
    protected MetricType currentType = MetricType.UNKNOWN;

    /** Whether spaces and tabs may separate tokens freely (text) or not at all (OpenMetrics). */
    protected abstract boolean lenientWhitespace();

    @Override
    public void reset(byte[] buf, int off, int len) {
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
        this.lineNo = 0;
        this.hintMatched = false;
        this.rangesPending = false;
        this.typeNameEnd = -1;
        this.currentType = MetricType.UNKNOWN;
    }

    @Override
    public void expectSeries(byte[] series, int off, int len) {
        hint = series;
        hintOff = off;
        hintLen = len;
    }

    @Override
    public boolean seriesMatchedHint() {
        return hintMatched;
    }

    /**
     * The series of a sample line starting at p (line end le): the hinted bytes when the line starts
     * with them followed by whitespace (and, for a bare name in the lenient text format, not by a label
     * set after more whitespace), else a full scan. Returns the index after the series text.
     */
    protected int seriesAt(int p, int le) throws ParseException {
        byte[] h = hint;
        if (h != null) {
            int n = hintLen;
            int o = hintOff;
            int q = p + n;
            if (n > 0 && q < le && isWs(buf[q]) && Arrays.equals(buf, p, q, h, o, o + n)
                    && (h[o + n - 1] == '}' || !lenientWhitespace() || !labelSetFollows(q, le))) {
                seriesStart = p;
                seriesEnd = q;
                hintMatched = true;
                rangesPending = true;
                return q;
            }
        }
        hintMatched = false;
        return scanSeries(p, le);
    }

    private boolean labelSetFollows(int p, int le) {
        int q = skipWs(p, le);
        return q < le && buf[q] == '{';
    }

    /** First index of '\n' in buf[from, to), or to; eight bytes per step. */
    protected int lineEnd(int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long x = (long) LONGS.get(buf, i) ^ 0x0A0A0A0A0A0A0A0AL;
            long t = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
            if (t != 0) {
                // The lowest flagged byte is exact (false positives only appear above a real match).
                return i + (Long.numberOfTrailingZeros(t) >>> 3);
            }
        }
        while (i < to && buf[i] != '\n') {
            i++;
        }
        return i;
    }

    @Override
    public byte[] buffer() {
        return buf;
    }

    @Override
    public int seriesStart() {
        return seriesStart;
    }

    @Override
    public int seriesEnd() {
        return seriesEnd;
    }

    @Override
    public double value() {
        return value;
    }

    @Override
    public boolean hasTimestamp() {
        return hasTs;
    }

    @Override
    public long timestampMillis() {
        return ts;
    }

    @Override
    public boolean hasExemplar() {
        return hasExemplar;
    }

    @Override
    public double exemplarValue() {
        return exValue;
    }

    @Override
    public boolean exemplarHasTimestamp() {
        return exHasTs;
    }

    @Override
    public long exemplarTimestampMillis() {
        return exTs;
    }

    @Override
    public String familyName() {
        if (familyName == null && familyEnd >= 0) {
            familyName = buf[familyStart] == '"' ? decode(familyStart + 1, familyEnd - 1)
                    : new String(buf, familyStart, familyEnd - familyStart, StandardCharsets.US_ASCII);
        }
        return familyName;
    }

    @Override
    public MetricType type() {
        return type;
    }

    @Override
    public String text() {
        if (text == null && textEnd >= 0) {
            text = switch (textKind) {
                case TEXT_HELP_ESCAPES -> unescapeHelp(textStart, textEnd);
                case TEXT_QUOTED_ESCAPES -> decode(textStart, textEnd);
                default -> new String(buf, textStart, textEnd - textStart, StandardCharsets.UTF_8);
            };
        }
        return text;
    }

    @Override
    public int metadataLineStart() {
        return metaLineStart;
    }

    @Override
    public int metadataLineEnd() {
        return metaLineEnd;
    }

    /** Starts a metadata entry: the line's range, the family name's range (decoded on demand). */
    protected void metadataEntry(int lineStart, int lineEnd, int nameStart, int nameEnd) {
        metaLineStart = lineStart;
        metaLineEnd = lineEnd;
        familyStart = nameStart;
        familyEnd = nameEnd;
        familyName = null;
        text = null;
        textEnd = -1;
    }

    /** The text of a HELP or UNIT entry, decoded on demand. */
    protected void metadataText(int from, int to, byte kind) {
        textStart = from;
        textEnd = to;
        textKind = kind;
        text = null;
    }

    /** HELP text escapes in the text format: only {@code \\} and {@code \n}. */
    protected String unescapeHelp(int from, int to) {
        boolean escaped = false;
        for (int i = from; i < to; i++) {
            if (buf[i] == '\\' && i + 1 < to && (buf[i + 1] == '\\' || buf[i + 1] == 'n')) {
                escaped = true;
                break;
            }
        }
        if (!escaped) {
            return new String(buf, from, to - from, StandardCharsets.UTF_8);
        }
        byte[] out = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            if (buf[i] == '\\' && i + 1 < to && (buf[i + 1] == '\\' || buf[i + 1] == 'n')) {
                out[n++] = buf[i + 1] == 'n' ? (byte) '\n' : (byte) '\\';
                i++;
            } else {
                out[n++] = buf[i];
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    /** Whether buf[from, to) holds exactly the ASCII text {@code s}. */
    protected boolean bytesEqual(int from, int to, String s) {
        if (to - from != s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (buf[from + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int line() {
        return lineNo;
    }

    protected ParseException error(String msg) {
        return new ParseException(lineNo, msg);
    }

    protected static boolean isWs(byte b) {
        return b == ' ' || b == '\t';
    }

    protected static boolean isNameStart(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_' || b == ':';
    }

    protected static boolean isNameChar(byte b) {
        return isNameStart(b) || (b >= '0' && b <= '9');
    }

    protected int skipWs(int p, int lim) {
        while (p < lim && isWs(buf[p])) {
            p++;
        }
        return p;
    }

    /** Ends a bare metric name starting at p, or returns p when none. */
    protected int scanName(int p, int lim) {
        if (p < lim && isNameStart(buf[p])) {
            p++;
            while (p < lim && isNameChar(buf[p])) {
                p++;
            }
        }
        return p;
    }

    /** Returns the index after the closing quote of a string starting at p (which holds '"'). */
    protected int scanQuoted(int p, int lim) throws ParseException {
        p++;
        while (p < lim) {
            byte b = buf[p];
            if (b == '"') {
                return p + 1;
            }
            if (b == '\\') {
                p++;
            }
            p++;
        }
        throw error("unterminated quoted string");
    }

    /**
     * Scans name and labels of a sample from p; sets series/name/labels ranges. Returns the index after
     * the series text.
     */
    protected int scanSeries(int p, int lim) throws ParseException {
        rangesPending = false;
        seriesStart = p;
        nameStart = p;
        nameEnd = scanName(p, lim);
        p = nameEnd;
        labelsStart = -1;
        if (p < lim && buf[p] == '{') {
            labelsStart = p;
            p = scanLabelSet(p, lim, null, nameEnd > nameStart);
            labelsEnd = p;
        } else if (lenientWhitespace()) {
            int q = skipWs(p, lim);
            if (q < lim && buf[q] == '{' && nameEnd > nameStart) {
                labelsStart = q;
                p = scanLabelSet(q, lim, null, true);
                labelsEnd = p;
            }
        }
        if (nameEnd == nameStart && labelsStart < 0) {
            throw error("invalid metric name in \"" + excerpt(seriesStart, lim) + "\"");
        }
        seriesEnd = p;
        return p;
    }

    /**
     * Scans (and when {@code into} is non-null, decodes) a label set {@code {...}} at p. When
     * {@code haveName} is false the set must hold a quoted metric name without a value.
     */
    protected int scanLabelSet(int p, int lim, LabelsBuilder into, boolean haveName) throws ParseException {
        boolean lenient = lenientWhitespace();
        p++;
        boolean first = true;
        boolean nameSeen = haveName;
        while (true) {
            if (lenient) {
                p = skipWs(p, lim);
            }
            if (p >= lim) {
                throw error("unexpected end of line in label set");
            }
            if (buf[p] == '}') {
                if (!nameSeen) {
                    throw error("metric name missing");
                }
                return p + 1;
            }
            if (!first) {
                throw error("expected ',' or '}' in label set, got '" + (char) buf[p] + "'");
            }
            int ns = p;
            int ne;
            boolean quoted = buf[p] == '"';
            if (quoted) {
                ne = scanQuoted(p, lim);
            } else {
                ne = p;
                if (ne < lim && isNameStart(buf[ne]) && buf[ne] != ':') {
                    ne++;
                    while (ne < lim && isNameChar(buf[ne]) && buf[ne] != ':') {
                        ne++;
                    }
                }
                if (ne == ns) {
                    throw error("invalid label name in label set at '" + (char) buf[p] + "'");
                }
            }
            p = lenient ? skipWs(ne, lim) : ne;
            if (quoted && p < lim && (buf[p] == ',' || buf[p] == '}') && !nameSeen) {
                // {"metric.name", ...}: the quoted metric name.
                nameSeen = true;
                if (into != null) {
                    into.set("__name__", decode(ns + 1, ne - 1));
                }
            } else {
                if (p >= lim || buf[p] != '=') {
                    throw error("expected '=' after label name");
                }
                p++;
                if (lenient) {
                    p = skipWs(p, lim);
                }
                if (p >= lim || buf[p] != '"') {
                    throw error("expected quoted label value");
                }
                int vs = p;
                p = scanQuoted(p, lim);
                if (into != null) {
                    String name = quoted ? decode(ns + 1, ne - 1) : new String(buf, ns, ne - ns, StandardCharsets.UTF_8);
                    String v = decode(vs + 1, p - 1);
                    if (isCanonicalized(name)) {
                        v = FloatText.canonical(v);
                    }
                    into.set(name, v);
                }
            }
            if (lenient) {
                p = skipWs(p, lim);
            }
            if (p < lim && buf[p] == ',') {
                p++;
                first = true;
                if (!lenient && p < lim && buf[p] == '}') {
                    throw error("trailing comma in label set");
                }
            } else {
                first = false;
            }
        }
    }

    private boolean isCanonicalized(String labelName) {
        if (labelName.equals("le")) {
            return currentType == MetricType.HISTOGRAM || currentType == MetricType.GAUGEHISTOGRAM;
        }
        return labelName.equals("quantile") && currentType == MetricType.SUMMARY;
    }

    @Override
    public void labels(LabelsBuilder b) throws ParseException {
        if (rangesPending) {
            // The ranges of a hinted series were not recorded: lex it now (same bytes, same result).
            scanSeries(seriesStart, seriesEnd);
        }
        MetricType saved = currentType;
        if (!sampleInCurrentFamily()) {
            currentType = MetricType.UNKNOWN;
        }
        try {
            if (nameEnd > nameStart) {
                b.set("__name__", new String(buf, nameStart, nameEnd - nameStart, StandardCharsets.US_ASCII));
            }
            if (labelsStart >= 0) {
                scanLabelSet(labelsStart, labelsEnd, b, nameEnd > nameStart);
            }
        } finally {
            currentType = saved;
        }
    }

    @Override
    public void exemplarLabels(LabelsBuilder b) throws ParseException {
        if (hasExemplar) {
            scanLabelSet(exLabelsStart, exLabelsEnd, b, true);
        }
    }

    /** Whether the bare sample name belongs to the family of the last TYPE line. */
    private boolean sampleInCurrentFamily() {
        int n = typeNameEnd - typeNameStart;
        if (typeNameEnd < 0 || nameEnd - nameStart < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (buf[nameStart + i] != buf[typeNameStart + i]) {
                return false;
            }
        }
        // The family itself or a suffixed sample of it (h_bucket, s_count), not another name (hx).
        return nameEnd - nameStart == n || buf[nameStart + n] == '_';
    }

    /** Decodes a quoted string's content, undoing {@code \\}, {@code \"} and {@code \n}. */
    protected String decode(int from, int to) {
        int bs = -1;
        for (int i = from; i < to; i++) {
            if (buf[i] == '\\') {
                bs = i;
                break;
            }
        }
        if (bs < 0) {
            return new String(buf, from, to - from, StandardCharsets.UTF_8);
        }
        byte[] out = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            byte b = buf[i];
            if (b == '\\' && i + 1 < to) {
                byte c = buf[i + 1];
                if (c == '\\' || c == '"') {
                    out[n++] = c;
                    i++;
                    continue;
                }
                if (c == 'n') {
                    out[n++] = '\n';
                    i++;
                    continue;
                }
            }
            out[n++] = b;
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    /** Parses a float token; Go's ParseFloat spellings of NaN and infinities are accepted. */
    protected double parseFloat(int from, int to, String what) throws ParseException {
        double v = FloatText.parse(buf, from, to);
        if (Double.isNaN(v) && !FloatText.isNaNText(buf, from, to)) {
            throw error("invalid " + what + " \"" + new String(buf, from, to - from, StandardCharsets.UTF_8) + "\"");
        }
        return v;
    }

    protected String excerpt(int from, int to) {
        int n = Math.min(to - from, 60);
        return new String(buf, from, Math.max(0, n), StandardCharsets.UTF_8);
    }

    /** Records the family of a TYPE line for le/quantile canonicalisation. */
    protected void setCurrentType(int nameFrom, int nameTo, MetricType t) {
        typeNameStart = nameFrom;
        typeNameEnd = nameTo;
        currentType = t;
    }
}
