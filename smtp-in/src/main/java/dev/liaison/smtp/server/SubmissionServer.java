package dev.liaison.smtp.server;

import dev.liaison.smtp.auth.AuthThrottle;
import dev.liaison.smtp.message.MessageAssembler;
import dev.liaison.smtp.submission.SmtpSettings;
import dev.liaison.smtp.submission.SubmissionServices;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import io.netty.handler.ssl.SslContext;
import org.apache.james.protocols.api.handler.WiringException;
import org.apache.james.protocols.smtp.SMTPProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP submission service: one listener with STARTTLS (RFC 6409, port 587) and one with
 * implicit TLS (RFC 8314, port 465), sharing one handler chain and one AUTH throttle (an attacker
 * gains nothing by alternating ports). Start it with {@link #start}; {@link #close} stops both.
 */
public final class SubmissionServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SubmissionServer.class);

    private final SmtpListener submission;
    private final SmtpListener submissions;

    private final MessageAssembler assembler;

    private SubmissionServer(SmtpListener submission, SmtpListener submissions, MessageAssembler assembler) {
        this.submission = submission;
        this.submissions = submissions;
        this.assembler = assembler;
    }

    /**
     * Binds both listeners and returns once they accept connections.
     *
     * @param settings where to listen, the host name, the limits
     * @param tls      the server certificate and key (gateway's configured or generated one)
     * @param services gateway's authenticator, recipient policy and submission handler
     * @throws IOException if a port cannot be bound (nothing is left listening then)
     */
    public static SubmissionServer start(SmtpSettings settings, SslContext tls, SubmissionServices services)
            throws IOException {
        return start(settings, tls, services, new AuthThrottle(settings.limits().authThrottling(), services.clock()));
    }

    /**
     * Binds both listeners with {@code throttle} deciding which AUTH attempts wait: gateway passes
     * the one IMAP's LOGIN asks too, so failures on either protocol count against the address on
     * both ({@code settings.limits().authThrottling()} is then the throttle's business, not read here).
     */
    public static SubmissionServer start(SmtpSettings settings, SslContext tls, SubmissionServices services,
                                         AuthThrottle throttle) throws IOException {
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(throttle, "throttle");
        MessageAssembler assembler = MessageAssembler.forSubmission(settings.limits());
        SMTPProtocol protocol;
        try {
            protocol = SubmissionProtocol.create(settings, services, assembler, throttle);
        } catch (WiringException e) {
            throw new AssertionError("the submission handler chain is fixed and wires", e);
        }
        FramingReplies framingReplies = new FramingReplies(assembler);
        // Long message lines stay refused here: our users' clients fold or encode them, and plain
        // email out could not carry them (RFC 5322 section 2.1.1).
        SmtpListener starttls = new SmtpListener("smtp-submission", protocol,
                TlsEncryption.startTls(tls), settings.limits(), framingReplies, false);
        SmtpListener implicit = new SmtpListener("smtp-submissions", protocol,
                TlsEncryption.implicit(tls), settings.limits(), framingReplies, false);
        starttls.bind(settings.bindAddress(), settings.submissionPort(), settings.ioThreads());
        try {
            implicit.bind(settings.bindAddress(), settings.submissionsPort(), settings.ioThreads());
        } catch (IOException e) {
            starttls.unbind();
            throw e;
        }
        SubmissionServer server = new SubmissionServer(starttls, implicit, assembler);
        LOG.info("SMTP submission listening on {} port {} (STARTTLS) and {} (implicit TLS)",
                settings.bindAddress().getHostAddress(), server.submissionPort(), server.submissionsPort());
        return server;
    }

    /** The bound STARTTLS port (the actual one when 0 was configured). */
    public int submissionPort() {
        return submission.boundPort();
    }

    /** The bound implicit-TLS port (the actual one when 0 was configured). */
    public int submissionsPort() {
        return submissions.boundPort();
    }

    /** Connections both listeners count as open now (for tests). */
    int openConnections() {
        return submission.counted()[0] + submissions.counted()[0];
    }

    /** Client addresses both listeners count connections of now (for tests): none once all closed. */
    int countedAddresses() {
        return submission.counted()[1] + submissions.counted()[1];
    }

    /** Refused connections in the TLS handshake for their 421, on the implicit-TLS listener (for tests). */
    int refusalsInHandshake() {
        return submissions.counted()[2];
    }

    /** Message octets the sessions of both listeners hold now ({@code Limits.maxBufferedOctets} at most). */
    public long bufferedOctets() {
        return assembler.bufferedOctets();
    }

    /** Whether both listeners still accept connections. */
    public boolean listening() {
        return submission.isBound() && submissions.isBound();
    }

    /**
     * Stops accepting, then shuts the I/O threads down gracefully and waits for them: a commit in
     * progress completes (and is normally still answered), then every connection is closed. A client
     * whose connection closes between a commit and its 250 retries, which is SMTP's usual duplicate
     * window. Idempotent.
     */
    @Override
    public void close() {
        CompletableFuture.allOf(
                CompletableFuture.runAsync(submission::unbind),
                CompletableFuture.runAsync(submissions::unbind)).join();
        LOG.info("SMTP submission stopped");
    }
}
