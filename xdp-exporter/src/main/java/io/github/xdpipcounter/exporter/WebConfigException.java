package io.github.xdpipcounter.exporter;

/** TEMPORARY stand-in until the web-config branch is merged. */
public final class WebConfigException extends Exception {
    public WebConfigException(String message) {
        super(message);
    }
}
