package io.github.xdpipcounter.core.netlink;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * An address of this host: one IPv4 or IPv6 address assigned to a network
 * interface of the monitor's namespace, as {@code ip address} lists it.
 *
 * @param interfaceIndex the kernel's index of the interface it is on
 * @param address        the host's own address (IFA_LOCAL where the kernel
 *                       gives one, else IFA_ADDRESS); without scope, as the
 *                       bytes a packet carries
 * @param prefixLength   the length of the prefix of the subnet it is in
 *                       (for a point-to-point address, of its peer's)
 * @param broadcast      the subnet's directed broadcast address
 *                       (IFA_BROADCAST), when one is configured: IPv4 only
 *                       ({@code ip address add ... brd +} sets it; a /31 or
 *                       /32 usually has none)
 */
public record LocalAddress(int interfaceIndex, InetAddress address, int prefixLength,
                           Optional<Inet4Address> broadcast) {
    /** By interface, then IPv4 before IPv6, then address and prefix: the order of {@code ip address}, roughly. */
    static final Comparator<LocalAddress> ORDER = Comparator.comparingInt(LocalAddress::interfaceIndex)
            .thenComparingInt(a -> a.address().getAddress().length)
            .thenComparing(a -> a.address().getAddress(), Arrays::compareUnsigned)
            .thenComparingInt(LocalAddress::prefixLength);

    public LocalAddress {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(broadcast, "broadcast");
        if (interfaceIndex <= 0) {
            throw new IllegalArgumentException("interface index must be positive: " + interfaceIndex);
        }
        int bits = address.getAddress().length * Byte.SIZE;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " for " + address.getHostAddress()
                    + ": must be 0 to " + bits);
        }
        if (address instanceof Inet6Address && broadcast.isPresent()) {
            throw new IllegalArgumentException("an IPv6 address has no broadcast address: " + address.getHostAddress());
        }
    }

    /** {@code 3: 192.0.2.1/24 brd 192.0.2.255}, {@code 3: 2001:db8::1/64}. */
    @Override
    public String toString() {
        return interfaceIndex + ": " + address.getHostAddress() + "/" + prefixLength
                + broadcast.map(b -> " brd " + b.getHostAddress()).orElse("");
    }
}
