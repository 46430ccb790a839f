package dev.sextant.promql.rules;

import dev.sextant.tsdb.util.FileGlob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Rule-file helpers for the server and the command line: {@code rule_files} glob expansion and
 * {@code sextant check rules}.
 *
 * <p>Thread-safety: stateless.
 */
public final class RuleFiles {
    private RuleFiles() {}

    /**
     * The outcome of checking one file.
     *
     * @param rules number of rules found (0 when the file failed)
     * @param errors the complete error lines; empty on success
     */
    public record CheckResult(Path file, int rules, List<String> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }

        /**
         * What promtool prints for this file: {@code Checking <file>} then {@code   SUCCESS: N rules found}
         * or {@code   FAILED:} followed by one error per line and a blank line.
         */
        public String report() {
            StringBuilder b = new StringBuilder("Checking ").append(file).append('\n');
            if (ok()) {
                b.append("  SUCCESS: ").append(rules).append(" rules found\n");
            } else {
                b.append("  FAILED:\n");
                for (String e : errors) {
                    b.append(e).append('\n');
                }
            }
            return b.append('\n').toString();
        }
    }

    /** Validates each file independently (like {@code promtool check rules}); exit status 1 if any failed. */
    public static List<CheckResult> check(List<Path> files) {
        List<CheckResult> out = new ArrayList<>(files.size());
        for (Path f : files) {
            RuleFileParser.Result r = RuleFileParser.parseFile(f);
            out.add(new CheckResult(f, r.errors().isEmpty() ? r.ruleCount() : 0, r.errors()));
        }
        return out;
    }

    /** promtool's exit status for {@link #check}: 0 when every file passed, 1 otherwise. */
    public static int exitCode(List<CheckResult> results) {
        for (CheckResult r : results) {
            if (!r.ok()) {
                return 1;
            }
        }
        return 0;
    }

    /** Concatenated reports of {@link #check}. */
    public static String report(List<CheckResult> results) {
        StringBuilder b = new StringBuilder();
        for (CheckResult r : results) {
            b.append(r.report());
        }
        return b.toString();
    }

    /**
     * Expands {@code rule_files} patterns: relative ones against {@code baseDir} (the config file's
     * directory); {@code *}, {@code ?} and {@code [..]} glob the last path element, as Go's
     * {@code filepath.Glob}. A pattern without glob characters is returned as is, even if missing.
     * Results are sorted per pattern and de-duplicated.
     */
    public static List<Path> expand(List<String> patterns, Path baseDir) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String p : patterns) {
            Path pattern = baseDir.resolve(p).normalize();
            if (!FileGlob.hasMeta(p)) {
                if (!out.contains(pattern)) {
                    out.add(pattern);
                }
                continue;
            }
            Path dir = pattern.getParent();
            if (dir == null || FileGlob.hasMeta(dir.toString()) || !Files.isDirectory(dir)) {
                if (dir != null && FileGlob.hasMeta(dir.toString())) {
                    throw new IOException("glob in directory part is not supported: " + p);
                }
                continue;
            }
            String glob = pattern.getFileName().toString();
            try {
                FileGlob.validate(glob);
            } catch (IllegalArgumentException e) {
                throw new IOException("invalid glob " + p + ": " + e.getMessage());
            }
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(f -> FileGlob.matches(glob, f.getFileName().toString())).sorted().forEach(f -> {
                    if (!out.contains(f)) {
                        out.add(f);
                    }
                });
            }
        }
        return out;
    }
}
