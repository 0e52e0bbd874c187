/**
 * The compiled XDP program of xdp-ip-counter and its C header, so that the
 * library needs no clang: {@link io.github.xdpipcounter.bpf.XdpIpCounterBpf}
 * reads them.
 */
module io.github.xdpipcounter.bpf {
    exports io.github.xdpipcounter.bpf;
}
