package io.github.xdpipcounter.core;

/** Called with each window an {@link IpCounter} completes, on the counter's window thread. */
@FunctionalInterface
public interface WindowListener {
    /**
     * Receives a completed window; an exception thrown here is logged and the next listener still called.
     *
     * @param window the window
     */
    void windowCompleted(Window window);
}
