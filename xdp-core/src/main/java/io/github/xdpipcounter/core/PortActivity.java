package io.github.xdpipcounter.core;

/**
 * What reached one destination port during a window.
 *
 * @param network       the network the packets came over
 * @param transport     their transport
 * @param port          the destination port
 * @param uniqueSources distinct source addresses
 * @param packets       packets from all of them
 * @param bytes         bytes from all of them
 */
public record PortActivity(Network network, Transport transport, int port,
                           long uniqueSources, long packets, long bytes) {
}
