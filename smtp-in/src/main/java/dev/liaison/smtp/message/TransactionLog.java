package dev.liaison.smtp.message;

import dev.liaison.smtp.auth.SessionUser;
import dev.liaison.smtp.envelope.EnvelopeState;
import dev.liaison.smtp.submission.AuthenticatedUser;
import dev.liaison.smtp.submission.RefusedSubmissionException;
import dev.liaison.smtp.submission.Submission;
import dev.liaison.smtp.submission.SubmissionEvents;
import dev.liaison.smtp.submission.SubmissionEvents.TransactionOutcome;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.util.Optional;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of every SMTP transaction: one log line of {@code key=value} pairs and one
 * {@link SubmissionEvents#transactionEnded} call. The line names the submission and session ids,
 * a pseudonym of the user, the recipient count, the size, the outcome and two durations (the
 * handler's commit, and the whole transaction from MAIL FROM); never an address, a login, a
 * subject or any of the message (STYLE §8).
 *
 * <p>The pseudonym is an HMAC of the user id under a key drawn when the server starts: lines of
 * one run can be grouped by user, but the user cannot be recovered from them, not even by trying
 * candidate logins (a plain hash of a guessable login could be reversed that way).
 */
public final class TransactionLog implements ReceivingRefusals {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionLog.class);
    private static final String LINE = "submission id={} session={} user={} rcpts={} octets={} outcome={} commit_ms={} ms={}";
    private static final String HMAC = "HmacSHA256";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static final ProtocolSession.AttachmentKey<String> PSEUDONYM =
            ProtocolSession.AttachmentKey.of("liaison.userPseudonym", String.class);

    private final SubmissionEvents events;
    private final SecretKeySpec pseudonymKey;

    public TransactionLog(SubmissionEvents events) {
        this.events = events;
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.pseudonymKey = new SecretKeySpec(key, HMAC);
    }

    void accepted(SMTPSession session, Submission submission, long commitNanos) {
        end(session, submission, TransactionOutcome.ACCEPTED, commitNanos);
        LOG.info(LINE, fields(session, submission.id(), submission.recipients().size(), submission.message().size(),
                "accepted", commitNanos));
    }

    void refused(SMTPSession session, Submission submission, RefusedSubmissionException refusal, long commitNanos) {
        end(session, submission, TransactionOutcome.REFUSED, commitNanos);
        LOG.info(LINE, fields(session, submission.id(), submission.recipients().size(), submission.message().size(),
                "refused status=" + refusal.replyCode() + "/" + refusal.enhancedStatus(), commitNanos));
    }

    /** The handler failed: an operator should look, hence ERROR and the exception's own words. */
    void notCommitted(SMTPSession session, Submission submission, Exception failure, long commitNanos) {
        end(session, submission, TransactionOutcome.NOT_COMMITTED, commitNanos);
        LOG.error(LINE + " error=\"{}\"", append(fields(session, submission.id(), submission.recipients().size(),
                submission.message().size(), "not_committed", commitNanos), failure.toString()));
    }

    /** The message broke a limit while streaming in; there is no submission (and no id) then. */
    @Override
    public void refusedWhileReceiving(SMTPSession session, DataRefusal refusal, long octets) {
        int recipients = EnvelopeState.recipients(session).size();
        TransactionOutcome outcome = refusal.temporary() ? TransactionOutcome.DEFERRED_BUSY : TransactionOutcome.REFUSED_LIMITS;
        events.transactionEnded(outcome, recipients, octets, 0);
        LOG.info(LINE, fields(session, "-", recipients, octets,
                outcome.name().toLowerCase(java.util.Locale.ROOT) + " status=" + refusal.status(), 0));
    }

    @Override
    public void noRoomAtMail(SMTPSession session, long declaredOctets) {
        events.transactionEnded(TransactionOutcome.DEFERRED_BUSY, 0, declaredOctets, 0);
        LOG.info(LINE, fields(session, "-", 0, declaredOctets, "deferred_busy status=452/4.3.1 at=mail", 0));
    }

    private void end(SMTPSession session, Submission submission, TransactionOutcome outcome, long commitNanos) {
        events.transactionEnded(outcome, submission.recipients().size(), submission.message().size(), commitNanos);
    }

    private Object[] fields(SMTPSession session, String id, int recipients, long octets, String outcome,
                            long commitNanos) {
        String user = SessionUser.of(session).map(u -> pseudonym(session, u)).orElse("-");
        return new Object[] {id, session.getSessionID(), user, recipients, octets, outcome, commitNanos / 1_000_000,
                EnvelopeState.elapsedNanos(session) / 1_000_000};
    }

    private static Object[] append(Object[] values, Object last) {
        Object[] all = java.util.Arrays.copyOf(values, values.length + 1);
        all[values.length] = last;
        return all;
    }

    /**
     * The connection's pseudonym, computed at its first transaction: a connection authenticates
     * once (James refuses a second AUTH), and an HMAC with its JCA look-up for every message of a
     * reused connection was work for nothing.
     */
    private String pseudonym(SMTPSession session, AuthenticatedUser user) {
        Optional<String> known = session.getAttachment(PSEUDONYM, ProtocolSession.State.Connection);
        if (known.isPresent()) {
            return known.get();
        }
        String pseudonym = pseudonym(user);
        session.setAttachment(PSEUDONYM, pseudonym, ProtocolSession.State.Connection);
        return pseudonym;
    }

    /** {@code u} and 8 hex digits: short enough to read, 32 bits against accidental collisions. */
    String pseudonym(AuthenticatedUser user) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(pseudonymKey);
            byte[] digest = mac.doFinal(user.id().getBytes(StandardCharsets.UTF_8));
            char[] out = new char[9];
            out[0] = 'u';
            for (int i = 0; i < 4; i++) {
                out[1 + 2 * i] = HEX[(digest[i] >> 4) & 0xf];
                out[2 + 2 * i] = HEX[digest[i] & 0xf];
            }
            return new String(out);
        } catch (GeneralSecurityException e) {
            throw new AssertionError("HmacSHA256 is a required JCA algorithm", e);
        }
    }
}
