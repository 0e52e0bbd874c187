package io.github.xdpipcounter.cli;

import io.github.xdpipcounter.core.Version;
import io.github.xdpipcounter.core.bpf.SystemLibbpf;
import picocli.CommandLine.IVersionProvider;

/** --version: ours, the commit and time of the build, libbpf's (if it can be loaded) and the JVM's. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String libbpf;
        try {
            libbpf = "libbpf " + SystemLibbpf.version();
        } catch (RuntimeException e) {
            libbpf = "libbpf unavailable (" + e.getMessage() + ")";
        }
        return new String[] {Main.NAME + " " + Version.current(),
                "commit " + Version.commit() + ", built " + Version.buildTime(), libbpf,
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
    }
}
