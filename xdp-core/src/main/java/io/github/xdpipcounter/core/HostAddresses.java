package io.github.xdpipcounter.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The destinations that are this host's, for
 * {@link DestinationFilter#localAddresses()}: every address of every
 * interface of the calling thread's network namespace, the directed
 * broadcast address of each IPv4 interface address (the all-ones host of
 * its subnet, below /31), and the limited broadcast 255.255.255.255.
 * Multicast groups are not among them.
 */
final class HostAddresses {
    static final InetAddress LIMITED_BROADCAST;

    static {
        try {
            LIMITED_BROADCAST = InetAddress.getByAddress(new byte[] {-1, -1, -1, -1});
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private HostAddresses() {
    }

    /** {@code addresses} (interface and directed broadcast addresses) and 255.255.255.255. */
    static Set<InetAddress> of(Collection<InetAddress> addresses) {
        Set<InetAddress> all = new HashSet<>(addresses);
        all.add(LIMITED_BROADCAST);
        return Set.copyOf(all);
    }

    /**
     * The addresses as they are now, in the calling thread's namespace. A
     * placeholder until the rtnetlink address monitor supplies them: IPv4
     * through {@link NetworkInterface} (its ioctls follow the thread's
     * namespace), IPv6 from /proc/thread-self/net/if_inet6 (the JDK reads
     * /proc/net, which is the process's, not the thread's, namespace).
     */
    static Set<InetAddress> current() {
        Set<InetAddress> addresses = new HashSet<>();
        try {
            for (NetworkInterface nif : NetworkInterface.networkInterfaces().toList()) {
                for (InterfaceAddress address : nif.getInterfaceAddresses()) {
                    if (address.getAddress() instanceof Inet4Address v4) {
                        addresses.add(v4);
                        addresses.addAll(directedBroadcast(v4, address.getNetworkPrefixLength()));
                    }
                }
            }
            addresses.addAll(ipv6());
        } catch (IOException e) {
            throw new UncheckedIOException("read the addresses of this host's interfaces", e);
        }
        return of(addresses);
    }

    /**
     * The all-ones host address of an IPv4 interface address's subnet, which
     * the kernel delivers locally whether or not a broadcast address was
     * configured; none for /31 and /32.
     */
    static List<InetAddress> directedBroadcast(Inet4Address address, int prefixLength) {
        if (prefixLength >= 31) {
            return List.of();
        }
        byte[] bytes = address.getAddress();
        int value = ((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
        int broadcast = value | (-1 >>> prefixLength);
        try {
            return List.of(InetAddress.getByAddress(new byte[] {
                    (byte) (broadcast >>> 24), (byte) (broadcast >>> 16), (byte) (broadcast >>> 8), (byte) broadcast}));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<InetAddress> ipv6() throws IOException {
        Path table = Path.of("/proc/thread-self/net/if_inet6");
        if (!Files.exists(table)) {
            return List.of();
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (String line : Files.readAllLines(table)) {
            String hex = line.strip().split("\\s+")[0];
            if (hex.length() == 32) {
                addresses.add(AddressBlock.of(HexFormat.of().parseHex(hex), 128).address());
            }
        }
        return addresses;
    }
}
