package io.github.xdpipcounter.core.netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import io.github.xdpipcounter.core.internal.netlink.inet_diag_msg;
import io.github.xdpipcounter.core.internal.netlink.inet_diag_req_v2;
import io.github.xdpipcounter.core.internal.netlink.nlmsghdr;

import static io.github.xdpipcounter.core.internal.netlink.Netlink.AF_INET;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.AF_INET6;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.TCP_CLOSE;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.TCP_ESTABLISHED;
import static io.github.xdpipcounter.core.internal.netlink.Netlink.TCP_LISTEN;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sock_diag request as the kernel expects it, and its answers as the kernel lays them out. */
class InetDiagMessagesTest {
    @AutoClose
    private final NetlinkDatagrams datagrams = new NetlinkDatagrams();

    @Test
    void theRequestIsAnInetDiagReqV2ForOneFamilyProtocolAndStateSet() {
        assertThat(inet_diag_req_v2.sizeof()).as("sizeof(struct inet_diag_req_v2)").isEqualTo(56);
        assertThat(inet_diag_msg.sizeof()).as("sizeof(struct inet_diag_msg)").isEqualTo(72);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment request = InetDiagMessages.dumpRequest(arena, 9, AF_INET6(), 136, 1 << TCP_LISTEN());
            long body = nlmsghdr.sizeof();

            assertThat(request.byteSize()).isEqualTo(body + 56);
            assertThat(request.get(JAVA_INT, 0)).isEqualTo(16 + 56);
            assertThat(request.get(JAVA_SHORT, 4)).isEqualTo((short) 20); // SOCK_DIAG_BY_FAMILY
            assertThat(request.get(JAVA_SHORT, 6)).isEqualTo((short) 0x301); // NLM_F_REQUEST | NLM_F_DUMP
            assertThat(request.get(JAVA_INT, 8)).isEqualTo(9);
            assertThat(request.get(JAVA_BYTE, body)).isEqualTo((byte) AF_INET6());
            assertThat(request.get(JAVA_BYTE, body + 1)).isEqualTo((byte) 136);
            assertThat(request.get(JAVA_INT, body + 4)).isEqualTo(0x400);
            assertThat(request.asSlice(body + 8).toArray(JAVA_BYTE)).as("any address, port, interface").containsOnly(0);
        }
    }

    @Test
    void thePortIsReadInNetworkByteOrder() {
        assertThat(localPort(socket(AF_INET(), TCP_LISTEN(), 0x1f, 0x90), AF_INET(), 1 << TCP_LISTEN())).isEqualTo(8080);
        assertThat(localPort(socket(AF_INET6(), TCP_CLOSE(), 0xff, 0xfe), AF_INET6(), 1 << TCP_CLOSE())).isEqualTo(65534);
    }

    @Test
    void aSocketOfAnotherStateOrFamilyIsNotCounted() {
        int unconnected = 1 << TCP_CLOSE();

        assertThat(localPort(socket(AF_INET(), TCP_ESTABLISHED(), 0, 53), AF_INET(), unconnected)).isZero();
        assertThat(localPort(socket(AF_INET6(), TCP_CLOSE(), 0, 53), AF_INET(), unconnected)).isZero();
        assertThat(localPort(socket(AF_INET(), 200, 0, 53), AF_INET(), -1)).as("a state past the bit set").isZero();
    }

    @Test
    void aShortMessageIsMalformed() {
        byte[] socket = socket(AF_INET(), TCP_LISTEN(), 0, 22);
        MemorySegment cut = datagrams.datagram(socket).asSlice(0, socket.length - 1);

        assertThatThrownBy(() -> InetDiagMessages.localPort(cut, AF_INET(), 1 << TCP_LISTEN()))
                .isInstanceOf(NetlinkMessages.Malformed.class)
                .hasMessage("inet_diag message of 71 bytes is shorter than struct inet_diag_msg");
    }

    private int localPort(byte[] message, int family, int states) {
        return InetDiagMessages.localPort(datagrams.datagram(message), family, states);
    }

    /** An inet_diag_msg whose source port's two bytes, as they travel, are {@code high} and {@code low}. */
    private byte[] socket(int family, int state, int high, int low) {
        return datagrams.struct(inet_diag_msg.layout(), s -> {
            s.set(JAVA_BYTE, 0, (byte) family);
            s.set(JAVA_BYTE, 1, (byte) state);
            s.set(JAVA_BYTE, 4, (byte) high);
            s.set(JAVA_BYTE, 5, (byte) low);
            s.set(JAVA_SHORT, 6, (short) 0x3412); // the peer's port: not ours
        });
    }
}
