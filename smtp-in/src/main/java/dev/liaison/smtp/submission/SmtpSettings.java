package dev.liaison.smtp.submission;

import java.net.InetAddress;
import java.util.Objects;

/**
 * Where and as whom the submission listeners run.
 *
 * @param hostname         the name in the greeting, the EHLO reply, {@code Received:} and generated
 *                         {@code Message-ID}s; a plain DNS name
 * @param bindAddress      the local address both listeners bind to
 * @param submissionPort   the STARTTLS listener (RFC 6409; normally 587), 0 for an ephemeral port
 * @param submissionsPort  the implicit-TLS listener (RFC 8314; normally 465), 0 for an ephemeral port
 * @param ioThreads        Netty I/O threads per listener. James runs the hooks on these threads and
 *                         the {@link SubmissionHandler} blocks until its commit is durable, so this
 *                         is also the number of commits one listener can have in flight
 * @param limits           every bound
 */
public record SmtpSettings(
        String hostname,
        InetAddress bindAddress,
        int submissionPort,
        int submissionsPort,
        int ioThreads,
        Limits limits) {

    public static final int DEFAULT_IO_THREADS = 16;

    public SmtpSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(limits, "limits");
        if (hostname == null || !hostname.matches("[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")) {
            throw new IllegalArgumentException("hostname '" + hostname
                    + "' is not a plain DNS name (letters, digits, '.', '-'); it appears in replies and headers");
        }
        requirePort("submissionPort", submissionPort);
        requirePort("submissionsPort", submissionsPort);
        if (ioThreads < 1 || ioThreads > 1024) {
            throw new IllegalArgumentException("ioThreads is " + ioThreads + "; use 1..1024");
        }
    }

    /** Both listeners on the loopback address with ephemeral ports and default limits. */
    public static SmtpSettings loopback(String hostname) {
        return new SmtpSettings(hostname, InetAddress.getLoopbackAddress(), 0, 0, DEFAULT_IO_THREADS, Limits.DEFAULT);
    }

    public SmtpSettings withLimits(Limits newLimits) {
        return new SmtpSettings(hostname, bindAddress, submissionPort, submissionsPort, ioThreads, newLimits);
    }

    private static void requirePort(String name, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " is " + port + "; use 0 (ephemeral) to 65535");
        }
    }
}
