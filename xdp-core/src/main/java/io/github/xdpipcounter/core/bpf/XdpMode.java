package io.github.xdpipcounter.core.bpf;

import java.util.Locale;

import io.github.xdpipcounter.core.internal.libbpf.LibBpf;

/** Where an XDP program runs. */
public enum XdpMode {
    /** Generic XDP, in the kernel's network stack: works on every interface. */
    SKB("skb"),
    /** Native XDP in the driver: faster, needs driver support. */
    DRIVER("driver"),
    /** Offloaded to the NIC: needs hardware support. */
    HW("hw");

    private final String label;

    XdpMode(String label) {
        this.label = label;
    }

    /**
     * The name used on command lines: skb, driver or hw.
     *
     * @return the label
     */
    public String label() {
        return label;
    }

    /**
     * Parses skb, driver or hw (also "generic", "native", "offload").
     *
     * @param text a mode name, any case
     * @return the mode
     * @throws IllegalArgumentException for any other text
     */
    public static XdpMode parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "skb", "generic" -> SKB;
            case "driver", "drv", "native" -> DRIVER;
            case "hw", "offload" -> HW;
            default -> throw new IllegalArgumentException("unknown XDP mode '" + text + "': expected skb, driver or hw");
        };
    }

    int flags() {
        return switch (this) {
            case SKB -> LibBpf.XDP_FLAGS_SKB_MODE();
            case DRIVER -> LibBpf.XDP_FLAGS_DRV_MODE();
            case HW -> LibBpf.XDP_FLAGS_HW_MODE();
        };
    }
}
