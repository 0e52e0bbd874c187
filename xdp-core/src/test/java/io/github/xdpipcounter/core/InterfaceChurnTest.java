package io.github.xdpipcounter.core;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.core.bpf.XdpLink;
import io.github.xdpipcounter.core.bpf.XdpMode;
import io.github.xdpipcounter.testing.NetworkNamespace;
import io.github.xdpipcounter.testing.RequiresRoot;
import io.github.xdpipcounter.testing.TwoHosts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An attached interface that is deleted and made again, as happens to veth
 * pairs of containers and to VPN tunnels: the counter says so at once and
 * counts again on the new interface of the same name, while another
 * interface it is attached to goes on unaffected. Before, counting stopped
 * for good and silently.
 */
@RequiresRoot
class InterfaceChurnTest {
    private static final Duration LIMIT = Duration.ofSeconds(5);

    @Test
    void aDeletedInterfaceIsReportedAndCountedAgainWhenItComesBack() throws Exception {
        try (TwoHosts hosts = TwoHosts.create()) {
            String second = NetworkNamespace.interfaceName("xs");
            NetworkNamespace.veth(hosts.counter, second, hosts.peer, NetworkNamespace.interfaceName("xt"));
            CounterConfig config = new CounterConfig(List.of(hosts.counterInterface, second)).withWindow(Duration.ofHours(1));
            IpCounter counter = hosts.counter.inside(() -> IpCounter.start(config));
            try {
                int firstIndex = counter.attachments().getFirst().interfaceIndex();
                assertThat(counter.attachments()).allMatch(Attachment::attached);

                hosts.unlink();
                List<Attachment> afterDelete = await(counter, a -> !a.getFirst().attached());
                assertThat(afterDelete.getFirst()).isEqualTo(new Attachment(hosts.counterInterface, 0, false));
                assertThat(afterDelete.get(1).attached()).as("the other interface").isTrue();
                assertThat(hosts.counter.hasXdp(second)).isTrue();

                hosts.relink();
                List<Attachment> afterReturn = await(counter, a -> a.getFirst().attached());
                assertThat(afterReturn.getFirst().interfaceIndex()).isNotEqualTo(firstIndex);
                assertThat(hosts.counter.hasXdp(hosts.counterInterface)).isTrue();

                counter.completeWindow();
                hosts.sendFromPeer(2, 5353, 8443);
                Window window = counter.completeWindow();
                assertThat(window.uniqueSources(Network.IPV4, Transport.UDP, 5353)).isEqualTo(3);
                assertThat(window.uniqueSources(Network.IPV6, Transport.TCP, 8443)).isEqualTo(3);
            } finally {
                counter.close();
            }
            assertThat(counter.attachments()).noneMatch(Attachment::attached);
            assertThat(hosts.counter.hasXdp(hosts.counterInterface)).isFalse();
            assertThat(hosts.counter.hasXdp(second)).isFalse();
        }
    }

    /** What the counter rechecks with when link notifications were lost: is the link's interface still there? */
    @Test
    void aLinkIsCurrentUntilItsInterfaceIsDeletedAndNotWhenOneOfTheSameNameComesBack() throws Exception {
        try (TwoHosts hosts = TwoHosts.create();
             CounterProgram program = CounterProgram.load(1024);
             XdpLink link = hosts.counter.inside(() -> XdpLink.attach(program.program(), hosts.counterInterface, XdpMode.SKB))) {
            assertThat(hosts.counter.inside(link::isCurrent)).isTrue();
            hosts.unlink();
            assertThat(hosts.counter.inside(link::isCurrent)).isFalse();
            hosts.relink();
            assertThat(hosts.counter.inside(link::isCurrent)).as("a new interface, a new index").isFalse();
        }
    }

    private static List<Attachment> await(IpCounter counter, Predicate<List<Attachment>> condition) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        List<Attachment> now = counter.attachments();
        while (!condition.test(now) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            now = counter.attachments();
        }
        assertThat(condition).as("attachments within %s: %s", LIMIT, now).accepts(now);
        return now;
    }
}
