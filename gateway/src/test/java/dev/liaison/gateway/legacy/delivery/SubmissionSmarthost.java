package dev.liaison.gateway.legacy.delivery;

import dev.liaison.smtp.server.SubmissionServer;
import dev.liaison.smtp.submission.AuthenticatedUser;
import dev.liaison.smtp.submission.RecipientVerdict;
import dev.liaison.smtp.submission.SmtpSettings;
import dev.liaison.smtp.submission.Submission;
import dev.liaison.smtp.submission.SubmissionServices;

import io.netty.handler.ssl.SslContext;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A smarthost that speaks STARTTLS (submission port) and implicit TLS (submissions port) and
 * requires AUTH: Liaison's own smtp-in server on loopback, with a test login and a recipient
 * policy that refuses {@value #UNKNOWN} permanently and {@value #BUSY} temporarily. It records
 * every message it accepted.
 */
final class SubmissionSmarthost implements AutoCloseable {

    static final String USER = "relay-user";
    static final String PASSWORD = "relay-secret-41";
    static final String UNKNOWN = "nobody@legacy.example";
    static final String BUSY = "busy@legacy.example";

    final List<Submission> accepted = new CopyOnWriteArrayList<>();
    private final SubmissionServer server;

    SubmissionSmarthost(SslContext tls) throws Exception {
        SubmissionServices services = new SubmissionServices(
                credentials -> USER.equals(credentials.login()) && PASSWORD.equals(credentials.password())
                        ? Optional.of(new AuthenticatedUser(USER)) : Optional.empty(),
                (user, recipient) -> switch (recipient.toString()) {
                    case UNKNOWN -> RecipientVerdict.UNKNOWN;
                    case BUSY -> RecipientVerdict.TEMPORARY_FAILURE;
                    default -> RecipientVerdict.ACCEPT;
                },
                accepted::add);
        server = SubmissionServer.start(SmtpSettings.loopback("smarthost.test"), tls, services);
    }

    /** The accepted messages whose Subject is {@code subject} (tests share one smarthost). */
    List<Submission> acceptedWithSubject(String subject) {
        String field = "\r\nSubject: " + subject + "\r\n";
        return accepted.stream().filter(s -> new String(s.message().toByteArray(),
                java.nio.charset.StandardCharsets.US_ASCII).contains(field)).toList();
    }

    int startTlsPort() {
        return server.submissionPort();
    }

    int implicitTlsPort() {
        return server.submissionsPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
