package io.github.xdpipcounter.core.netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

import io.github.xdpipcounter.core.internal.netlink.ifaddrmsg;

import static io.github.xdpipcounter.core.internal.netlink.Netlink.AF_INET;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.AF_INET6;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.IFA_ADDRESS;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.IFA_BROADCAST;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.IFA_LOCAL;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.RTM_DELADDR;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.RTM_GETADDR;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.RTM_NEWADDR;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The address messages of NETLINK_ROUTE: RTM_NEWADDR and RTM_DELADDR, each
 * an {@code ifaddrmsg} and its attributes, as notifications and as the
 * reply to an RTM_GETADDR dump ({@link NetlinkMessages} reads the framing).
 * Of the attributes, IFA_ADDRESS is the prefix's address: the host's own,
 * except on a point-to-point link where it is the peer's; IFA_LOCAL is the
 * host's own address, where it differs from IFA_ADDRESS or the family always
 * sends it (IPv4).
 */
final class AddressMessages {
    /**
     * What one message says: the address is there ({@code present}, for
     * RTM_NEWADDR: new or changed) or gone.
     */
    record Change(boolean present, Key key, LocalAddress address) {
    }

    /**
     * What the kernel tells an interface's addresses apart by. IPv6: the
     * address alone ({@code prefixAddress} null). IPv4: the local address,
     * prefix and prefix address, so 10.0.0.1/24 and 10.0.0.1/16 are two, and
     * so are 10.0.0.1 with peers 10.0.0.2 and 10.0.0.3.
     */
    record Key(int interfaceIndex, InetAddress local, InetAddress prefixAddress, int prefixLength) {
    }

    private AddressMessages() {
    }

    /**
     * What an RTM_NEWADDR or RTM_DELADDR message says, or null for other
     * types and for a family other than IPv4 and IPv6 (DECnet and the like).
     *
     * @throws NetlinkMessages.Malformed when the message cannot be read
     */
    static Change read(int type, MemorySegment message) {
        if (type != RTM_NEWADDR() && type != RTM_DELADDR()) {
            return null;
        }
        NetlinkMessages.requireHeader(message, ifaddrmsg.layout(), "address message");
        int family = ifaddrmsg.ifa_family(message);
        int bytes = family == AF_INET() ? 4 : family == AF_INET6() ? 16 : 0;
        if (bytes == 0) {
            return null;
        }
        InetAddress[] found = new InetAddress[IFA_BROADCAST() + 1];
        NetlinkMessages.attributes(message, ifaddrmsg.sizeof(), "address", (attribute, value) -> {
            if (attribute == IFA_ADDRESS() || attribute == IFA_LOCAL() || attribute == IFA_BROADCAST()) {
                found[attribute] = address(value, bytes, attribute);
            }
        });
        InetAddress local = found[IFA_LOCAL()] != null ? found[IFA_LOCAL()] : found[IFA_ADDRESS()];
        int index = ifaddrmsg.ifa_index(message);
        if (local == null || index <= 0) {
            throw new NetlinkMessages.Malformed("address message without an address and an interface index (index "
                    + index + ")");
        }
        Optional<Inet4Address> broadcast = found[IFA_BROADCAST()] instanceof Inet4Address b ? Optional.of(b) : Optional.empty();
        int prefixLength = Byte.toUnsignedInt(ifaddrmsg.ifa_prefixlen(message));
        LocalAddress address;
        try {
            address = new LocalAddress(index, local, prefixLength, broadcast);
        } catch (IllegalArgumentException e) {
            throw new NetlinkMessages.Malformed("address message: " + e.getMessage());
        }
        Key key = bytes == 16 ? new Key(index, local, null, 0) : new Key(index, local, found[IFA_ADDRESS()], prefixLength);
        return new Change(type == RTM_NEWADDR(), key, address);
    }

    private static InetAddress address(MemorySegment value, int bytes, int type) {
        if (value.byteSize() != bytes) {
            throw new NetlinkMessages.Malformed("address attribute " + type + " of " + value.byteSize()
                    + " bytes in a family of " + bytes + "-byte addresses");
        }
        try {
            // Inet6Address for every 16 bytes: InetAddress.getByAddress would turn ::ffff:a.b.c.d into an IPv4 address.
            return bytes == 16 ? Inet6Address.getByAddress(null, value.toArray(JAVA_BYTE), -1)
                    : InetAddress.getByAddress(value.toArray(JAVA_BYTE));
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are an address", e);
        }
    }

    /** RTM_GETADDR for every address of every family and interface, numbered {@code sequence}. */
    static MemorySegment dumpRequest(Arena arena, int sequence) {
        MemorySegment everyFamily = ifaddrmsg.allocate(arena); // zeroed: AF_UNSPEC, no index
        return NetlinkMessages.dumpRequest(arena, RTM_GETADDR(), sequence, everyFamily);
    }
}
