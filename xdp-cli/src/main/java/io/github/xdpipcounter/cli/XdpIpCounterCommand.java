package io.github.xdpipcounter.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Level;

import io.github.xdpipcounter.core.CounterConfig;
import io.github.xdpipcounter.core.DestinationFilter;
import io.github.xdpipcounter.core.IpCounter;
import io.github.xdpipcounter.core.PortSelection;
import io.github.xdpipcounter.core.SourceFilter;
import io.github.xdpipcounter.core.TcpPackets;
import io.github.xdpipcounter.core.TrafficFilter;
import io.github.xdpipcounter.core.Transport;
import io.github.xdpipcounter.core.Windows;
import io.github.xdpipcounter.core.bpf.XdpMode;
import io.github.xdpipcounter.exporter.ExporterConfig;
import io.github.xdpipcounter.exporter.SeriesLimits;
import io.github.xdpipcounter.exporter.WebSecurity;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The flags of xdp-ip-counter, the peer tool's names and defaults, validated into {@link Settings}.
 * They come in the sections --help shows them in, one group a section; what each flag means is
 * said in Help.properties (beside this class), under the flag's name.
 */
@Command(name = Main.NAME,
        resourceBundle = "io.github.xdpipcounter.cli.Help",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        header = "Counts the unique source addresses per destination port with XDP, and serves them to Prometheus.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        description = "Attaches an XDP program to the interfaces and counts the distinct sources sending TCP, UDP, "
                + "UDP-Lite or SCTP (and, on request, ICMP) to each destination port, over IPv4 and IPv6, one window "
                + "after another. "
                + "Serves the last completed window to Prometheus at /metrics on the server port and, with "
                + "--serve-ip-list, its sources as JSON at /list. Every source and destination counts, private and "
                + "loopback addresses included, unless filtered with --exclude-sources, --include-sources or "
                + "--destinations. Needs root (or CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON). SIGINT or SIGTERM "
                + "detaches and exits; if the process is killed, the kernel detaches the program itself.",
        optionListHeading = "%nOptions:%n",
        footerHeading = "%n",
        footer = {
                "Examples:",
                "  xdp-ip-counter --iface eth0 --ports 22,80,443 --window 5m",
                "  xdp-ip-counter -i eth0,eth1 -p 8000-8100 -s 9100 --bind 127.0.0.1 \\",
                "      --serve-ip-list",
                "  curl -s 'localhost:3031/list?network=IPv6&port=22&limit=10'",
                "  xdp-ip-counter -i eth0 --destinations local --exclude-sources non-global \\",
                "      --ports listening --tcp syn",
                "  xdp-ip-counter -i eth0 --transports tcp,udp,icmp,icmpv6",
                "",
                "Exit status: 0 after SIGINT or SIGTERM; 1 when starting failed (no privileges,",
                "port in use, libbpf missing); 2 for bad command-line input. Nothing stays",
                "attached in any case."})
final class XdpIpCounterCommand implements Callable<Integer> {
    /** What a request for /list is told when the list is off: the flag that turns it on. */
    static final String UNSERVED_LIST = "/list is not served: start " + Main.NAME + " with --serve-ip-list";

    /** What runs once the flags are valid: the service in production, a recorder in tests. */
    interface Runner {
        int run(Settings settings) throws Exception;
    }

    @Spec
    CommandSpec spec;

    @ArgGroup(validate = false, headingKey = "attachment", order = 1)
    Attachment attachment = new Attachment();

    @ArgGroup(validate = false, headingKey = "counting", order = 2)
    Counting counting = new Counting();

    @ArgGroup(validate = false, headingKey = "filters", order = 3)
    Filters filters = new Filters();

    @ArgGroup(validate = false, headingKey = "serving", order = 4)
    Serving serving = new Serving();

    @ArgGroup(validate = false, headingKey = "logging", order = 5)
    Verbosity verbosity = new Verbosity();

    /** Where the program attaches, and how. */
    static final class Attachment {
        @Option(names = {"-i", "--iface"}, split = ",", paramLabel = "IFACE")
        List<String> interfaces = new ArrayList<>(List.of(DefaultInterface.remembered()));

        @Option(names = "--mode", paramLabel = "MODE", converter = OptionConverters.Mode.class,
                completionCandidates = OptionConverters.ModeLabels.class)
        XdpMode mode = XdpMode.SKB;
    }

    /** What a window counts: ports and transports, and how long and large a window is. */
    static final class Counting {
        @Option(names = {"-p", "--ports"}, paramLabel = "PORTS", converter = OptionConverters.Ports.class)
        PortSelection ports = PortSelection.all();

        @Option(names = {"-w", "--window"}, paramLabel = "LENGTH", converter = OptionConverters.WindowLength.class)
        Duration window = Windows.DEFAULT_LENGTH;

        @Option(names = "--max-sources", paramLabel = "N", converter = OptionConverters.MaxSources.class)
        int maxSources = Windows.DEFAULT_MAX_SOURCES;

        @Option(names = "--transports", split = ",", paramLabel = "LIST", converter = OptionConverters.Transports.class,
                completionCandidates = OptionConverters.TransportLabels.class)
        List<Transport> transports;

