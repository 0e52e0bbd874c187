/** The embedding sample: the four ways into xdp-ip-counter, as an application uses them. */
module io.github.xdpipcounter.samples.embedding {
    requires io.github.xdpipcounter.exporter;
    requires io.github.xdpipcounter.micrometer;
    requires io.prometheus.metrics.exporter.httpserver;
    requires micrometer.registry.prometheus;
}
