package io.github.xdpipcounter.cli;

import java.io.PrintWriter;
import java.util.logging.Level;

import io.github.xdpipcounter.exporter.JdkHttpServerSettings;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * {@code xdp-ip-counter}: the command-line tool. Exit codes: 0 after
 * SIGINT/SIGTERM (or --help, --version), 1 when starting failed, 2 for bad
 * input. Errors are one line on stderr, never a stack trace.
 */
public final class Main {
    static final String NAME = "xdp-ip-counter";
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        // Before any HTTP server class loads: the JDK server reads these once.
        JdkHttpServerSettings.applyDefaults();
        int code = commandLine(Main::runService).execute(args);
        System.exit(code);
    }

    /** The command line with our error handling, running {@code runner} once the flags are valid. */
    static CommandLine commandLine(XdpIpCounterCommand.Runner runner) {
        CommandLine cli = new CommandLine(new XdpIpCounterCommand(runner));
        cli.setParameterExceptionHandler(Main::badInput);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            Logging.error(System.err, e.getMessage() != null ? e.getMessage().lines().findFirst().orElse("") : e.toString());
            return EXIT_FAILURE;
        });
        return cli;
    }

    /** One line naming the flag, the value and the accepted form; no usage dump. */
    private static int badInput(ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        String message = e.getMessage();
        if (message != null && !message.isEmpty()) {
            message = Character.toLowerCase(message.charAt(0)) + message.substring(1);
        }
        err.println(NAME + ": " + message + " (see --help)");
        err.flush();
        return EXIT_USAGE;
    }

    /**
     * Production runner: start, serve until a signal, detach, exit 0. The
     * signal handling is in place before anything starts, and the start-up
     * line is out before /metrics answers its first 200.
     */
    static int runService(Settings settings) {
        Logging.configure(settings.logLevel());
        SignalShutdown shutdown = SignalShutdown.install();
        Privileges.excessWarning().ifPresent(warning ->
                System.getLogger(Main.class.getName()).log(System.Logger.Level.WARNING, warning));
        Service service;
        try {
            service = Service.start(settings);
        } catch (Service.StartFailure e) {
            Logging.error(System.err, e.getMessage());
            if (settings.logLevel().intValue() <= Level.FINE.intValue()) {
                e.getCause().printStackTrace();
            }
            shutdown.exitStatus(EXIT_FAILURE);
            return EXIT_FAILURE;
        }
        shutdown.closeOnExit(service);
        // Served before the line that says so: whoever reads "counting sources ... serving" may scrape at once.
        service.publish();
        System.getLogger(Main.class.getName()).log(System.Logger.Level.INFO, service.startupLine());
        SignalShutdown.awaitForever();
        return 0; // not reached: the shutdown hook ends the process
    }
}
