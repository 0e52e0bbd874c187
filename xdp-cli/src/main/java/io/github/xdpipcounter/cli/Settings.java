package io.github.xdpipcounter.cli;

import java.util.logging.Level;

import io.github.xdpipcounter.core.CounterConfig;
import io.github.xdpipcounter.exporter.ExporterConfig;

/** What the command line asked for, validated: what to count, what to serve, how much to say. */
record Settings(CounterConfig counter, ExporterConfig exporter, Level logLevel) {
}
