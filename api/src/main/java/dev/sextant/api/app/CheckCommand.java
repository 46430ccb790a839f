package dev.sextant.api.app;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sextant check …}: validates files the way {@code promtool check …} does. */
@Command(name = "check", description = "Check the resources for validity.",
        subcommands = {CheckCommand.Config.class})
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
                    ConfigFile.load(f);
                    out.println(" SUCCESS: " + f + " is valid prometheus config file syntax");
                } catch (ConfigFile.ConfigException e) {
                    err.println("  FAILED: " + e.getMessage());
                    failed++;
                }
                out.println();
            }
            out.flush();
            err.flush();
            return failed == 0 ? 0 : 1;
        }
    }
}
