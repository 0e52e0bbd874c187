package io.github.xdpipcounter.core;

/**
 * What reached one destination port during a window.
 *
 * @param network       the network the packets came over
 * @param transport     their transport
 * @param port          the destination port
 * @param uniqueSources distinct source addresses: exact, or the sketch's estimate (rounded) when {@code estimated}
 * @param packets       packets from all of them, with or without a record
 * @param bytes         bytes from all of them
 * @param estimated     some sources found the window full: {@code uniqueSources} is an estimate
 *                      (relative standard error {@link Window#SKETCH_RELATIVE_ERROR})
 */
public record PortActivity(Network network, Transport transport, int port,
                           long uniqueSources, long packets, long bytes, boolean estimated) {
}
