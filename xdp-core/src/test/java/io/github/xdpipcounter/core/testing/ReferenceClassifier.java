package io.github.xdpipcounter.core.testing;

import java.util.Arrays;
import java.util.HexFormat;

import io.github.xdpipcounter.core.IgnoreReason;
import io.github.xdpipcounter.core.Network;
import io.github.xdpipcounter.core.PortSelection;
import io.github.xdpipcounter.core.Transport;

/**
 * The counting rules of bpf/src/xdp_ip_counter.bpf.c, written again in
 * plain Java from the rules, as the oracle the program is tested
 * against. Keep it independent of the C: shared mistakes hide.
 */
public final class ReferenceClassifier {
    private static final int VLAN_MAX_DEPTH = 2;
    private static final int IPV6_EXT_MAX_DEPTH = 8;

    private final PortSelection ports;

    public ReferenceClassifier(PortSelection ports) {
        this.ports = ports;
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
            pos += ihl * 4;
        } else if (etherType == 0x86dd) {
            network = Network.IPV6;
            if (pos + 40 > len || (f[pos] & 0xff) >>> 4 != 6) {
                return Outcome.ignored(IgnoreReason.MALFORMED);
            }
            protocol = f[pos + 6] & 0xff;
            source = Arrays.copyOfRange(f, pos + 8, pos + 24);
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
            default -> { return Outcome.ignored(IgnoreReason.TRANSPORT_NOT_TRACKED); }
        }
        if (pos + minimal > len) {
            return Outcome.ignored(IgnoreReason.MALFORMED);
        }
        int port = u16(f, pos + 2);
        if (!ports.contains(port)) {
            return Outcome.ignored(IgnoreReason.PORT_FILTERED);
        }
        return Outcome.counted(network, source, transport, port);
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
