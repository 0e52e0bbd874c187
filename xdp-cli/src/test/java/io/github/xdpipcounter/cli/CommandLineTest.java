package io.github.xdpipcounter.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.github.xdpipcounter.core.AddressBlock;
import io.github.xdpipcounter.core.AddressSet;
import io.github.xdpipcounter.core.DestinationFilter;
import io.github.xdpipcounter.core.PortSelection;
import io.github.xdpipcounter.core.SourceFilter;
import io.github.xdpipcounter.core.TcpPackets;
import io.github.xdpipcounter.core.TrafficFilter;
import io.github.xdpipcounter.core.Transport;
import io.github.xdpipcounter.core.bpf.XdpMode;
import io.github.xdpipcounter.exporter.SeriesLimits;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every flag, good and bad, in-process: the runner records what would have
 * started, so a bad flag is shown to stop before anything is loaded or
 * attached. Only "lo" is named, and nothing is attached to it.
 */
class CommandLineTest {
    private final List<Settings> started = new ArrayList<>();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine(settings -> {
            started.add(settings);
            return 0;
        });
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private Settings only() {
        assertThat(started).hasSize(1);
        return started.getFirst();
    }

    @Test
    void defaultsAreThePeerToolsPlusOurs() {
        assertThat(run("-i", "lo")).isZero();
        Settings s = only();
        assertThat(s.counter().interfaces()).containsExactly("lo");
        assertThat(s.counter().ports().isAll()).isTrue();
        assertThat(s.counter().windows().length()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.counter().mode()).isEqualTo(XdpMode.SKB);
        assertThat(s.counter().windows().maxSources()).isEqualTo(65_536);
        assertThat(s.exporter().port()).isEqualTo(3031);
        assertThat(s.exporter().serveIpList()).isFalse();
        assertThat(s.exporter().unservedList()).isEqualTo("/list is not served: start xdp-ip-counter with --serve-ip-list");
        assertThat(s.exporter().bind().isAnyLocalAddress()).isTrue();
        assertThat(s.logLevel()).isEqualTo(Level.INFO);
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void everyFlagLongAndShort() throws Exception {
        assertThat(run("--iface", "lo", "--ports", "22,80,8000-8100", "--window", "5m", "--server-port", "9100",
                "--serve-ip-list", "--bind", "127.0.0.1", "--mode", "driver", "--max-sources", "1000000", "--verbose")).isZero();
        Settings s = only();
        assertThat(s.counter().ports()).isEqualTo(PortSelection.parse("22,80,8000-8100"));
        assertThat(s.counter().windows().length()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.exporter().port()).isEqualTo(9100);
        assertThat(s.exporter().serveIpList()).isTrue();
        assertThat(s.exporter().bind()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(s.counter().mode()).isEqualTo(XdpMode.DRIVER);
        assertThat(s.counter().windows().maxSources()).isEqualTo(1_000_000);
        assertThat(s.logLevel()).isEqualTo(Level.FINE);

        started.clear();
        assertThat(run("-i", "lo", "-p", "443", "-w", "30s", "-s", "3032", "-q", "--mode", "hw", "--bind", "::1")).isZero();
        s = only();
        assertThat(s.counter().ports()).isEqualTo(PortSelection.of(443));
        assertThat(s.counter().windows().length()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.exporter().port()).isEqualTo(3032);
        assertThat(s.exporter().bind()).isEqualTo(InetAddress.getByName("::1"));
        assertThat(s.counter().mode()).isEqualTo(XdpMode.HW);
        assertThat(s.logLevel()).isEqualTo(Level.WARNING);
    }

    @ParameterizedTest(name = "--window {0}")
    @CsvSource({"1, PT1S", "60, PT1M", "90, PT1M30S", "1s, PT1S", "45s, PT45S", "5m, PT5M", "1h, PT1H", "24h, PT24H", "7S, PT7S"})
    void windowLengths(String value, Duration expected) {
        assertThat(run("-i", "lo", "-w", value)).isZero();
        assertThat(only().counter().windows().length()).isEqualTo(expected);
    }

    @Test
    void interfacesCommaSeparatedOrRepeatedAndDeduplicated() {
        assertThat(run("-i", "lo,lo", "--iface", "lo")).isZero();
        assertThat(only().counter().interfaces()).containsExactly("lo");
    }

    @Test
    void portZeroMeansAll() {
        assertThat(run("-i", "lo", "-p", "0")).isZero();
        assertThat(only().counter().ports().isAll()).isTrue();
    }

    @Test
    void aThousandPortsAreFine() {
        assertThat(run("-i", "lo", "-p", "1-1000,2000,3000-3100")).isZero();
        assertThat(only().counter().ports().explicitPorts().count()).isEqualTo(1102);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            -p          | 70000        | invalid value for option '--ports': port 70000 is out of range: ports are 1-65535
            -p          | http         | invalid value for option '--ports': 'http' in port list 'http' is not a port: expected numbers 1-65535 and ranges like 8000-8100
            -p          | 22,,80       | invalid value for option '--ports': empty element in port list '22,,80': expected ports and ranges like 22,80,8000-8100
            -p          | ''           | invalid value for option '--ports': empty port list: expected ports and ranges like 22,80,8000-8100, or 0 for all
            -p          | 100-20       | invalid value for option '--ports': reversed range '100-20': write the lower port first, e.g. 20-100
            -p          | -5           | invalid value for option '--ports': '' in port list '-5' is not a port: expected numbers 1-65535 and ranges like 8000-8100
            -p          | 22,0         | invalid value for option '--ports': port 0 in list '22,0': 0 alone means every port; ports are 1-65535
            --ports     | 1-99999      | invalid value for option '--ports': port 99999 is out of range: ports are 1-65535
            -w          | 0            | invalid value for option '--window': '0' is too short: expected seconds (60) or a number with s, m or h (30s, 5m, 1h), at least 1s
            -w          | 0s           | invalid value for option '--window': '0s' is too short: expected seconds (60) or a number with s, m or h (30s, 5m, 1h), at least 1s
            -w          | -5           | invalid value for option '--window': '-5' is not a window length: expected seconds (60) or a number with s, m or h (30s, 5m, 1h), at least 1s
            -w          | 10x          | invalid value for option '--window': '10x' is not a window length: expected seconds (60) or a number with s, m or h (30s, 5m, 1h), at least 1s
            -w          | 1.5m         | invalid value for option '--window': '1.5m' is not a window length: expected seconds (60) or a number with s, m or h (30s, 5m, 1h), at least 1s
            --window    | ''           | invalid value for option '--window': '' is not a window length: expected seconds (60) or a number with s, m or h (30s, 5m, 1h), at least 1s
            -s          | 0            | invalid value for option '--server-port': '0' is not a TCP port: expected a number 1-65535
            -s          | 65536        | invalid value for option '--server-port': '65536' is not a TCP port: expected a number 1-65535
            --server-port | abc        | invalid value for option '--server-port': 'abc' is not a TCP port: expected a number 1-65535
            --mode      | xdp          | invalid value for option '--mode': unknown XDP mode 'xdp': expected skb, driver or hw
            --bind      | example.com  | invalid value for option '--bind': 'example.com' is not an IP address: expected e.g. 127.0.0.1, ::1 or 0.0.0.0
            --bind      | 300.1.1.1    | invalid value for option '--bind': '300.1.1.1' is not an IP address: expected e.g. 127.0.0.1, ::1 or 0.0.0.0
            --max-sources | 0          | invalid value for option '--max-sources': '0' is not a source capacity: expected a number 1-16777216
            --max-sources | lots       | invalid value for option '--max-sources': 'lots' is not a source capacity: expected a number 1-16777216
            --max-port-series | 0      | invalid value for option '--max-port-series': '0' is not a series count: expected a number 1-524288
            --max-port-series | many   | invalid value for option '--max-port-series': 'many' is not a series count: expected a number 1-524288
            --web.config.file | /nonexistent/web.yml | invalid value for option '--web.config.file': web config /nonexistent/web.yml: no such file
            -i          | nosuch0      | invalid value for option '--iface': no network interface named 'nosuch0': see 'ip link' for the names here
            -i          | lo,nosuch0   | invalid value for option '--iface': no network interface named 'nosuch0': see 'ip link' for the names here
            -i          | ''           | invalid value for option '--iface': empty interface name: expected names like eth0 or eth0,eth1
            --exclude-sources | 10.0.0.0/33 | invalid value for option '--exclude-sources': prefix length 33 in '10.0.0.0/33' is too long: an IPv4 prefix is 0 to 32 bits
            --exclude-sources | 10.0.0.0/8,,fc00::/7 | invalid value for option '--exclude-sources': empty element in address list '10.0.0.0/8,,fc00::/7': expected CIDRs like 10.0.0.0/8,2001:db8::/32 or loopback, private, link-local, cgnat, non-global
            --exclude-sources | privat  | invalid value for option '--exclude-sources': unknown address set 'privat': expected one of loopback, private, link-local, cgnat, non-global, or CIDRs like 10.0.0.0/8
            --include-sources | 10.0.0.300 | invalid value for option '--include-sources': '10.0.0.300' is not an address block: expected an IPv4 address of four decimal numbers 0-255 (10.0.0.0/8), or an IPv6 one (2001:db8::/32)
            --include-sources | example.com | invalid value for option '--include-sources': 'example.com' is not an address block: expected an IPv4 address of four decimal numbers 0-255 (10.0.0.0/8), or an IPv6 one (2001:db8::/32)
            --destinations | remote      | invalid value for option '--destinations': 'remote' is not a destination: expected local or CIDRs like 192.0.2.0/24,2001:db8::/32
            --destinations | local,fe80::/129 | invalid value for option '--destinations': prefix length 129 in 'fe80::/129' is too long: an IPv6 prefix is 0 to 128 bits
            --transports | tcp,icmp4    | invalid value for option '--transports' (LIST): unknown transport 'icmp4': expected tcp, udp, udplite, sctp, icmp or icmpv6
            --transports | ''           | invalid value for option '--transports' (LIST): unknown transport '': expected tcp, udp, udplite, sctp, icmp or icmpv6
            --tcp        | synack       | invalid value for option '--tcp': 'synack' is not a TCP choice: expected all (every segment) or syn (connection attempts only)
            --ports      | listening,http | invalid value for option '--ports': 'http' in port list 'http' is not a port: expected numbers 1-65535 and ranges like 8000-8100
            --ports      | listening,,80 | invalid value for option '--ports': empty element in port list 'listening,,80': expected listening, ports and ranges like listening,22,8000-8100
            -i          | averyveryverylongname | invalid value for option '--iface': no network interface named 'averyveryverylongname': see 'ip link' for the names here
            """)
    void badInputIsOneLineAndExit2AndNothingStarts(String flag, String value, String message) {
        assertThat(run("-i", "lo", flag, value)).isEqualTo(2);
        assertThat(started).as("nothing may start on bad input").isEmpty();
        assertThat(err.toString()).isEqualTo(Main.NAME + ": " + message + " (see --help)" + System.lineSeparator());
    }

    @Test
    void filtersByDefaultCountEverything() {
        assertThat(run("-i", "lo")).isZero();
        assertThat(only().counter().filter()).isEqualTo(TrafficFilter.DEFAULT);
    }

    @Test
    void sourceFiltersTakeCidrsAndNamedSets() {
        assertThat(run("-i", "lo", "--exclude-sources", "non-global", "--include-sources",
                " 10.0.0.0/8, Loopback ,2001:db8::1")).isZero();
        SourceFilter sources = only().counter().filter().sources();
        assertThat(sources.exclude()).containsExactlyInAnyOrderElementsOf(AddressSet.NON_GLOBAL.blocks());
        List<AddressBlock> included = new ArrayList<>(AddressSet.LOOPBACK.blocks());
        included.add(AddressBlock.parse("10.0.0.0/8"));
        included.add(AddressBlock.parse("2001:db8::1/128"));
        assertThat(sources.include()).containsExactlyInAnyOrderElementsOf(included);
        assertThat(only().counter().filter().destinations()).isEqualTo(DestinationFilter.ANY);
    }

    @Test
    void destinationsAreLocalAndOrCidrs() {
        assertThat(run("-i", "lo", "--destinations", "local")).isZero();
        assertThat(only().counter().filter().destinations()).isEqualTo(DestinationFilter.localAddresses());
        started.clear();
        assertThat(run("-i", "lo", "--destinations", "192.0.2.0/24,local,2001:db8::/32")).isZero();
        assertThat(only().counter().filter().destinations()).isEqualTo(DestinationFilter.localAddresses().plus(
                List.of(AddressBlock.parse("192.0.2.0/24"), AddressBlock.parse("2001:db8::/32"))));
        started.clear();
        assertThat(run("-i", "lo", "--destinations", "192.0.2.7")).isZero();
        assertThat(only().counter().filter().destinations()).isEqualTo(DestinationFilter.of(AddressBlock.parse("192.0.2.7/32")));
    }

    @Test
    void transportsTcpSegmentsAndListeningPorts() {
        assertThat(run("-i", "lo", "--transports", "icmp,ICMPv6,udplite", "--tcp", "syn", "--ports", "listening,8080")).isZero();
        TrafficFilter filter = only().counter().filter();
        assertThat(filter.transports()).containsExactlyInAnyOrder(Transport.ICMP, Transport.ICMPV6, Transport.UDP_LITE);
        assertThat(filter.tcp()).isEqualTo(TcpPackets.CONNECTION_ATTEMPTS);
        assertThat(only().counter().ports()).isEqualTo(PortSelection.of(8080).plusListening());
        started.clear();
        assertThat(run("-i", "lo", "--tcp", "all", "--ports", "listening", "--transports", "tcp", "--transports", "sctp")).isZero();
        assertThat(only().counter().filter().tcp()).isEqualTo(TcpPackets.ALL);
        assertThat(only().counter().filter().transports()).containsExactlyInAnyOrder(Transport.TCP, Transport.SCTP);
        assertThat(only().counter().ports()).isEqualTo(PortSelection.listening());
    }

    @Test
    void seriesBoundAndWebConfiguration(@TempDir Path dir) throws Exception {
        assertThat(run("-i", "lo")).isZero();
        assertThat(only().exporter().series()).isEqualTo(SeriesLimits.DEFAULT);
        assertThat(only().exporter().security().tls()).isFalse();

        Path web = Files.writeString(dir.resolve("web.yml"), "basic_auth_users:\n  prometheus: "
                + "$2y$05$Nbun0kfTUwIiFE2rjKMem.9rxvbJpWuhbJ/mIxstIuSKFtga7.auG\n");
        started.clear();
        assertThat(run("-i", "lo", "--max-port-series", "500", "--web.config.file", web.toString())).isZero();
        assertThat(only().exporter().series().maxPortSeries()).isEqualTo(500);
        assertThat(only().exporter().security().file()).hasValue(web);
        assertThat(only().exporter().security().authenticator()).isPresent();

        // A web configuration that is wrong is bad input too: one line naming the file and the field.
        Files.writeString(web, "tls_server_config:\n  cert_file: missing.pem\n");
        started.clear();
        assertThat(run("-i", "lo", "--web.config.file", web.toString())).isEqualTo(2);
        assertThat(started).isEmpty();
        assertThat(err.toString().lines().toList().getLast()).isEqualTo(Main.NAME + ": invalid value for option "
                + "'--web.config.file': web config " + web + ": tls_server_config.key_file: missing "
                + "(TLS needs cert_file and key_file) (see --help)");
    }

    @Test
    void otherMistakesAreOneLineToo() {
        assertThat(run("--bogus")).isEqualTo(2);
        assertThat(run("-i", "lo", "stray")).isEqualTo(2);
        assertThat(run("-i", "lo", "-p")).isEqualTo(2);
        assertThat(run("-i", "lo", "-v", "-q")).isEqualTo(2);
        assertThat(started).isEmpty();
        assertThat(err.toString().lines()).containsExactly(
                "xdp-ip-counter: unknown option: '--bogus' (see --help)",
                "xdp-ip-counter: unmatched argument at index 2: 'stray' (see --help)",
                "xdp-ip-counter: missing required parameter for option '--ports' (PORTS) (see --help)",
                "xdp-ip-counter: --verbose and --quiet exclude each other: give one (see --help)");
    }

    @Test
    void helpExplainsEveryFlagAndExitsZero() {
        assertThat(run("--help")).isZero();
        assertThat(started).isEmpty();
        assertThat(out.toString().replaceAll("\\s+", " ")).contains("--iface", "--ports", "--window", "--server-port", "--serve-ip-list", "--bind",
                "--mode", "--max-sources", "--max-port-series", "--exclude-sources", "--include-sources", "--destinations",
                "--transports", "--tcp", "listening", "non-global", "icmpv6", "--web.config.file", "--verbose", "--quiet", "--version", "Exit status", "30s, 5m, 1h", "22,80,8000-8100");
        // What Help.properties says literally, or through a system property, against the constants.
        assertThat(out.toString().replaceAll("\\s+", " ")).contains(
                "idle for " + SeriesLimits.DEFAULT_IDLE_WINDOWS + " windows",
                "(here: " + DefaultInterface.remembered() + ")",
                "Counting:", "Filters:", "Serving:");
        assertThat(out.toString().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(120));
    }

    @Test
    void versionNamesOursLibbpfsAndJavas() {
        assertThat(run("-V")).isZero();
        assertThat(out.toString()).startsWith("xdp-ip-counter ").contains("libbpf ").contains("Java 25");
        // The build's commit (or "unknown" outside a git checkout) and time, RFC 3339 in UTC.
        assertThat(out.toString().lines().skip(1).findFirst().orElseThrow())
                .matches("commit ([0-9a-f]{12}(-dirty)?|unknown), built \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    }

    /**
     * picocli's tools (AutoComplete, the man page generator) make the command
     * from its class: that needs a constructor without arguments.
     */
    @Test
    void picocliToolsCanMakeTheCommandFromItsClass() {
        CommandLine byClass = new CommandLine(XdpIpCounterCommand.class);
        assertThat(byClass.getCommandSpec().findOption("--mode")).isNotNull();
        String bash = picocli.AutoComplete.bash(Main.NAME, byClass);
        assertThat(bash).contains("'--mode'").contains("(\"skb\" \"driver\" \"hw\")");
    }

    @Test
    void aRunnerFailureIsOneLineAndExit1() {
        CommandLine cli = Main.commandLine(settings -> {
            throw new IllegalStateException("something broke\nsecond line");
        });
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(captured, true));
        try {
            assertThat(cli.execute("-i", "lo")).isEqualTo(1);
        } finally {
            System.setErr(saved);
        }
        assertThat(captured.toString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z "
                + "xdp-ip-counter: error: something broke\\R");
    }
}
