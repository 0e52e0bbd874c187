package io.github.xdpipcounter.core.testing;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Set;

import io.github.xdpipcounter.core.AddressBlock;
import io.github.xdpipcounter.core.IgnoreReason;
import io.github.xdpipcounter.core.Network;
import io.github.xdpipcounter.core.PortSelection;
import io.github.xdpipcounter.core.TcpPackets;
import io.github.xdpipcounter.core.TrafficFilter;
import io.github.xdpipcounter.core.Transport;

/**
 * The counting rules of bpf/src/xdp_ip_counter.bpf.c, written again in
 * plain Java from the rules, as the oracle the program is tested
 * against. Keep it independent of the C and of the core's filter code:
 * shared mistakes hide. It takes the filter's blocks as data and matches
 * addresses bit by bit itself.
 *
 * <p>The order of the checks, the first failing one giving the reason:
 * EtherType (not_ip); the headers (malformed, non_first_fragment); the
 * transport (transport_not_tracked: unknown protocols, ICMPv6 in IPv4, ICMP
 * in IPv6, or a transport the filter leaves out; an untracked transport's
 * header is not looked at); its minimal header (malformed: 4 bytes for
 * ICMP); the port (port_filtered, never for ICMP); the TCP flags
 * (not_connection_attempt, when only connection attempts count: SYN set
 * and ACK clear passes); the destination (not_for_this_host); the source
 * (source_excluded: counted when in the include set, or there is none, and
 * not in the exclude set; IPv4 blocks never match IPv6 sources, IPv4-mapped
 * ones included).
 *
 * <p>Changing the filter mid-window: the window in progress forgets every
 * source record whose source the new filter does not count, packets from
 * before the change included ({@link #keepsRecordOf}), since the program
 * checks the source filter only when it creates a record.
 */
public final class ReferenceClassifier {
    private static final int VLAN_MAX_DEPTH = 2;
    private static final int IPV6_EXT_MAX_DEPTH = 8;

    private final PortSelection ports;
    private final TrafficFilter filter;
    private final Set<InetAddress> localAddresses;

    public ReferenceClassifier(PortSelection ports) {
        this(ports, TrafficFilter.DEFAULT, Set.of());
    }

    /** The rules under {@code filter}, this host's addresses being {@code localAddresses}. */
    public ReferenceClassifier(PortSelection ports, TrafficFilter filter, Set<InetAddress> localAddresses) {
        this.ports = ports;
        this.filter = filter;
        this.localAddresses = localAddresses;
    }

    /** What the program should do with one frame. */
    public Outcome classify(byte[] f) {
        int len = f.length;
        if (len < 14) {
            return Outcome.ignored(IgnoreReason.MALFORMED);
        }
        int etherType = u16(f, 12);
        int pos = 14;
        for (int i = 0; i < VLAN_MAX_DEPTH && (etherType == 0x8100 || etherType == 0x88a8); i++) {
            if (pos + 4 > len) {
                return Outcome.ignored(IgnoreReason.MALFORMED);
            }
            etherType = u16(f, pos + 2);
            pos += 4;
        }
        Network network;
        byte[] source;
        byte[] destination;
        int protocol;
        if (etherType == 0x0800) {
            network = Network.IPV4;
            if (pos + 20 > len) {
                return Outcome.ignored(IgnoreReason.MALFORMED);
            }
            int version = (f[pos] & 0xff) >>> 4;
            int ihl = f[pos] & 0x0f;
            if (version != 4 || ihl < 5 || pos + ihl * 4 > len) {
                return Outcome.ignored(IgnoreReason.MALFORMED);
            }
            if ((u16(f, pos + 6) & 0x1fff) != 0) {
                return Outcome.ignored(IgnoreReason.NON_FIRST_FRAGMENT);
            }
            protocol = f[pos + 9] & 0xff;
            source = Arrays.copyOfRange(f, pos + 12, pos + 16);
            destination = Arrays.copyOfRange(f, pos + 16, pos + 20);
            pos += ihl * 4;
        } else if (etherType == 0x86dd) {
            network = Network.IPV6;
            if (pos + 40 > len || (f[pos] & 0xff) >>> 4 != 6) {
                return Outcome.ignored(IgnoreReason.MALFORMED);
            }
            protocol = f[pos + 6] & 0xff;
            source = Arrays.copyOfRange(f, pos + 8, pos + 24);
            destination = Arrays.copyOfRange(f, pos + 24, pos + 40);
            pos += 40;
            int depth = 0;
            while (isExtension(protocol)) {
                if (depth++ == IPV6_EXT_MAX_DEPTH || pos + 8 > len) {
                    return Outcome.ignored(IgnoreReason.MALFORMED);
                }
                int length;
                if (protocol == 44) {
                    if ((u16(f, pos + 2) & 0xfff8) != 0) {
                        return Outcome.ignored(IgnoreReason.NON_FIRST_FRAGMENT);
                    }
                    length = 8;
                } else if (protocol == 51) {
                    length = ((f[pos + 1] & 0xff) + 2) * 4;
                } else {
                    length = ((f[pos + 1] & 0xff) + 1) * 8;
                }
                if (pos + length > len) {
                    return Outcome.ignored(IgnoreReason.MALFORMED);
                }
                protocol = f[pos] & 0xff;
                pos += length;
            }
        } else {
            return Outcome.ignored(IgnoreReason.NOT_IP);
        }
        Transport transport;
        int minimal;
        switch (protocol) {
            case 6 -> { transport = Transport.TCP; minimal = 20; }
            case 17 -> { transport = Transport.UDP; minimal = 8; }
            case 136 -> { transport = Transport.UDP_LITE; minimal = 8; }
            case 132 -> { transport = Transport.SCTP; minimal = 12; }
            case 1 -> { transport = network == Network.IPV4 ? Transport.ICMP : null; minimal = 4; }
            case 58 -> { transport = network == Network.IPV6 ? Transport.ICMPV6 : null; minimal = 4; }
            default -> { transport = null; minimal = 0; }
        }
        if (transport == null || !filter.transports().contains(transport)) {
            return Outcome.ignored(IgnoreReason.TRANSPORT_NOT_TRACKED);
        }
        if (pos + minimal > len) {
            return Outcome.ignored(IgnoreReason.MALFORMED);
        }
        boolean icmp = transport == Transport.ICMP || transport == Transport.ICMPV6;
        int port = icmp ? f[pos] & 0xff : u16(f, pos + 2);
        if (!icmp && !ports.contains(port)) {
            return Outcome.ignored(IgnoreReason.PORT_FILTERED);
        }
        if (transport == Transport.TCP && filter.tcp() == TcpPackets.CONNECTION_ATTEMPTS) {
            int flags = f[pos + 13] & 0xff;
            boolean syn = (flags & 0x02) != 0;
            boolean ack = (flags & 0x10) != 0;
            if (!syn || ack) {
                return Outcome.ignored(IgnoreReason.NOT_CONNECTION_ATTEMPT);
            }
        }
        if (!destinationCounted(destination)) {
            return Outcome.ignored(IgnoreReason.NOT_FOR_THIS_HOST);
        }
        if (!sourceCounted(source)) {
            return Outcome.ignored(IgnoreReason.SOURCE_EXCLUDED);
        }
        return Outcome.counted(network, source, transport, port);
    }

