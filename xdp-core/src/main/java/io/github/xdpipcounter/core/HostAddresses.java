package io.github.xdpipcounter.core;

import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * The destinations that are this host's, for
 * {@link DestinationFilter#localAddresses()}: every address of every
 * interface of the calling thread's network namespace, the directed
 * broadcast address of each IPv4 interface address, and the limited
 * broadcast 255.255.255.255. Multicast groups are not among them.
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
     * The addresses as they are now, read through {@link NetworkInterface}.
     * A placeholder until the rtnetlink address monitor supplies them.
     */
    static Set<InetAddress> current() {
        Set<InetAddress> addresses = new HashSet<>();
        try {
            for (NetworkInterface nif : NetworkInterface.networkInterfaces().toList()) {
                for (InterfaceAddress address : nif.getInterfaceAddresses()) {
                    addresses.add(address.getAddress());
                    if (address.getAddress() instanceof Inet4Address && address.getBroadcast() != null) {
                        addresses.add(address.getBroadcast());
                    }
                }
            }
        } catch (SocketException e) {
            throw new UncheckedIOException("read the addresses of this host's interfaces", e);
        }
        return of(addresses);
    }
}
