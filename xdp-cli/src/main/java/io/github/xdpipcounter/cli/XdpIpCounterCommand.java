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
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The flags of xdp-ip-counter, the peer tool's names and defaults, validated into {@link Settings}. */
@Command(name = Main.NAME,
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

    @Option(names = {"-i", "--iface"}, split = ",", paramLabel = "IFACE",
            description = "Interfaces to attach to, comma-separated or repeated. Default: the interface of "
                    + "the default route, else eth0 (here: ${sys:" + DefaultInterface.PROPERTY + "}).")
    List<String> interfaces = new ArrayList<>(List.of(DefaultInterface.remembered()));

    @Option(names = {"-p", "--ports"}, paramLabel = "PORTS", converter = OptionConverters.Ports.class,
            description = "Destination ports to count: ports and ranges, e.g. 22,80,8000-8100; "
                    + "0 counts every port; listening (alone or in the list, e.g. listening,8080) adds the ports "
                    + "this host's TCP sockets listen on and its UDP sockets are bound to, read again at every "
                    + "window boundary. ICMP is never port filtered. Default: 0.")
    PortSelection ports = PortSelection.all();

    @Option(names = "--transports", split = ",", paramLabel = "LIST", converter = OptionConverters.Transports.class,
            completionCandidates = OptionConverters.TransportLabels.class,
            description = "What is tracked: tcp, udp, udplite, sctp, icmp, icmpv6, comma-separated. ICMP rows "
                    + "carry the ICMP type in the port label (8: echo request; 128 for ICMPv6). "
                    + "Default: tcp,udp,udplite,sctp.")
    List<Transport> transports;

    @Option(names = "--tcp", paramLabel = "all|syn", converter = OptionConverters.TcpSegments.class,
            completionCandidates = OptionConverters.TcpLabels.class,
            description = "TCP segments counted: all, or syn (connection attempts only: SYN without ACK, so a "
                    + "long connection counts in the window it started in). Default: all.")
    TcpPackets tcp = TcpPackets.ALL;

    @Option(names = "--destinations", paramLabel = "LIST", converter = OptionConverters.Destinations.class,
            description = "Count only packets to these destinations: local (this host's own addresses and "
                    + "broadcast addresses, following address changes) and/or CIDRs, e.g. local or "
                    + "192.0.2.0/24,2001:db8::/32. Others (forwarded, bridged) are ignored as not_for_this_host. "
                    + "Default: every destination.")
    DestinationFilter destinations = DestinationFilter.ANY;

    @Option(names = "--include-sources", paramLabel = "LIST", converter = OptionConverters.IncludedSources.class,
            description = "Count only sources in these CIDRs and named sets (loopback, private, link-local, "
                    + "cgnat, non-global), e.g. 10.0.0.0/8,fd00::/8. Default: every source.")
    SourceFilter included = SourceFilter.ALL;

    @Option(names = "--exclude-sources", paramLabel = "LIST", converter = OptionConverters.ExcludedSources.class,
            description = "Never count sources in these CIDRs and named sets, e.g. non-global (the IANA special-"
                    + "purpose ranges that are not globally reachable) or loopback,192.0.2.0/24; they are ignored "
                    + "as source_excluded. Wins over --include-sources. Default: none.")
    SourceFilter excluded = SourceFilter.ALL;

    @Option(names = {"-w", "--window"}, paramLabel = "LENGTH", converter = OptionConverters.WindowLength.class,
            description = "Window length: seconds (60) or with a unit (30s, 5m, 1h); at least 1s. "
                    + "Default: 60.")
    Duration window = Windows.DEFAULT_LENGTH;

    @Option(names = {"-s", "--server-port"}, paramLabel = "PORT", converter = OptionConverters.ServerPort.class,
            description = "TCP port serving /metrics and /list. Default: " + ExporterConfig.DEFAULT_PORT + ".")
    int serverPort = ExporterConfig.DEFAULT_PORT;

    @Option(names = "--serve-ip-list",
            description = "Also serve /list: every source of the last window as JSON.")
    boolean serveIpList;

    @Option(names = "--bind", paramLabel = "ADDRESS", converter = OptionConverters.BindAddress.class,
            description = "IP address to listen on, e.g. 127.0.0.1 or ::1. Default: all addresses.")
    InetAddress bind;

    @Option(names = "--mode", paramLabel = "MODE", converter = OptionConverters.Mode.class,
            completionCandidates = OptionConverters.ModeLabels.class,
            description = "XDP attach mode: skb (generic, works everywhere), driver (native, needs driver "
                    + "support) or hw (offloaded to the NIC). Default: skb.")
    XdpMode mode = XdpMode.SKB;

    @Option(names = "--max-sources", paramLabel = "N", converter = OptionConverters.MaxSources.class,
            description = "Sources per network a window holds before the oldest are evicted "
                    + "(about 100 bytes of kernel memory each, in four maps). Default: 65536.")
    int maxSources = Windows.DEFAULT_MAX_SOURCES;

    @Option(names = "--max-port-series", paramLabel = "N", converter = OptionConverters.MaxPortSeries.class,
            description = "Per-port series beyond the ports given with --ports: the busiest ports of a window "
                    + "get their own active_users series, the rest are folded into port=\"other\" (which counts "
                    + "their distinct sources); packet and byte counters of ports idle for "
                    + SeriesLimits.DEFAULT_IDLE_WINDOWS + " windows go. Default: " + SeriesLimits.DEFAULT_MAX_PORT_SERIES + ".")
    int maxPortSeries = SeriesLimits.DEFAULT.maxPortSeries();

    @Option(names = "--web.config.file", paramLabel = "FILE", converter = OptionConverters.WebConfigFile.class,
            description = "TLS and basic authentication for /metrics and /list, in the web configuration "
                    + "format of the Prometheus exporters (node_exporter's --web.config.file): "
                    + "tls_server_config and basic_auth_users with bcrypt hashes. Changes to the file and "
                    + "its certificates apply to the next connection, without a restart.")
    WebSecurity webSecurity = WebSecurity.none();

    @Option(names = {"-v", "--verbose"}, description = "Log every window, and stack traces of errors.")
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, description = "Log warnings and errors only.")
    boolean quiet;

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
        if (verbose && quiet) {
            throw new ParameterException(spec.commandLine(), "--verbose and --quiet exclude each other: give one");
        }
        List<String> names = new ArrayList<>(new LinkedHashSet<>(interfaces));
        for (String name : names) {
            checkInterface(name);
        }
        InetAddress address = bind != null ? bind : new InetSocketAddress(0).getAddress();
        Level level = verbose ? Level.FINE : quiet ? Level.WARNING : Level.INFO;
        if (ports.isListening()) {
            checkListeningSockets();
        }
        TrafficFilter filter = TrafficFilter.DEFAULT
                .withSources(included.withExclude(excluded.exclude()))
                .withDestinations(destinations)
                .withTransports(transports == null ? Transport.DEFAULT_TRACKED : EnumSet.copyOf(transports))
                .withTcp(tcp);
        Windows windows = new Windows(window, maxSources, Windows.DEFAULT_TICK);
        CounterConfig counter = new CounterConfig(names, ports, windows, mode, filter);
        ExporterConfig exporter = new ExporterConfig(address, serverPort, serveIpList)
                .withUnservedList(UNSERVED_LIST)
                .withSecurity(webSecurity)
                .withSeries(new SeriesLimits(maxPortSeries, SeriesLimits.DEFAULT.idleWindows()));
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
            String hint = interfaces.size() == 1 && name.equals(DefaultInterface.FALLBACK)
                    && spec.commandLine().getParseResult().matchedOption("--iface") == null
                    ? " (the default, as no default route was found): give --iface" : ": see 'ip link' for the names here";
            throw new ParameterException(spec.commandLine(),
                    "Invalid value for option '--iface': no network interface named '" + name + "'" + hint);
        }
    }
}
