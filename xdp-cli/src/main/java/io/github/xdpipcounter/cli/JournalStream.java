package io.github.xdpipcounter.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether stderr is a stream into the systemd journal, which stamps every
 * line itself. systemd says so in {@code JOURNAL_STREAM=DEVICE:INODE} (both
 * decimal) for the stream it connected; the variable is inherited by
 * children whose stderr goes elsewhere, so it counts only when it names the
 * file our stderr is (sd_journal_stream_fd(3), systemd.exec(5)).
 */
final class JournalStream {
    private static final Path STDERR = Path.of("/proc/self/fd/2");

    private JournalStream() {
    }

    /** True when this process's stderr is the stream {@code JOURNAL_STREAM} names. */
    static boolean isStderr() {
        String named = System.getenv("JOURNAL_STREAM");
        if (named == null) {
            return false;
        }
        try {
            long device = ((Number) Files.getAttribute(STDERR, "unix:dev")).longValue();
            long inode = ((Number) Files.getAttribute(STDERR, "unix:ino")).longValue();
            return names(named, device, inode);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException unknowable) {
            return false; // cannot tell: stamp the lines, a stamp too many harms less than none
        }
    }

    /** True when {@code value} ("DEVICE:INODE") names that device and inode. */
    static boolean names(String value, long device, long inode) {
        return value.trim().equals(Long.toUnsignedString(device) + ":" + Long.toUnsignedString(inode));
    }
}
