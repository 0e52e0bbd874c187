package io.github.xdpipcounter.core;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.github.xdpipcounter.core.netlink.LocalAddress;

/**
 * The destinations that are this host's, for
 * {@link DestinationFilter#localAddresses()}: every address of every
 * interface of the counter's network namespace (as the rtnetlink address
 * monitor reports them), the broadcast addresses of each IPv4 interface
 * address (the configured one, and the all-ones host of its subnet below
 * /31), and the limited broadcast 255.255.255.255. Multicast groups are not
 * among them: a router forwards them.
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
     * The destinations that are this host's for {@code addresses}, the
     * addresses of every interface as the rtnetlink address monitor lists
     * them: each address, each configured IPv4 broadcast address, and the
     * directed broadcast computed from each IPv4 prefix (the kernel adds a
     * local broadcast route for it whether or not a broadcast address was
     * configured). The limited broadcast is added by {@link #of}.
     */
    static Set<InetAddress> ofInterfaces(List<LocalAddress> addresses) {
        Set<InetAddress> all = new HashSet<>();
        for (LocalAddress address : addresses) {
            all.add(address.address());
            address.broadcast().ifPresent(all::add);
            if (address.address() instanceof Inet4Address v4) {
                all.addAll(directedBroadcast(v4, address.prefixLength()));
            }
        }
        return all;
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
}
