package dev.sextant.promql.promqltest;

import dev.sextant.promql.parser.QueryParser;
import dev.sextant.promql.promqltest.SeriesNotation.SeriesLine;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed Prometheus {@code .test} script: a list of {@code load}, {@code clear} and {@code eval}
 * commands (see {@code spec/promqltest-format.md}).
 *
 * <p>Thread-safety: immutable after {@link #parse}.
 */
public final class TestScript {
    private static final Pattern LOAD = Pattern.compile("^load(?:_(with_nhcb))?\\s+(.+?)$");
    private static final Pattern EVAL_INSTANT =
            Pattern.compile("^eval(?:_(fail|warn|ordered|info))?\\s+instant\\s+(?:at\\s+(.+?))?\\s+(.+)$");
    private static final Pattern EVAL_RANGE = Pattern.compile(
            "^eval(?:_(fail|warn|info))?\\s+range\\s+from\\s+(.+)\\s+to\\s+(.+)\\s+step\\s+(.+?)\\s+(.+)$");
    private static final Pattern EXPECT = Pattern.compile(
            "^expect\\s+(ordered|fail|warn|no_warn|info|no_info)(?:\\s+(regex|msg):(.+))?$");
    private static final Pattern RANGE_VECTOR =
            Pattern.compile("^expect range vector\\s+from\\s+(.+)\\s+to\\s+(.+)\\s+step\\s+(.+)$");

    /** One command of a script. */
    public sealed interface Command permits Load, Clear, Eval {
        int line();
    }

    /** {@code load <interval>}: series lines whose i-th value is stored at {@code i * interval}. */
    public record Load(int line, long intervalMs, boolean withNhcb, List<SeriesLine> series) implements Command {}

    /** {@code clear}: drop all data. */
    public record Clear(int line) implements Command {}

    /** An expectation line ({@code expect warn msg: ...}). */
    public record Expectation(String kind, String mode, String text) {}

    /** An expected result series. */
    public record ExpectedSeries(SeriesLine series, int position) {}

    /**
     * An {@code eval} command. For instant evals {@code startMs == endMs} and {@code stepMs == 0}.
     * {@code scalar} is non-null when a bare number is expected; {@code string} when a string is.
     */
    public record Eval(int line, String expr, boolean range, long startMs, long endMs, long stepMs,
            List<Expectation> expectations, List<ExpectedSeries> results, Double scalar, String string,
            long rangeVectorStart, long rangeVectorStep, boolean rangeVector) implements Command {
        public boolean expectsFail() {
            return expectations.stream().anyMatch(e -> e.kind().equals("fail"));
        }

        public boolean ordered() {
            return expectations.stream().anyMatch(e -> e.kind().equals("ordered"));
        }
    }

    private final String name;
    private final List<Command> commands;

    private TestScript(String name, List<Command> commands) {
        this.name = name;
        this.commands = List.copyOf(commands);
    }

    public String name() {
        return name;
    }

    public List<Command> commands() {
        return commands;
    }

    /** Parses a script. @throws IllegalArgumentException naming the line on a syntax error */
    public static TestScript parse(String name, String text) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].trim();
            lines[i] = l.startsWith("#") ? "" : l;
        }
        List<Command> out = new ArrayList<>();
        int i = 0;
        while (i < lines.length) {
            String l = lines[i];
            if (l.isEmpty()) {
                i++;
                continue;
            }
            String word = l.split("\\s+", 2)[0].toLowerCase(java.util.Locale.ROOT);
            try {
                if (word.equals("clear")) {
                    out.add(new Clear(i + 1));
                    i++;
                } else if (word.startsWith("load")) {
                    i = parseLoad(lines, i, out);
                } else if (word.startsWith("eval")) {
                    i = parseEval(lines, i, out);
                } else {
                    throw new IllegalArgumentException("unknown command");
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(name + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new TestScript(name, out);
    }

    private static int parseLoad(String[] lines, int i, List<Command> out) {
        Matcher m = LOAD.matcher(lines[i]);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid load command: " + lines[i]);
        }
        long interval = parseDuration(m.group(2));
        List<SeriesLine> series = new ArrayList<>();
        int start = i;
        i++;
        while (i < lines.length && !lines[i].isEmpty()) {
            String l = lines[i];
            String first = l.split("\\s+", 2)[0];
            if (first.endsWith("@st")) {
                // Start timestamps are not stored by this engine; the sample line follows.
                i++;
                continue;
            }
            series.add(SeriesNotation.parseLine(l));
            i++;
        }
        out.add(new Load(start + 1, interval, m.group(1) != null, series));
        return i;
    }

    private static int parseEval(String[] lines, int i, List<Command> out) {
        String l = lines[i];
        String expr;
        boolean range;
        long start;
        long end;
        long step = 0;
        List<Expectation> exps = new ArrayList<>();
        Matcher mi = EVAL_INSTANT.matcher(l);
        Matcher mr = EVAL_RANGE.matcher(l);
        String modifier;
        if (mi.matches()) {
            range = false;
            modifier = mi.group(1);
            start = parseDuration(mi.group(2) == null ? "" : mi.group(2));
            end = start;
            expr = mi.group(3);
        } else if (mr.matches()) {
            range = true;
            modifier = mr.group(1);
            start = parseDuration(mr.group(2));
            end = parseDuration(mr.group(3));
            step = parseDuration(mr.group(4));
            expr = mr.group(5);
            if (end < start) {
                throw new IllegalArgumentException("invalid test definition, end timestamp before start");
            }
        } else {
            throw new IllegalArgumentException("invalid eval command: " + l);
        }
        if (modifier != null) {
            exps.add(new Expectation(modifier, null, null));
        }
        int line = i + 1;
        i++;
        List<ExpectedSeries> results = new ArrayList<>();
        Double scalar = null;
        String string = null;
        boolean rangeVector = false;
        long rvStart = 0;
        long rvStep = 0;
        int position = 0;
        while (i < lines.length && !lines[i].isEmpty()) {
            String b = lines[i];
            i++;
            if ("fail".equals(modifier)
                    && (b.startsWith("expected_fail_message ") || b.startsWith("expected_fail_regexp "))) {
                // Deprecated eval_fail form: the exact error (or a pattern); the line ends the block.
                boolean exact = b.startsWith("expected_fail_message ");
                exps.add(new Expectation("fail", exact ? "msg" : "regex", b.substring(b.indexOf(' ') + 1).trim()));
                break;
            }
            Matcher rv = RANGE_VECTOR.matcher(b);
            if (rv.matches()) {
                rangeVector = true;
                rvStart = parseDuration(rv.group(1));
                end = parseDuration(rv.group(2));
                rvStep = parseDuration(rv.group(3));
                start = end;
                position++;
                continue;
            }
            if (b.startsWith("expect string ")) {
                string = QueryParser.unquote(b.substring("expect string ".length()).trim());
                position++;
                continue;
            }
            if (b.split(" ", 2)[0].equals("expect")) {
                Matcher em = EXPECT.matcher(b);
                if (!em.matches()) {
                    throw new IllegalArgumentException("invalid expect line: " + b);
                }
                exps.add(new Expectation(em.group(1), em.group(2), em.group(3) == null ? null : em.group(3).trim()));
                continue;
            }
            Double num = tryNumber(b);
            if (num != null) {
                scalar = num;
                break;
            }
            SeriesLine sl = SeriesNotation.parseLine(b);
            position++;
            if (!range && !rangeVector && sl.slots().size() != 1) {
                throw new IllegalArgumentException("expected exactly one value in instant result: " + b);
            }
            results.add(new ExpectedSeries(sl, position));
        }
        out.add(new Eval(line, expr, range, start, end, step, exps, results, scalar, string, rvStart, rvStep,
                rangeVector));
        return i;
    }

    private static Double tryNumber(String s) {
        if (s.indexOf(' ') >= 0 || s.indexOf('\t') >= 0 || s.indexOf('{') >= 0) {
            return null;
        }
        try {
            return SeriesNotation.parseNumber(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Parses a Prometheus model duration ({@code 1h30m}, {@code 0}) into milliseconds. */
    static long parseDuration(String s) {
        return dev.sextant.tsdb.model.PromDuration.parseMillis(s);
    }
}
