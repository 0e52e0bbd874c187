package io.github.xdpipcounter.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.xdpipcounter.core.bpf.BpfException;
import io.github.xdpipcounter.core.bpf.BpfProgram;
import io.github.xdpipcounter.core.bpf.XdpLink;
import io.github.xdpipcounter.core.bpf.XdpMode;
import io.github.xdpipcounter.core.netlink.LinkEvent;
import io.github.xdpipcounter.core.netlink.LinkMonitor;

/**
 * The program's links to the configured interfaces: their one owner. When an
 * attached interface is deleted the kernel detaches its link; this says so
 * at once and attaches again when an interface of that name appears,
 * driven by netlink link notifications rather than polling.
 *
 * <p>Re-attaching needs no capability: the kernel checks none when a link is
 * made from a program the process already holds.
 */
final class InterfaceAttachments implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(IpCounter.class.getName());

    private final BpfProgram program;
    private final XdpMode mode;
    /** Configured name to its link, null while detached. Guarded by this. */
    private final Map<String, XdpLink> links = new LinkedHashMap<>();
    private final LinkMonitor monitor;
    private boolean closed;

    private InterfaceAttachments(BpfProgram program, List<String> names, XdpMode mode) {
        this.program = program;
        this.mode = mode;
        names.forEach(name -> links.put(name, null));
        // Subscribed before attaching: an interface deleted right after its attach is still seen.
        this.monitor = LinkMonitor.open(this::changed, this::recheckAll);
    }

    /**
     * Attaches the program to every named interface of the calling thread's
     * network namespace. Nothing stays attached if one fails.
     *
     * @throws IllegalArgumentException for an interface that does not exist
     * @throws BpfException             when the kernel refuses
     */
    static InterfaceAttachments attach(BpfProgram program, List<String> names, XdpMode mode) {
        InterfaceAttachments attachments = new InterfaceAttachments(program, names, mode);
        try {
            synchronized (attachments) {
                for (String name : names) {
                    attachments.links.put(name, XdpLink.attach(program, name, mode));
                }
            }
            return attachments;
        } catch (RuntimeException | Error e) {
            attachments.close();
            throw e;
        }
    }

    /** Every configured interface, in configuration order, attached or not. */
    synchronized List<Attachment> state() {
        List<Attachment> state = new ArrayList<>(links.size());
        links.forEach((name, link) -> state.add(link != null
                ? new Attachment(name, link.interfaceIndex(), true)
                : new Attachment(name, 0, false)));
        return state;
    }

    private synchronized void changed(LinkEvent event) {
        if (closed) {
            return;
        }
        switch (event.kind()) {
            case REMOVED -> links.forEach((name, link) -> {
                if (link != null && link.interfaceIndex() == event.index()) {
                    detached(name, link, "was deleted");
                }
            });
            case PRESENT -> {
                if (links.containsKey(event.name()) && links.get(event.name()) == null) {
                    reattach(event.name());
                }
                // A rename away from a configured name also ends counting under that name.
                links.forEach((name, link) -> {
                    if (link != null && link.interfaceIndex() == event.index() && !name.equals(event.name())) {
                        detached(name, link, "was renamed to " + event.name());
                    }
                });
            }
        }
    }

    /** Notifications were lost: look at every configured interface as it is now. */
    private synchronized void recheckAll() {
        if (closed) {
            return;
        }
        for (String name : new ArrayList<>(links.keySet())) {
            XdpLink link = links.get(name);
            if (link != null && !link.isCurrent()) {
                detached(name, link, "is gone");
                link = null;
            }
            if (link == null) {
                reattach(name); // does nothing while no interface has the name
            }
        }
    }

    private void detached(String name, XdpLink link, String why) {
        link.close();
        links.put(name, null);
        LOGGER.log(System.Logger.Level.WARNING, "interface " + name + " (index " + link.interfaceIndex() + ") " + why
                + ": not counting there until an interface of that name appears again");
    }

    private void reattach(String name) {
        try {
            XdpLink link = XdpLink.attach(program, name, mode);
            links.put(name, link);
            LOGGER.log(System.Logger.Level.WARNING, "interface " + name + " is back (index " + link.interfaceIndex()
                    + "): attached again, counting there");
        } catch (IllegalArgumentException gone) {
            // Deleted again before we got to it: its next notification brings us back.
        } catch (BpfException e) {
            LOGGER.log(System.Logger.Level.ERROR, "interface " + name + " is back, but attaching to it failed: "
                    + e.getMessage());
        }
    }

    /** Detaches from every interface and stops following them. Idempotent. */
    @Override
    public void close() {
        monitor.close();
        synchronized (this) {
            closed = true;
            links.replaceAll((name, link) -> {
                if (link != null) {
                    link.close();
                }
                return null;
            });
        }
    }
}
