package io.github.xdpipcounter.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.github.xdpipcounter.core.AddressBlock;
import io.github.xdpipcounter.core.AddressSet;
import io.github.xdpipcounter.core.DestinationFilter;
import io.github.xdpipcounter.core.PortSelection;
import io.github.xdpipcounter.core.SourceFilter;
import io.github.xdpipcounter.core.TcpPackets;
import io.github.xdpipcounter.core.Transport;
import io.github.xdpipcounter.core.bpf.XdpMode;
import io.github.xdpipcounter.exporter.WebConfigException;
import io.github.xdpipcounter.exporter.WebSecurity;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The command line's value types. Each rejects bad input with a message
 * naming the value and the accepted form; picocli adds the option's name.
 */
final class OptionConverters {
    /** Largest --max-sources: four maps of this many entries is already gigabytes of kernel memory. */
    static final int MAX_SOURCES_LIMIT = 1 << 24;

    private OptionConverters() {
    }

    /** Digits only (no sign, no spaces), from 1 to {@code max}. */
    private static OptionalInt wholeNumber(String text, int max) {
        if (text.matches("\\d{1,10}")) {
            long n = Long.parseLong(text);
            if (n >= 1 && n <= max) {
                return OptionalInt.of((int) n);
            }
        }
        return OptionalInt.empty();
    }

    /** A value the library parses itself: its message says what is wrong, picocli adds the option. */
    private abstract static class LibraryParsed<T> implements ITypeConverter<T> {
        private final Function<String, T> parse;

        LibraryParsed(Function<String, T> parse) {
            this.parse = parse;
        }

        @Override
        public T convert(String value) {
            try {
                return parse.apply(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * {@code 22,80,8000-8100}, or {@code 0} for every port; {@code listening}
     * anywhere in the list adds the ports this host listens on.
     */
    static final class Ports extends LibraryParsed<PortSelection> {
        static final String LISTENING = "listening";

        Ports() {
            super(Ports::parse);
        }

        private static PortSelection parse(String text) {
            List<String> explicit = new ArrayList<>();
            boolean listening = false;
            for (String element : text.split(",", -1)) {
                if (element.isBlank() && text.toLowerCase(Locale.ROOT).contains(LISTENING)) {
                    throw new IllegalArgumentException("empty element in port list '" + text
                            + "': expected listening, ports and ranges like listening,22,8000-8100");
                }
                if (element.strip().equalsIgnoreCase(LISTENING)) {
                    listening = true;
                } else {
                    explicit.add(element);
                }
            }
            if (!listening) {
                return PortSelection.parse(text);
            }
            return explicit.isEmpty() ? PortSelection.listening()
                    : PortSelection.parse(String.join(",", explicit)).plusListening();
        }
    }

    /**
     * Source addresses: CIDRs ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, a
     * bare address) and named sets ({@code loopback}, {@code non-global}...),
     * comma-separated.
     */
    static final class IncludedSources extends LibraryParsed<SourceFilter> {
        IncludedSources() {
            super(text -> SourceFilter.including(blocks(text, false).blocks()));
        }
    }

    /** As {@link IncludedSources}, for the sources never counted. */
    static final class ExcludedSources extends LibraryParsed<SourceFilter> {
        ExcludedSources() {
            super(text -> SourceFilter.excluding(blocks(text, false).blocks()));
        }
    }

    /** Destination addresses: {@code local} and/or CIDRs, comma-separated. */
    static final class Destinations extends LibraryParsed<DestinationFilter> {
        Destinations() {
            super(text -> {
                Blocks parsed = blocks(text, true);
                return parsed.local() ? DestinationFilter.localAddresses().plus(parsed.blocks())
                        : DestinationFilter.of(parsed.blocks());
            });
        }
    }

    /** The address blocks of a list, and whether it named this host's own addresses. */
    private record Blocks(List<AddressBlock> blocks, boolean local) {
    }

    /** Named sets are words of letters and dashes; anything else is read as an address block. */
    private static final Pattern SET_NAME = Pattern.compile("[A-Za-z][A-Za-z-]*");

    private static Blocks blocks(String text, boolean destinations) {
        List<AddressBlock> blocks = new ArrayList<>();
        boolean local = false;
        String sets = destinations ? "local" : Arrays.stream(AddressSet.values()).map(AddressSet::text)
                .collect(Collectors.joining(", "));
        for (String element : text.split(",", -1)) {
            String e = element.strip();
            if (e.isEmpty()) {
                throw new IllegalArgumentException("empty element in address list '" + text
                        + "': expected CIDRs like 10.0.0.0/8,2001:db8::/32 or " + sets);
            }
            if (!SET_NAME.matcher(e).matches()) {
                blocks.add(AddressBlock.parse(e));
            } else if (destinations) {
                if (!e.equalsIgnoreCase("local")) {
                    throw new IllegalArgumentException("'" + e + "' is not a destination: expected local or CIDRs like "
                            + "192.0.2.0/24,2001:db8::/32");
                }
                local = true;
            } else {
                try {
                    blocks.addAll(AddressSet.byText(e).blocks());
                } catch (IllegalArgumentException unknown) {
                    throw new IllegalArgumentException(unknown.getMessage() + ", or CIDRs like 10.0.0.0/8");
                }
            }
        }
        return new Blocks(blocks, local);
    }

    /** One transport: tcp, udp, udplite, sctp, icmp, icmpv6. */
    static final class Transports extends LibraryParsed<Transport> {
        Transports() {
            super(text -> {
                try {
                    return Transport.parse(text);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown transport '" + text
                            + "': expected tcp, udp, udplite, sctp, icmp or icmpv6");
                }
            });
        }
    }

    /** What shell completion offers for --transports. */
    static final class TransportLabels implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("tcp", "udp", "udplite", "sctp", "icmp", "icmpv6").iterator();
        }
    }