        @Option(names = "--tcp", paramLabel = "all|syn", converter = OptionConverters.TcpSegments.class,
                completionCandidates = OptionConverters.TcpLabels.class)
        TcpPackets tcp = TcpPackets.ALL;
    }

    /** Which destinations and sources count. */
    static final class Filters {
        @Option(names = "--destinations", paramLabel = "LIST", converter = OptionConverters.Destinations.class)
        DestinationFilter destinations = DestinationFilter.ANY;

        @Option(names = "--include-sources", paramLabel = "LIST", converter = OptionConverters.IncludedSources.class)
        SourceFilter included = SourceFilter.ALL;

        @Option(names = "--exclude-sources", paramLabel = "LIST", converter = OptionConverters.ExcludedSources.class)
        SourceFilter excluded = SourceFilter.ALL;
    }

    /** The HTTP server: where, what, to whom, and how many series. */
    static final class Serving {
        @Option(names = {"-s", "--server-port"}, paramLabel = "PORT", converter = OptionConverters.ServerPort.class)
        int serverPort = ExporterConfig.DEFAULT_PORT;

        @Option(names = "--bind", paramLabel = "ADDRESS", converter = OptionConverters.BindAddress.class)
        InetAddress bind;

        @Option(names = "--serve-ip-list")
        boolean serveIpList;

        @Option(names = "--web.config.file", paramLabel = "FILE", converter = OptionConverters.WebConfigFile.class)
        WebSecurity webSecurity = WebSecurity.none();

        @Option(names = "--max-port-series", paramLabel = "N", converter = OptionConverters.MaxPortSeries.class)
        int maxPortSeries = SeriesLimits.DEFAULT.maxPortSeries();
    }

    /** How much the command logs. */
    static final class Verbosity {
        @Option(names = {"-v", "--verbose"})
        boolean verbose;

        @Option(names = {"-q", "--quiet"})
        boolean quiet;
    }

    private final Runner runner;

    /**
     * The command as it runs in production: what picocli's own tools
     * instantiate by class (AutoComplete, the man page generator).
     */
    XdpIpCounterCommand() {
        this(Main::runService);
    }

    XdpIpCounterCommand(Runner runner) {
        this.runner = runner;
    }

    @Override
    public Integer call() throws Exception {
        return runner.run(settings());
    }

    /** The flags as settings, after the checks picocli cannot make alone. */
    Settings settings() {
        if (verbosity.verbose && verbosity.quiet) {
            throw new ParameterException(spec.commandLine(), "--verbose and --quiet exclude each other: give one");
        }
        List<String> names = new ArrayList<>(new LinkedHashSet<>(attachment.interfaces));
        for (String name : names) {
            checkInterface(name);
        }
        Level level = verbosity.verbose ? Level.FINE : verbosity.quiet ? Level.WARNING : Level.INFO;
        if (counting.ports.isListening()) {
            checkListeningSockets();
        }
        TrafficFilter filter = TrafficFilter.DEFAULT
                .withSources(filters.included.withExclude(filters.excluded.exclude()))
                .withDestinations(filters.destinations)
                .withTransports(counting.transports == null ? Transport.DEFAULT_TRACKED : EnumSet.copyOf(counting.transports))
                .withTcp(counting.tcp);
        Windows windows = new Windows(counting.window, counting.maxSources, Windows.DEFAULT_TICK);
        CounterConfig counter = new CounterConfig(names, counting.ports, windows, attachment.mode, filter);
        InetAddress address = serving.bind != null ? serving.bind : new InetSocketAddress(0).getAddress();
        ExporterConfig exporter = new ExporterConfig(address, serving.serverPort, serving.serveIpList)
                .withUnservedList(UNSERVED_LIST)
                .withSecurity(serving.webSecurity)
                .withSeries(new SeriesLimits(serving.maxPortSeries, SeriesLimits.DEFAULT.idleWindows()));
        return new Settings(counter, exporter, level);
    }

    /** --ports listening needs the sockets read: a kernel without sock_diag is a bad value, found before attaching. */
    private void checkListeningSockets() {
        try {
            IpCounter.checkListeningPortsReadable();
        } catch (RuntimeException e) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--ports': the listening ports cannot be read here: "
                    + e.getMessage());
        }
    }

    private void checkInterface(String name) {
        if (name.isBlank()) {
            throw new ParameterException(spec.commandLine(),
                    "Invalid value for option '--iface': empty interface name: expected names like eth0 or eth0,eth1");
        }
        NetworkInterface found;
        try {
            found = name.length() < 16 ? NetworkInterface.getByName(name) : null;
        } catch (SocketException e) {
            found = null;
        }
        if (found == null) {
            String hint = attachment.interfaces.size() == 1 && name.equals(DefaultInterface.FALLBACK)
                    && spec.commandLine().getParseResult().matchedOption("--iface") == null
                    ? " (the default, as no default route was found): give --iface" : ": see 'ip link' for the names here";
            throw new ParameterException(spec.commandLine(),
                    "Invalid value for option '--iface': no network interface named '" + name + "'" + hint);
        }
    }
}
