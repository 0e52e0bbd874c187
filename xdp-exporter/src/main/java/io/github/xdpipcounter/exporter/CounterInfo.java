package io.github.xdpipcounter.exporter;

import java.time.Duration;
import java.util.List;

import io.github.xdpipcounter.core.CounterConfig;
import io.github.xdpipcounter.core.IpCounter;
import io.github.xdpipcounter.core.PortSelection;
import io.github.xdpipcounter.core.Version;
import io.github.xdpipcounter.core.bpf.SystemLibbpf;

/**
 * What the metrics say about the counter itself, fixed for its lifetime.
 *
 * @param version       xdp-ip-counter's version
 * @param libbpfVersion the libbpf in use
 * @param interfaces   where it is attached
 * @param mode         XDP attach mode label ("skb", "driver", "hw")
 * @param ports        the configured port selection
 * @param window       configured window length
 * @param capacity     sources per network the maps hold
 */
public record CounterInfo(String version, String libbpfVersion, List<String> interfaces, String mode,
                          PortSelection ports, Duration window, int capacity) {
    /** Copies the interfaces. */
    public CounterInfo {
        interfaces = List.copyOf(interfaces);
    }

    /**
     * The info of a running counter.
     *
     * @param counter the counter
     * @return its info
     */
    public static CounterInfo of(IpCounter counter) {
        CounterConfig config = counter.config();
        return new CounterInfo(Version.current(), SystemLibbpf.version(), config.interfaces(), config.mode().label(),
                config.ports(), config.window(), config.maxSources());
    }
}
