package dev.liaison.smtp.message;

import dev.liaison.smtp.auth.SessionUser;
import dev.liaison.smtp.envelope.EnvelopeState;
import dev.liaison.smtp.submission.AuthenticatedUser;
import dev.liaison.smtp.submission.RawMessage;
import dev.liaison.smtp.submission.ReversePath;
import dev.liaison.smtp.submission.Submission;
import dev.liaison.smtp.submission.RefusedSubmissionException;
import dev.liaison.smtp.submission.SubmissionHandler;
import java.time.Clock;
import java.time.ZonedDateTime;
import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MessageHook;

/**
 * One question at end of data: has gateway durably taken the message? Builds the
 * {@link Submission}, calls {@link SubmissionHandler#commit} and answers {@code 250} only when it
 * returned. Any exception is {@code 451 4.3.0}: the client keeps the message and retries, so
 * nothing accepted is lost and nothing unaccepted is claimed (STYLE §4, §7).
 */
public final class SubmissionCommitHook implements MessageHook {

    private static final HookResult NOT_COMMITTED = HookResult.builder()
            .hookReturnCode(HookReturnCode.denySoft())
            .smtpReturnCode("451")
            .smtpDescription("4.3.0 Message not accepted: could not store it; try again later")
            .build();

    private final SubmissionHandler handler;
    private final String hostname;
    private final Clock clock;
    private final TransactionLog log;

    public SubmissionCommitHook(SubmissionHandler handler, String hostname, Clock clock, TransactionLog log) {
        this.handler = handler;
        this.hostname = hostname;
        this.clock = clock;
        this.log = log;
    }

    @Override
    public HookResult onMessage(SMTPSession session, MailEnvelope ignored) {
        Submission submission = assemble(session);
        long started = System.nanoTime();
        try {
            handler.commit(submission);
        } catch (RefusedSubmissionException e) {
            log.refused(session, submission, e, System.nanoTime() - started);
            return HookResult.builder()
                    .hookReturnCode(HookReturnCode.deny())
                    .smtpReturnCode(String.valueOf(e.replyCode()))
                    .smtpDescription(e.enhancedStatus() + " " + e.getMessage())
                    .build();
        } catch (Exception e) {
            log.notCommitted(session, submission, e, System.nanoTime() - started);
            return NOT_COMMITTED;
        }
        log.accepted(session, submission, System.nanoTime() - started);
        return HookResult.builder()
                .hookReturnCode(HookReturnCode.ok())
                .smtpReturnCode("250")
                .smtpDescription("2.0.0 Message accepted as " + submission.id())
                .build();
    }

    private Submission assemble(SMTPSession session) {
        AuthenticatedUser user = SessionUser.of(session).orElseThrow(
                () -> new IllegalStateException("DATA completed without AUTH"));
        ReversePath sender = EnvelopeState.sender(session).orElseThrow(
                () -> new IllegalStateException("DATA completed without MAIL FROM"));
        MessageDraft draft = MessageAssembler.currentDraft(session).orElseThrow(
                () -> new IllegalStateException("DATA completed without a message draft"));
        String id = TransactionIds.next();
        TraceFields.Trace trace = new TraceFields.Trace(id, TraceFields.heloName(session),
                TraceFields.saidEhlo(session) ? "ESMTPSA" : "SMTPSA",
                session.getRemoteAddress().getAddress().getHostAddress(),
                hostname,
                ZonedDateTime.now(clock));
        byte[] added = TraceFields.render(trace, !draft.hasMessageId(), !draft.hasDate());
        byte[] message = draft.assemble(added);
        return new Submission(id, user, sender, EnvelopeState.recipients(session), RawMessage.adopt(message),
                session.getSessionID(), draft.blindCopyFields(), added.length);
    }
}
