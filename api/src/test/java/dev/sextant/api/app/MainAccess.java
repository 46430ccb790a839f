package dev.sextant.api.app;

import picocli.CommandLine;

/** Test access to {@link Main}'s command line from other packages' tests. */
public final class MainAccess {
    private MainAccess() {}

    public static CommandLine commandLine() {
        return Main.commandLine();
    }
}