    private boolean destinationCounted(byte[] destination) {
        var destinations = filter.destinations();
        if (destinations.isAny()) {
            return true;
        }
        if (destinations.local()) {
            for (InetAddress local : localAddresses) {
                if (Arrays.equals(local.getAddress(), destination)) {
                    return true;
                }
            }
        }
        return inAny(destinations.blocks(), destination);
    }

    /**
     * Whether, when this classifier's filter replaces another mid-window, the
     * window keeps a record of {@code source} made before: only when this
     * filter counts that source.
     */
    public boolean keepsRecordOf(byte[] source) {
        return sourceCounted(source);
    }

    private boolean sourceCounted(byte[] source) {
        var sources = filter.sources();
        boolean included = sources.include().isEmpty() || inAny(sources.include(), source);
        return included && !inAny(sources.exclude(), source);
    }

    /** Whether the first prefix-length bits of {@code address} are those of one block of its own length. */
    private static boolean inAny(Collection<AddressBlock> blocks, byte[] address) {
        for (AddressBlock block : blocks) {
            byte[] network = block.address().getAddress();
            if (network.length != address.length) {
                continue;
            }
            boolean same = true;
            for (int bit = 0; bit < block.prefixLength() && same; bit++) {
                int mask = 0x80 >>> (bit % 8);
                same = (network[bit / 8] & mask) == (address[bit / 8] & mask);
            }
            if (same) {
                return true;
            }
        }
        return false;
    }

    private static boolean isExtension(int protocol) {
        return protocol == 0 || protocol == 43 || protocol == 44 || protocol == 60 || protocol == 51;
    }

    private static int u16(byte[] f, int at) {
        return ((f[at] & 0xff) << 8) | (f[at + 1] & 0xff);
    }

    /** Counted (with its key) or ignored (with its reason). */
    public record Outcome(IgnoreReason ignored, Network network, byte[] source, Transport transport, int port) {
        public static Outcome ignored(IgnoreReason reason) {
            return new Outcome(reason, null, null, null, -1);
        }

        public static Outcome counted(Network network, byte[] source, Transport transport, int port) {
            return new Outcome(null, network, source, transport, port);
        }

        public boolean isCounted() {
            return ignored == null;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Outcome other && ignored == other.ignored && network == other.network
                    && Arrays.equals(source, other.source) && transport == other.transport && port == other.port;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(source) * 31 + java.util.Objects.hash(ignored, network, transport, port);
        }

        @Override
        public String toString() {
            return isCounted()
                    ? "counted " + network + " " + HexFormat.of().formatHex(source) + " " + transport + " port " + port
                    : "ignored: " + ignored.label();
        }
    }
}
