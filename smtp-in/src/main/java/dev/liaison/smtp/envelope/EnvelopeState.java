package dev.liaison.smtp.envelope;

import dev.liaison.smtp.address.EmailAddress;
import dev.liaison.smtp.submission.ReversePath;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.james.protocols.api.ProtocolSession.AttachmentKey;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * The current transaction's envelope, in smtp-in's own strictly parsed types (James keeps its own
 * copies, parsed more leniently, for its handlers). Transaction attachments: RSET, EHLO, STARTTLS
 * and the end of DATA clear them.
 */
public final class EnvelopeState {

    private static final AttachmentKey<ReversePath> SENDER = AttachmentKey.of("liaison.sender", ReversePath.class);
    private static final AttachmentKey<EmailAddress> CANDIDATE =
            AttachmentKey.of("liaison.rcptCandidate", EmailAddress.class);
    private static final AttachmentKey<EmailAddress> APPROVED =
            AttachmentKey.of("liaison.rcptApproved", EmailAddress.class);
    private static final AttachmentKey<Long> STARTED = AttachmentKey.of("liaison.transactionStarted", Long.class);
    private static final AttachmentKey<Long> DECLARED_SIZE = AttachmentKey.of("liaison.declaredSize", Long.class);
    private static final AttachmentKey<Boolean> SMTPUTF8 = AttachmentKey.of("liaison.smtputf8", Boolean.class);
    @SuppressWarnings("unchecked")
    private static final AttachmentKey<List<EmailAddress>> RECIPIENTS =
            AttachmentKey.of("liaison.recipients", (Class<List<EmailAddress>>) (Object) List.class);

    private EnvelopeState() {
    }

    public static Optional<ReversePath> sender(SMTPSession session) {
        return session.getAttachment(SENDER, State.Transaction);
    }

    static void setSender(SMTPSession session, ReversePath sender) {
        session.setAttachment(SENDER, sender, State.Transaction);
        session.setAttachment(STARTED, System.nanoTime(), State.Transaction);
    }

    /** Nanoseconds since this transaction's MAIL FROM was accepted; 0 outside a transaction. */
    public static long elapsedNanos(SMTPSession session) {
        return session.getAttachment(STARTED, State.Transaction).map(started -> System.nanoTime() - started).orElse(0L);
    }

    /** The message size MAIL FROM declared ({@code SIZE=}, RFC 1870), if it declared one. */
    static OptionalLong declaredSize(SMTPSession session) {
        return session.getAttachment(DECLARED_SIZE, State.Transaction).map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    /** Set at every accepted MAIL: a MAIL without {@code SIZE=} must not inherit an earlier one's. */
    static void setDeclaredSize(SMTPSession session, OptionalLong octets) {
        if (octets.isPresent()) {
            session.setAttachment(DECLARED_SIZE, octets.getAsLong(), State.Transaction);
        } else {
            session.removeAttachment(DECLARED_SIZE, State.Transaction);
        }
    }

    static void clearSender(SMTPSession session) {
        session.removeAttachment(SENDER, State.Transaction);
        session.removeAttachment(DECLARED_SIZE, State.Transaction);
        session.removeAttachment(SMTPUTF8, State.Transaction);
    }

    /** Whether this transaction's MAIL FROM gave {@code SMTPUTF8} (RFC 6531 §3.4). */
    public static boolean smtpUtf8(SMTPSession session) {
        return session.getAttachment(SMTPUTF8, State.Transaction).orElse(false);
    }

    /** Set at every accepted MAIL, so a MAIL without the parameter does not inherit an earlier one's. */
    static void setSmtpUtf8(SMTPSession session, boolean given) {
        session.setAttachment(SMTPUTF8, given, State.Transaction);
    }

    /** The address of the RCPT being decided right now. */
    static Optional<EmailAddress> candidate(SMTPSession session) {
        return session.getAttachment(CANDIDATE, State.Transaction);
    }

    static void setCandidate(SMTPSession session, EmailAddress candidate) {
        session.setAttachment(CANDIDATE, candidate, State.Transaction);
        session.removeAttachment(APPROVED, State.Transaction);
    }

    /** Marks the candidate as approved by the recipient policy; only then can it be added. */
    static void approve(SMTPSession session, EmailAddress candidate) {
        session.setAttachment(APPROVED, candidate, State.Transaction);
    }

    static boolean isApproved(SMTPSession session, EmailAddress candidate) {
        return session.getAttachment(APPROVED, State.Transaction).filter(candidate::equals).isPresent();
    }

    public static List<EmailAddress> recipients(SMTPSession session) {
        return session.getAttachment(RECIPIENTS, State.Transaction).map(List::copyOf).orElse(List.of());
    }

    static void addRecipient(SMTPSession session, EmailAddress recipient) {
        List<EmailAddress> list = new ArrayList<>(recipients(session));
        if (!list.contains(recipient)) {
            list.add(recipient);
        }
        session.setAttachment(RECIPIENTS, list, State.Transaction);
    }
}
