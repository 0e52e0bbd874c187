package io.github.xdpipcounter.testing;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** curl as the client: one GET, with whatever TLS and credential options a test gives. */
public final class Curl {
    private Curl() {
    }

    /**
     * What curl got.
     *
     * @param exit           curl's exit code (0: a response came, whatever its status)
     * @param status         the HTTP status, 0 when no response came (e.g. the handshake was refused)
     * @param headersAndBody the response as it came, status line and headers included
     * @param error          what curl wrote to standard error
     */
    public record Response(int exit, int status, String headersAndBody, String error) {
        /**
         * A header's value, its name in any case.
         *
         * @param name the header
         * @return its first value, or empty
         */
        public Optional<String> header(String name) {
            return headersAndBody.lines().filter(l -> l.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                    .map(l -> l.substring(name.length() + 1).strip()).findFirst();
        }

        /**
         * The body, after the headers.
         *
         * @return the body, or "" when there is none
         */
        public String body() {
            int end = headersAndBody.indexOf("\r\n\r\n");
            return end < 0 ? "" : headersAndBody.substring(end + 4);
        }
    }

    /**
     * GET {@code uri} with curl, within 10 s.
     *
     * @param uri     the address
     * @param options more curl options (TLS, credentials)
     * @return what came back
     */
    public static Response get(URI uri, String... options) {
        return get(List.of(), uri, options);
    }

    /**
     * The same, with curl run under {@code prefix} (e.g. {@code ip netns exec NS}).
     *
     * @param prefix  the command curl runs under
     * @param uri     the address
     * @param options more curl options
     * @return what came back
     */
    public static Response get(List<String> prefix, URI uri, String... options) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(TestTools.require("curl", "curl"),
                "--silent", "--show-error", "--max-time", "10", "--include", "--write-out", "\n%{http_code}"));
        command.addAll(List.of(options));
        command.add(uri.toString());
        ChildProcess.Outcome outcome = ChildProcess.run(Duration.ofSeconds(20), command);
        String out = outcome.stdout();
        int lastLine = out.lastIndexOf('\n');
        int status = Integer.parseInt(out.substring(lastLine + 1).strip());
        return new Response(outcome.exit(), status, out.substring(0, lastLine), outcome.stderr().strip());
    }
}
