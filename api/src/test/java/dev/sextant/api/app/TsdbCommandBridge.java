package dev.sextant.api.app;

/** Lets tests in other packages run the CLI and share TsdbCommandTest's fixtures. */
public final class TsdbCommandBridge {
    public static final String OPENMETRICS = TsdbCommandTest.OPENMETRICS;
    public static final String DUMP = TsdbCommandTest.DUMP;

    private TsdbCommandBridge() {}

    /** A fresh command line (set its out and err to capture them). */
    public static picocli.CommandLine commandLine() {
        return Main.commandLine();
    }

    public static int run(String... args) {
        return Main.commandLine().execute(args);
    }
}