    /** {@code all} or {@code syn}. */
    static final class TcpSegments implements ITypeConverter<TcpPackets> {
        static final String ALL = "all";
        static final String SYN = "syn";

        @Override
        public TcpPackets convert(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case ALL -> TcpPackets.ALL;
                case SYN -> TcpPackets.CONNECTION_ATTEMPTS;
                default -> throw new TypeConversionException("'" + value
                        + "' is not a TCP choice: expected all (every segment) or syn (connection attempts only)");
            };
        }
    }

    /** What shell completion offers for --tcp. */
    static final class TcpLabels implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of(TcpSegments.ALL, TcpSegments.SYN).iterator();
        }
    }

    /** Seconds ({@code 60}) or a number with a unit ({@code 30s}, {@code 5m}, {@code 1h}); at least 1 s. */
    static final class WindowLength implements ITypeConverter<Duration> {
        private static final Pattern FORM = Pattern.compile("(\\d{1,9})([smh]?)");
        private static final String ACCEPTED = "expected seconds (60) or a number with s, m or h (30s, 5m, 1h), at least 1s";

        @Override
        public Duration convert(String value) {
            Matcher m = FORM.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new TypeConversionException("'" + value + "' is not a window length: " + ACCEPTED);
            }
            long n = Long.parseLong(m.group(1));
            Duration length = switch (m.group(2)) {
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
            if (length.isZero()) {
                throw new TypeConversionException("'" + value + "' is too short: " + ACCEPTED);
            }
            return length;
        }
    }

    /** A TCP port to listen on, 1-65535. */
    static final class ServerPort implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            OptionalInt port = wholeNumber(value.trim(), 65535);
            if (port.isPresent()) {
                return port.getAsInt();
            }
            throw new TypeConversionException("'" + value + "' is not a TCP port: expected a number 1-65535");
        }
    }

    /** skb, driver or hw. */
    static final class Mode extends LibraryParsed<XdpMode> {
        Mode() {
            super(XdpMode::parse);
        }
    }

    /** What shell completion offers for --mode: the labels {@link Mode} accepts (skb, driver, hw). */
    static final class ModeLabels implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(XdpMode.values()).map(XdpMode::label).iterator();
        }
    }

    /** A positive count of sources, at most {@link #MAX_SOURCES_LIMIT}. */
    static final class MaxSources implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            OptionalInt n = wholeNumber(value.trim().replace("_", ""), MAX_SOURCES_LIMIT);
            if (n.isPresent()) {
                return n.getAsInt();
            }
            throw new TypeConversionException("'" + value + "' is not a source capacity: expected a number 1-"
                    + MAX_SOURCES_LIMIT);
        }
    }

    /** The bound on per-port series beyond the configured ports: 1 to 65,536 per network and transport. */
    static final class MaxPortSeries implements ITypeConverter<Integer> {
        static final int LIMIT = 65_536 * 8;

        @Override
        public Integer convert(String value) {
            OptionalInt n = wholeNumber(value.trim().replace("_", ""), LIMIT);
            if (n.isPresent()) {
                return n.getAsInt();
            }
            throw new TypeConversionException("'" + value + "' is not a series count: expected a number 1-" + LIMIT);
        }
    }

    /** A web configuration file, read and checked now: a bad one is bad input, found before anything starts. */
    static final class WebConfigFile implements ITypeConverter<WebSecurity> {
        @Override
        public WebSecurity convert(String value) {
            try {
                return WebSecurity.load(Path.of(value));
            } catch (WebConfigException | InvalidPathException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** An IP address literal (no name lookup): 127.0.0.1, ::1, 0.0.0.0. */
    static final class BindAddress implements ITypeConverter<InetAddress> {
        private static final Pattern LITERAL = Pattern.compile("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

        @Override
        public InetAddress convert(String value) {
            String v = value.trim();
            if (v.startsWith("[") && v.endsWith("]")) {
                v = v.substring(1, v.length() - 1);
            }
            if (LITERAL.matcher(v).matches()) {
                try {
                    // A literal never causes a lookup; getByName checks its form.
                    return InetAddress.getByName(v);
                } catch (UnknownHostException e) {
                    // answered below
                }
            }
            throw new TypeConversionException("'" + value + "' is not an IP address: expected e.g. 127.0.0.1, ::1 or 0.0.0.0");
        }
    }
}
