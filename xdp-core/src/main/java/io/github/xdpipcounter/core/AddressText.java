package io.github.xdpipcounter.core;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Addresses as text in the form RFC 5952 recommends: IPv6 in lower case,
 * leading zeros dropped, the longest run of two or more zero groups (the
 * first, on a tie) as "::", and IPv4-mapped addresses as ::ffff:192.0.2.1.
 * {@link InetAddress#getHostAddress()} prints every group instead
 * ("2001:db8:0:0:0:0:0:1"), which is neither canonical nor what operators grep for.
 */
public final class AddressText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private AddressText() {
    }

    /**
     * The address as RFC 5952 (IPv6) or dotted-quad (IPv4) text, without a scope or host name.
     *
     * @param address an IPv4 or IPv6 address
     * @return its text
     */
    public static String of(InetAddress address) {
        byte[] bytes = address.getAddress();
        return address instanceof Inet4Address ? ipv4(bytes, 0) : ipv6(bytes);
    }

    /**
     * IPv6 text for 16 address bytes, network order.
     *
     * @param bytes the address
     * @return its RFC 5952 text
     */
    public static String ipv6(byte[] bytes) {
        if (bytes.length != 16) {
            throw new IllegalArgumentException("an IPv6 address has 16 bytes, not " + bytes.length);
        }
        if (isIpv4Mapped(bytes)) {
            return "::ffff:" + ipv4(bytes, 12);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (bytes[2 * i] & 0xff) << 8 | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is never shortened (RFC 5952, 4.2.2)
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (i > 0 && i != bestStart + bestLength) {
                text.append(':');
            }
            appendHex(text, groups[i]);
        }
        return text.toString();
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    private static String ipv4(byte[] bytes, int from) {
        return (bytes[from] & 0xff) + "." + (bytes[from + 1] & 0xff) + "." + (bytes[from + 2] & 0xff) + "." + (bytes[from + 3] & 0xff);
    }

    private static void appendHex(StringBuilder text, int group) {
        boolean started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            int digit = (group >>> shift) & 0xf;
            if (digit != 0 || started || shift == 0) {
                text.append(HEX[digit]);
                started = true;
            }
        }
    }
}
