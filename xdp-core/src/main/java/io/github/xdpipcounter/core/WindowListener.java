package io.github.xdpipcounter.core;

/** Called with each window an {@link IpCounter} completes, on the counter's window thread. */
@FunctionalInterface
public interface WindowListener {
    void windowCompleted(Window window);
}
