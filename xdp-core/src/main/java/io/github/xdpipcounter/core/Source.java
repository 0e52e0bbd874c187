package io.github.xdpipcounter.core;

import java.net.InetAddress;
import java.time.Instant;

/**
 * One source address seen sending to one destination port during a window.
 *
 * @param address   the source address
 * @param network   IPv4 or IPv6
 * @param transport the transport the packets used
 * @param port      the destination port
 * @param packets   packets counted
 * @param bytes     bytes of those packets, whole frames
 * @param firstSeen when the first packet arrived, to the counter's tick (within the window)
 * @param lastSeen  when the last packet arrived, to the counter's tick (within the window)
 */
public record Source(InetAddress address, Network network, Transport transport, int port,
                     long packets, long bytes, Instant firstSeen, Instant lastSeen) {
}
