package dev.sextant.api.app;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import dev.sextant.promql.rules.RuleFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sextant check …}: validates files the way {@code promtool check …} does. */
@Command(name = "check", description = "Check the resources for validity.",
        subcommands = {CheckCommand.Config.class, CheckCommand.Rules.class, CheckCommand.WebConfigCheck.class})
final class CheckCommand {

    /** {@code sextant check config <files…>}: exit 0 when every file is valid, 1 otherwise. */
    @Command(name = "config", description = "Check if the config files are valid or not.")
    static final class Config implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "config-files")
        List<Path> files;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            int failed = 0;
            for (Path f : files) {
                out.println("Checking " + f);
                try {
                    ConfigFile c = ConfigFile.load(f);
                    out.println(" SUCCESS: " + f + " is valid prometheus config file syntax");
                    // Like promtool, the rule files the config names are checked too.
                    Path base = f.toAbsolutePath().getParent();
                    List<Path> ruleFiles = RuleFiles.expand(c.scrape().ruleFiles(), base);
                    out.println();
                    if (!ruleFiles.isEmpty()) {
                        for (RuleFiles.CheckResult r : RuleFiles.check(ruleFiles)) {
                            out.print(r.report());
                            if (!r.ok()) {
                                failed++;
                            }
                        }
                    }
                } catch (ConfigFile.ConfigException | java.io.IOException e) {
                    err.println("  FAILED: " + e.getMessage());
                    failed++;
                    out.println();
                }
            }
            out.flush();
            err.flush();
            return failed == 0 ? 0 : 1;
        }
    }

    /** {@code sextant check rules <files…>}: like {@code promtool check rules}. */
    @Command(name = "rules", description = "Check if the rule files are valid or not.")
    static final class Rules implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "rule-files")
        List<Path> files;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<RuleFiles.CheckResult> results = RuleFiles.check(files);
            out.print(RuleFiles.report(results));
            out.flush();
            for (RuleFiles.CheckResult r : results) {
                if (!r.ok()) {
                    return 1;
                }
            }
            return 0;
        }
    }

    /**
     * {@code sextant check web-config <files…>}: like {@code promtool check web-config}, reads each
     * file and the certificates, keys and CAs it names; prints {@code <file> SUCCESS} or
     * {@code <file> FAILED: <error>} on standard error; exit 1 when any file fails.
     */
    @Command(name = "web-config", description = "Check if the web config files are valid or not.")
    static final class WebConfigCheck implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "web-config-files")
        List<Path> files;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            boolean failed = false;
            for (Path f : files) {
                try {
                    dev.sextant.api.http.security.WebConfig.validate(f);
                    err.println(f + " SUCCESS");
                } catch (dev.sextant.api.http.security.WebConfigException e) {
                    err.println(f + " FAILED: " + e.getMessage());
                    failed = true;
                }
            }
            err.flush();
            return failed ? 1 : 0;
        }
    }
}
