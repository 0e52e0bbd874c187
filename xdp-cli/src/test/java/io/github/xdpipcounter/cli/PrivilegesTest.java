package io.github.xdpipcounter.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrivilegesTest {
    /** The lines of /proc/PID/status that matter, among others, as Linux 6.18 writes them. */
    private static String status(String uid, String inh, String prm, String eff, String bnd, String amb) {
        return """
                Name:\tjava
                Umask:\t0022
                State:\tS (sleeping)
                Tgid:\t8627
                Uid:\t%1$s\t%1$s\t%1$s\t%1$s
                Gid:\t%1$s\t%1$s\t%1$s\t%1$s
                Groups:\t%1$s
                Threads:\t25
                SigCgt:\t0000000000000000
                CapInh:\t%2$s
                CapPrm:\t%3$s
                CapEff:\t%4$s
                CapBnd:\t%5$s
                CapAmb:\t%6$s
                NoNewPrivs:\t1
                Seccomp:\t0
                """.formatted(uid, inh, prm, eff, bnd, amb);
    }

    // As measured: full root here lacks CAP_SYS_RESOURCE (bit 24); the launcher's JVM holds bits 12, 38, 39.
    private static final String FULL_ROOT = status("0", "0000000000000000", "000001fffeffffff", "000001fffeffffff",
            "000001fffeffffff", "0000000000000000");
    private static final String LAUNCHED = status("65534", "000000c000001000", "000000c000001000", "000000c000001000",
            "000000c000001000", "000000c000001000");

    @Test
    void theNeededSetIsBpfNetAdminAndPerfmon() {
        assertThat(Privileges.NEEDED).isEqualTo(0x000000c000001000L);
        assertThat(Privileges.names(Privileges.NEEDED)).containsExactly("CAP_NET_ADMIN", "CAP_PERFMON", "CAP_BPF");
    }

    @Test
    void parsesUidAndEverySet() {
        Privileges.Status s = Privileges.Status.parse(status("65534", "0000000000000001", "0000000000000002",
                "0000000000000004", "000001ffffffffff", "0000000000000008"));
        assertThat(s).isEqualTo(new Privileges.Status(65534, 1, 2, 4, 0x1ffffffffffL, 8));
        assertThat(Privileges.Status.parse(FULL_ROOT).excess()).isEqualTo(0x000001fffeffffffL & ~Privileges.NEEDED);
    }

    @Test
    void fullRootIsWarnedAboutNamingSysAdminFirstAndTheWayOut() {
        assertThat(Privileges.excessWarning(FULL_ROOT)).hasValue("running as root with capabilities it does not need "
                + "(CAP_SYS_ADMIN, CAP_CHOWN, CAP_DAC_OVERRIDE and 34 more): it needs only CAP_BPF, CAP_NET_ADMIN and "
                + "CAP_PERFMON; start it with scripts/xdp-ip-counter, which runs it as an unprivileged user with just "
                + "those, or see README, \"Privileges\", for a service unit");
    }

    @Test
    void theLaunchersSetOrLessIsNotWarnedAbout() {
        assertThat(Privileges.excessWarning(LAUNCHED)).isEmpty();
        String noCapabilities = status("1000", "0000000000000000", "0000000000000000", "0000000000000000",
                "000001ffffffffff", "0000000000000000");
        assertThat(Privileges.excessWarning(noCapabilities)).isEmpty();
        // Root with only the needed set (a unit with CapabilityBoundingSet=): the capabilities are what matter.
        String rootTrimmed = status("0", "0000000000000000", "000000c000001000", "000000c000001000",
                "000000c000001000", "0000000000000000");
        assertThat(Privileges.excessWarning(rootTrimmed)).isEmpty();
    }

    @Test
    void aCapabilityThatCouldBeMadeEffectiveCountsAndAFewAreAllNamed() {
        // Permitted but not effective: one capset away.
        String permitted = status("1000", "0000000000000000", "000000c000003000", "000000c000001000",
                "000001ffffffffff", "0000000000000000");
        assertThat(Privileges.excessWarning(permitted)).get().asString()
                .startsWith("running as uid 1000 with capabilities it does not need (CAP_NET_RAW):");
        String three = status("1000", "0000000000000000", "0000000000200402", "0000000000200402",
                "000001ffffffffff", "0000000000000000");
        assertThat(Privileges.excessWarning(three)).get().asString()
                .contains("(CAP_SYS_ADMIN, CAP_DAC_OVERRIDE, CAP_NET_BIND_SERVICE):");
    }

    @Test
    void aCapabilityNewerThanThisListIsNamedByNumber() {
        assertThat(Privileges.names(1L << 41 | 1L << 40)).containsExactly("CAP_CHECKPOINT_RESTORE", "capability 41");
    }

    @Test
    void aStatusWithoutTheFieldsIsRejected() {
        assertThatThrownBy(() -> Privileges.Status.parse("Name:\tjava\nUid:\t0\t0\t0\t0\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no CapInh in status");
        assertThatThrownBy(() -> Privileges.excessWarning(FULL_ROOT.replace("CapEff:\t000001fffeffffff", "CapEff:\tzz")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("bad CapEff in status: zz");
    }

    @Test
    void thisProcessIsReadFromProc() throws Exception {
        String own = Files.readString(Path.of("/proc/self/status"));
        assertThat(Privileges.excessWarning()).isEqualTo(Privileges.excessWarning(own));
        assertThat(Privileges.excessWarning().isPresent()).isEqualTo(Privileges.Status.parse(own).excess() != 0);
    }
}
