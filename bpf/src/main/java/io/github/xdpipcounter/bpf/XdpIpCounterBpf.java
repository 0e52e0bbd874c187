package io.github.xdpipcounter.bpf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The compiled XDP program {@code xdp_ip_counter}, shipped in this jar as a
 * resource next to this class (with the C header that describes its maps).
 *
 * <p>The object is read here, by a class of the module that holds it: on the
 * module path a resource is encapsulated in its module, and a lookup from
 * any other module (xdp-core's) would not find it. Read from here, it is
 * found on the class path and on the module path alike, and this module
 * need not open its package.
 */
public final class XdpIpCounterBpf {
    /** The object's file name, next to this class. */
    public static final String OBJECT = "xdp_ip_counter.bpf.o";

    private XdpIpCounterBpf() {
    }

    /**
     * The ELF object's bytes, as clang wrote them.
     *
     * @return a fresh copy of the object
     * @throws IllegalStateException when this jar lacks the object (a broken build)
     */
    public static byte[] object() {
        try (InputStream in = XdpIpCounterBpf.class.getResourceAsStream(OBJECT)) {
            if (in == null) {
                throw new IllegalStateException(OBJECT + " is missing from " + XdpIpCounterBpf.class.getModule()
                        + ": the xdp-ip-counter-bpf jar was built without it");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("read " + OBJECT + " from the xdp-ip-counter-bpf jar", e);
        }
    }
}
