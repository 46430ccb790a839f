package dev.sextant.api.app;

import dev.sextant.promql.rules.RuleUnitTests;
import dev.sextant.promql.engine.EngineOptions;
import dev.sextant.promql.engine.QueryEngine;
import dev.sextant.promql.promqltest.TestRunner;
import dev.sextant.promql.promqltest.TestScript;
import dev.sextant.tsdb.memory.MemoryStorage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Set;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sextant test …}: unit testing, as {@code promtool test …}. */
@Command(name = "test", description = "Unit testing.", subcommands = {TestCommand.Rules.class, TestCommand.Promql.class})
final class TestCommand {

    /** {@code sextant test rules <test-files…>}: runs promtool rule unit-test files. */
    @Command(name = "rules", description = "Unit tests for rules.")
    static final class Rules implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "test-rule-file")
        List<Path> files;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            RuleUnitTests.Result result = RuleUnitTests.run(files);
            out.print(result.report());
            out.flush();
            return result.exitCode();
        }
    }

    /**
     * {@code sextant test promql <files…>}: runs Prometheus {@code .test} scripts with Sextant's engine.
     * Prints {@code passed / failed / unsupported} per file and a last line {@code promqltest: N passed,
     * M failed, K unsupported}; exits 1 if any eval failed. An eval is unsupported when it runs over
     * native-histogram data, or when {@code --unsupported} lists it ({@code file:line reason} lines).
     */
    @Command(name = "promql", description = "Run PromQL test scripts (Prometheus's .test format).")
    static final class Promql implements Callable<Integer> {
        @Option(names = "--unsupported", paramLabel = "FILE",
                description = "File of 'file:line reason' lines naming evals that need features Sextant lacks.")
        Path unsupportedList;

        @Parameters(arity = "1..*", paramLabel = "test-file")
        List<Path> files;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            Set<String> unsupported = new HashSet<>();
            if (unsupportedList != null) {
                for (String line : Files.readAllLines(unsupportedList)) {
                    line = line.strip();
                    if (!line.isEmpty() && !line.startsWith("#")) {
                        int sp = line.indexOf(' ');
                        unsupported.add(sp < 0 ? line : line.substring(0, sp));
                    }
                }
            }
            TestRunner<MemoryStorage> runner = new TestRunner<>(new QueryEngine(EngineOptions.DEFAULTS), MemoryStorage::new);
            long passed = 0;
            long failed = 0;
            long skipped = 0;
            for (Path f : files) {
                String name = f.getFileName().toString();
                TestScript script = TestScript.parse(name, Files.readString(f));
                long p = 0;
                long fl = 0;
                long u = 0;
                for (TestRunner.Outcome o : runner.run(script)) {
                    if (o.passed()) {
                        p++;
                    } else if (o.histogramData() || unsupported.contains(name + ":" + o.line())) {
                        u++;
                    } else {
                        fl++;
                        out.println("  FAILED " + name + ":" + o.line() + " " + o.expr() + ": " + o.message());
                    }
                }
                out.printf("%s: %d passed / %d failed / %d unsupported%n", name, p, fl, u);
                passed += p;
                failed += fl;
                skipped += u;
            }
            out.printf("promqltest: %d passed, %d failed, %d unsupported%n", passed, failed, skipped);
            out.flush();
            return failed == 0 ? 0 : 1;
        }
    }
}
