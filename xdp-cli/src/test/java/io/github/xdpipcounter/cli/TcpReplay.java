package io.github.xdpipcounter.cli;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.xdpipcounter.testing.NetworkNamespace;
import io.github.xdpipcounter.testing.TestTools;

/**
 * Frames replayed with tcpreplay from a pcap written here, out of an
 * interface of a test namespace, at top speed: a C sender several times as
 * fast as a Python loop ({@link io.github.xdpipcounter.testing.TwoHosts#sendFrames}),
 * the rate a flood has. The frames are preloaded into memory and replayed
 * over and over for a given time, and never more than a given number.
 */
final class TcpReplay {
    /** pcap's magic number: microsecond timestamps, byte order as written (big-endian here). */
    private static final int PCAP_MAGIC = 0xa1b2c3d4;
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int SNAPLEN = 65_535;
    private static final Pattern ACTUAL = Pattern.compile(
            "Actual: (\\d+) packets \\((\\d+) bytes\\) sent in ([\\d.]+) seconds");
    private static final Pattern FAILED = Pattern.compile("Failed packets:\\s+(\\d+)");

    private TcpReplay() {
    }

    /**
     * What tcpreplay says it sent.
     *
     * @param packets  frames it wrote to the interface
     * @param bytes    their bytes
     * @param failed   frames the interface refused
     * @param took     how long the writing took, by tcpreplay (the preload left out)
     * @param endNanos when tcpreplay had exited, on {@link System#nanoTime}: the writing ended just before
     */
    record Replayed(long packets, long bytes, long failed, Duration took, long endNanos) {
        /** @return when the writing began, on {@link System#nanoTime} */
        long startNanos() {
            return endNanos - took.toNanos();
        }
    }

    /**
     * Replays {@code frames} in order, from the first again after the last,
     * for {@code duration} or until {@code limit} frames have gone, whichever
     * comes first. tcpreplay looks at the time at the end of each pass: every
     * frame goes at least once, and the replay may run a pass past
     * {@code duration}.
     *
     * @param ns            the namespace to send from
     * @param interfaceName its interface to write to
     * @param frames        whole frames, each from its Ethernet header on
     * @param duration      how long to send (whole seconds, tcpreplay's unit)
     * @param limit         the most frames to send
     */
    static Replayed atTopSpeed(NetworkNamespace ns, String interfaceName, List<byte[]> frames, Duration duration,
                               long limit) throws IOException {
        String tcpreplay = TestTools.require("tcpreplay", "tcpreplay");
        Path pcap = Files.createTempFile("xic-replay-", ".pcap");
        try {
            write(pcap, frames);
            String out = ns.exec(duration.plusSeconds(30), tcpreplay, "--intf1=" + interfaceName, "--preload-pcap",
                    "--topspeed", "--loop=0", "--duration=" + duration.toSeconds(), "--limit=" + limit,
                    "--no-flow-stats", pcap.toString());
            long end = System.nanoTime();
            Matcher actual = ACTUAL.matcher(out);
            Matcher failed = FAILED.matcher(out);
            if (!actual.find() || !failed.find()) {
                throw new IllegalStateException("no statistics in the output of tcpreplay:\n" + out);
            }
            return new Replayed(Long.parseLong(actual.group(1)), Long.parseLong(actual.group(2)),
                    Long.parseLong(failed.group(1)),
                    Duration.ofNanos(Math.round(Double.parseDouble(actual.group(3)) * 1e9)), end);
        } finally {
            Files.deleteIfExists(pcap);
        }
    }

    /** The frames as a pcap file: its header, then each frame with a record header (all timestamps 0). */
    private static void write(Path pcap, List<byte[]> frames) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(pcap)))) {
            out.writeInt(PCAP_MAGIC);
            out.writeShort(2);
            out.writeShort(4);
            out.writeInt(0);
            out.writeInt(0);
            out.writeInt(SNAPLEN);
            out.writeInt(LINKTYPE_ETHERNET);
            for (byte[] frame : frames) {
                out.writeInt(0);
                out.writeInt(0);
                out.writeInt(frame.length);
                out.writeInt(frame.length);
                out.write(frame);
            }
        }
    }
}
