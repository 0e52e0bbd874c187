package io.github.xdpipcounter.core;

/**
 * One configured interface and whether the program is attached to it now.
 * An interface that disappears while counting is detached by the kernel; a
 * counter re-attaches when an interface of the same name appears again.
 *
 * @param interfaceName  the configured name
 * @param interfaceIndex the index it is attached at, or 0 when detached
 * @param attached       whether packets arriving on it are counted now
 */
public record Attachment(String interfaceName, int interfaceIndex, boolean attached) {
}
