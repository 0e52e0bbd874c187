/**
 * Counts the unique source addresses per destination port with an XDP
 * program, window by window, through libbpf and {@code java.lang.foreign}.
 *
 * <p>{@link io.github.xdpipcounter.core.IpCounter} is the entry point;
 * {@link io.github.xdpipcounter.core.bpf} is the thin libbpf wrapper it is
 * built on, usable on its own. The generated bindings, the program's struct
 * layouts and the rtnetlink monitor are not exported. Run with
 * {@code --enable-native-access=io.github.xdpipcounter.core} (or
 * {@code ALL-UNNAMED} on the class path).
 */
module io.github.xdpipcounter.core {
    requires io.github.xdpipcounter.bpf;
    requires datasketches.java;

    exports io.github.xdpipcounter.core;
    exports io.github.xdpipcounter.core.bpf;
}
