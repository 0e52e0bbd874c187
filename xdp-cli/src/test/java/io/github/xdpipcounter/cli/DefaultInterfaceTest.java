package io.github.xdpipcounter.cli;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DefaultInterfaceTest {
    /** /proc/net/route: a header line, then a route a line. */
    private static List<String> ipv4Route(String... routes) {
        List<String> lines = new ArrayList<>();
        lines.add("Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT");
        lines.addAll(List.of(routes));
        return lines;
    }

    @Test
    void theIpv4DefaultRouteWins() {
        List<String> route = ipv4Route(
                "ens4\t0000A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
                "ens5\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0");
        assertThat(DefaultInterface.ofIpv4Route(route)).hasValue("ens5");
    }

    @Test
    void aRouteThatIsDownOrNotDefaultDoesNotCount() {
        List<String> route = ipv4Route(
                "ens5\t00000000\t0100A8C0\t0002\t0\t0\t100\t00000000\t0\t0\t0",
                "ens6\t00000000\t0100A8C0\t0003\t0\t0\t100\t000000FF\t0\t0\t0");
        assertThat(DefaultInterface.ofIpv4Route(route)).isEmpty();
    }

    @Test
    void elseTheIpv6DefaultRouteNotLoopback() {
        List<String> route = List.of(
                "00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo",
                "fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth1",
                "00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003     eth1");
        assertThat(DefaultInterface.ofIpv6Route(route)).hasValue("eth1");
    }
}
