package dev.sextant.api.app;

import dev.sextant.promql.rules.RuleUnitTests;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sextant test …}: unit testing, as {@code promtool test …}. */
@Command(name = "test", description = "Unit testing.", subcommands = {TestCommand.Rules.class})
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
}
