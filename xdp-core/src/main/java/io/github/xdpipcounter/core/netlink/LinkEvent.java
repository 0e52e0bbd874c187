package io.github.xdpipcounter.core.netlink;

import java.util.Objects;

/**
 * What the kernel said about one network interface (a "link") of the
 * monitor's network namespace.
 *
 * <p>An event is history: by the time it is handled the link may have
 * changed again. Act on the current state (look the name up again) rather
 * than on the event alone.
 *
 * @param kind  whether the link is there or gone
 * @param index the kernel's interface index: unique in the namespace while the
 *              link exists; a link deleted and created again under the same
 *              name gets a new one
 * @param name  the interface name at the time of the event
 */
public record LinkEvent(Kind kind, int index, String name) {

    public enum Kind {
        /**
         * The link exists, with this index and name. The kernel says so when
         * it is created or moved into the namespace, and again on every
         * change (up or down, carrier, rename, MTU, ...): it is not a
         * "new link" signal, and one link gets many of them.
         */
        PRESENT,
        /** The link with this index is gone: deleted, or moved to another namespace. */
        REMOVED
    }

    public LinkEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        if (index <= 0) {
            throw new IllegalArgumentException("interface index must be positive: " + index);
        }
    }
}
