package io.github.xdpipcounter.core.testing;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import io.github.xdpipcounter.core.Network;
import io.github.xdpipcounter.core.Source;
import io.github.xdpipcounter.core.Transport;
import io.github.xdpipcounter.core.Window;
import io.github.xdpipcounter.core.testing.ReferenceClassifier.Outcome;

/**
 * The one text by which tests name a source record, to compare what a
 * window holds with what they expected: {@code "IPv4 c0000207 TCP 443"}.
 * The address is in hex, so an IPv4-mapped IPv6 address stays apart from
 * its IPv4 twin.
 */
public final class RecordKeys {
    private RecordKeys() {
    }

    public static String of(Network network, byte[] address, Transport transport, int port) {
        return network + " " + HexFormat.of().formatHex(address) + " " + transport + " " + port;
    }

    public static String of(InetAddress address, Transport transport, int port) {
        return of(address instanceof Inet4Address ? Network.IPV4 : Network.IPV6, address.getAddress(), transport, port);
    }

    public static String of(Source source) {
        return of(source.network(), source.address().getAddress(), source.transport(), source.port());
    }

    /** The record a counted outcome names. */
    public static String of(Outcome counted) {
        return of(counted.network(), counted.source(), counted.transport(), counted.port());
    }

    /** Every record of a window, with its packets. */
    public static Map<String, Long> packets(Window window) {
        Map<String, Long> packets = new HashMap<>();
        window.forEachSource(s -> packets.merge(of(s), s.packets(), Long::sum));
        return packets;
    }
}
