package io.github.xdpipcounter.core;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A block of addresses in CIDR form, {@code 10.0.0.0/8} or
 * {@code 2001:db8::/32}: every address of one network whose first
 * {@code prefixLength} bits are those of {@code address}. Immutable; the
 * address has its host bits zeroed, so equal blocks are equal records.
 *
 * <p>IPv4 and IPv6 blocks never overlap. An IPv4-mapped IPv6 address
 * ({@code ::ffff:10.1.2.3}) is an IPv6 address here, as it is on the wire
 * of an IPv6 packet: {@code 10.0.0.0/8} does not contain it, and
 * {@code ::ffff:10.0.0.0/104} does. The address of such a block is an
 * {@link Inet6Address}, although {@link InetAddress#getByAddress(byte[])}
 * would turn its bytes into an {@link Inet4Address}.
 *
 * @param address      the first address of the block (host bits zero)
 * @param prefixLength 0 to 32 for IPv4, 0 to 128 for IPv6
 */
public record AddressBlock(InetAddress address, int prefixLength) implements Comparable<AddressBlock> {

    /** Normalises {@code address} to the block's first address. */
    public AddressBlock {
        Objects.requireNonNull(address, "address");
        int bits = address.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is out of range for "
                    + AddressText.of(address) + ": 0 to " + bits);
        }
        address = toAddress(masked(address.getAddress(), prefixLength));
    }

    /**
     * The block of exactly one address: {@code /32} for IPv4, {@code /128} for IPv6.
     *
     * @param address an IPv4 or IPv6 address
     * @return the block of exactly one address
     */
    public static AddressBlock of(InetAddress address) {
        return new AddressBlock(address, address.getAddress().length * 8);
    }

    /**
     * The block of {@code prefixLength} bits of {@code address}, 4 or 16 bytes in network order.
     *
     * @param address an IPv4 or IPv6 address
     * @param prefixLength the number of leading bits that make the block
     * @return the block of {@code prefixLength} bits of {@code address}, 4 or 16 bytes in network order
     */
    public static AddressBlock of(byte[] address, int prefixLength) {
        if (address.length != 4 && address.length != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + address.length);
        }
        return new AddressBlock(toAddress(address), prefixLength);
    }

    /**
     * Parses {@code 10.0.0.0/8}, {@code 2001:db8::/32}, or a bare address
     * (a block of one address). Host bits set below the prefix are accepted
     * and cleared: {@code 10.1.2.3/8} is {@code 10.0.0.0/8}. No name is
     * ever resolved.
     *
     * @param text the text to parse
     * @return the block
     * @throws IllegalArgumentException naming the text and what was expected
     */
    public static AddressBlock parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty address block: expected a CIDR like 10.0.0.0/8 or 2001:db8::/32");
        }
        String trimmed = text.strip();
        int slash = trimmed.indexOf('/');
        String addressText = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] bytes = parseAddress(addressText, text);
        int bits = bytes.length * 8;
        int prefixLength = bits;
        if (slash >= 0) {
            String prefixText = trimmed.substring(slash + 1);
            if (prefixText.isEmpty() || prefixText.length() > 3 || !prefixText.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("'" + text + "' has no valid prefix length after '/': expected 0 to "
                        + bits + ", as in " + (bits == 32 ? "10.0.0.0/8" : "2001:db8::/32"));
            }
            prefixLength = Integer.parseInt(prefixText);
            if (prefixLength > bits) {
                throw new IllegalArgumentException("prefix length " + prefixLength + " in '" + text + "' is too long: an "
                        + (bits == 32 ? "IPv4" : "IPv6") + " prefix is 0 to " + bits + " bits");
            }
        }
        return of(bytes, prefixLength);
    }

    /**
     * IPv4 for an {@link Inet4Address}; IPv6 otherwise, IPv4-mapped blocks included.
     *
     * @return the block's network
     */
    public Network network() {
        return address instanceof Inet4Address ? Network.IPV4 : Network.IPV6;
    }

    /**
     * Whether {@code candidate} lies in this block. An {@link Inet4Address}
     * is only ever in an IPv4 block, an {@link Inet6Address} (IPv4-mapped
     * ones too) only in an IPv6 block.
     *
     * @param candidate an address
     * @return whether {@code candidate} lies in this block
     */
    public boolean contains(InetAddress candidate) {
        return contains(candidate.getAddress());
    }

    /**
     * As {@link #contains(InetAddress)}, for 4 or 16 bytes in network order.
     *
     * @param candidate an address
     * @return whether {@code candidate} lies in this block
     */
    public boolean contains(byte[] candidate) {
        byte[] mine = address.getAddress();
        return candidate.length == mine.length && Arrays.equals(masked(candidate, prefixLength), mine);
    }

    /**
     * Whether every address of {@code other} is in this block.
     *
     * @param other another block
     * @return whether every address of {@code other} is in this block
     */
    public boolean covers(AddressBlock other) {
        return other.network() == network() && other.prefixLength >= prefixLength && contains(other.address);
    }

    /**
     * The address bytes, network order: 4 or 16.
     *
     * @return the address bytes, network order
     */
    public byte[] bytes() {
        return address.getAddress();
    }

    /** The canonical CIDR text, {@code 10.0.0.0/8}, {@code 2001:db8::/32}, {@code ::ffff:10.0.0.0/104}. */
    @Override
    public String toString() {
        return AddressText.of(address) + "/" + prefixLength;
    }

    /** IPv4 before IPv6, then by address, then shorter prefixes first. */
    @Override
    public int compareTo(AddressBlock other) {
        int byNetwork = network().compareTo(other.network());
        if (byNetwork != 0) {
            return byNetwork;
        }
        int byAddress = Arrays.compareUnsigned(address.getAddress(), other.address.getAddress());
        return byAddress != 0 ? byAddress : Integer.compare(prefixLength, other.prefixLength);
    }

    private static byte[] masked(byte[] address, int prefixLength) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.clamp(prefixLength - 8L * i, 0, 8);
            out[i] &= (byte) (0xff00 >>> keep);
        }
        return out;
    }

    /** An address object that keeps 16 bytes IPv6, IPv4-mapped ones included. */
    private static InetAddress toAddress(byte[] bytes) {
        try {
            return bytes.length == 4 ? InetAddress.getByAddress(bytes) : Inet6Address.getByAddress(null, bytes, -1);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + bytes.length, e);
        }
    }

    /**
     * Strict literals only: four decimal octets without leading zeros
     * (010.0.0.1 would mean 8.0.0.1 to some tools and 10.0.0.1 to others),
     * or RFC 4291 IPv6 text without a zone or brackets.
     */
    private static byte[] parseAddress(String addressText, String whole) {
        if (addressText.indexOf(':') < 0) {
            byte[] v4 = parseIpv4(addressText);
            if (v4 == null) {
                throw new IllegalArgumentException("'" + whole + "' is not an address block: expected an IPv4 address"
                        + " of four decimal numbers 0-255 (10.0.0.0/8), or an IPv6 one (2001:db8::/32)");
            }
            return v4;
        }
        int lastColon = addressText.lastIndexOf(':');
        String tail = addressText.substring(lastColon + 1);
        boolean validChars = addressText.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        boolean validTail = tail.indexOf('.') < 0 || parseIpv4(tail) != null;
        InetAddress parsed = null;
        if (validChars && validTail) {
            try {
                parsed = InetAddress.ofLiteral(addressText);
            } catch (IllegalArgumentException e) {
                parsed = null;
            }
        }
        if (parsed == null) {
            throw new IllegalArgumentException("'" + whole + "' is not an address block: '" + addressText
                    + "' is not an IPv6 address (expected e.g. 2001:db8::/32, without brackets or a %zone)");
        }
        byte[] bytes = parsed.getAddress();
        if (bytes.length == 4) {
            // ofLiteral turns ::ffff:a.b.c.d into IPv4; written as IPv6, it stays IPv6.
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(bytes, 0, mapped, 12, 4);
            return mapped;
        }
        return bytes;
    }

    /** Four decimal octets, or null. */
    private static byte[] parseIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (p.length() > 1 && p.charAt(0) == '0')) {
                return null;
            }
            int value = Integer.parseInt(p);
            if (value > 255) {
                return null;
            }
            out[i] = (byte) value;
        }
        return out;
    }
}
