package dev.liaison.smtp.message;

import dev.liaison.smtp.authentication.AuthorAddressException;
import dev.liaison.smtp.authentication.DmarcDisposition;
import dev.liaison.smtp.authentication.SenderAuthentication;
import dev.liaison.smtp.authentication.SenderAuthenticator;
import dev.liaison.smtp.authentication.SenderIdentities;
import dev.liaison.smtp.envelope.EnvelopeState;
import dev.liaison.smtp.inbound.InboundHandler;
import dev.liaison.smtp.inbound.InboundMessage;
import dev.liaison.smtp.inbound.RefusedMessageException;
import dev.liaison.smtp.submission.RawMessage;
import dev.liaison.smtp.submission.ReversePath;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZonedDateTime;
import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MessageHook;

/**
 * One question at end of data on the inbound MX: who sent this, and has gateway durably taken it?
 * Authenticates the sender ({@link SenderAuthenticator}; DKIM needs the body, so this is the first
 * moment all of SPF, DKIM and DMARC can be decided), refuses what the author domain's DMARC policy
 * rejects, prepends {@code Received:} and {@code Authentication-Results:}, then calls
 * {@link InboundHandler#accept} and answers {@code 250} only when it returned. Any other exception
 * is {@code 451 4.3.0}: the sending server keeps the message and retries (STYLE §4, §7).
 */
public final class InboundCommitHook implements MessageHook {

    private static final HookResult NOT_COMMITTED = reply(HookReturnCode.denySoft(), "451",
            "4.3.0 Message not accepted: could not store it; try again later");
    private static final HookResult DMARC_UNDECIDED = reply(HookReturnCode.denySoft(), "451",
            "4.4.3 Cannot check the sender's DMARC policy now (DNS did not answer); try again later");

    private final InboundHandler handler;
    private final SenderAuthenticator authenticator;
    private final String hostname;
    private final Clock clock;
    private final InboundTransactionLog log;

    public InboundCommitHook(InboundHandler handler, SenderAuthenticator authenticator, String hostname, Clock clock,
                             InboundTransactionLog log) {
        this.handler = handler;
        this.authenticator = authenticator;
        this.hostname = hostname;
        this.clock = clock;
        this.log = log;
    }

    @Override
    public HookResult onMessage(SMTPSession session, MailEnvelope ignored) {
        MessageDraft draft = MessageAssembler.currentDraft(session).orElseThrow(
                () -> new IllegalStateException("DATA completed without a message draft"));
        SenderAuthentication results;
        try {
            results = authenticator.authenticate(identities(session), draft.headerFields(), draft.openBody());
        } catch (AuthorAddressException e) {
            log.refusedAuthor(session, draft.octets());
            return reply(HookReturnCode.deny(), "550", "5.7.1 Message refused: " + e.getMessage());
        } catch (RuntimeException e) {
            // A fault of ours or of a library on hostile input: the sender keeps the message and retries.
            log.notChecked(session, draft.octets(), e);
            return NOT_COMMITTED;
        }
        DmarcDisposition disposition = results.dmarc().disposition();
        if (disposition == DmarcDisposition.REJECT || disposition == DmarcDisposition.DEFER) {
            log.refusedDmarc(session, results, draft.octets(), disposition == DmarcDisposition.DEFER);
            return disposition == DmarcDisposition.DEFER ? DMARC_UNDECIDED : reply(HookReturnCode.deny(), "550",
                    "5.7.1 Message refused: unauthenticated mail from " + results.dmarc().fromDomain()
                            + ", whose DMARC policy is reject (RFC 7489)");
        }
        return commit(session, draft, results);
    }

    private HookResult commit(SMTPSession session, MessageDraft draft, SenderAuthentication results) {
        InboundMessage message = assemble(session, draft, results);
        long started = System.nanoTime();
        try {
            handler.accept(message);
        } catch (RefusedMessageException e) {
            log.refused(session, message.id(), results, draft.octets(), e.replyCode() + "/" + e.enhancedStatus(),
                    System.nanoTime() - started);
            return reply(e.temporary() ? HookReturnCode.denySoft() : HookReturnCode.deny(), String.valueOf(e.replyCode()),
                    e.enhancedStatus() + " " + e.getMessage());
        } catch (Exception e) {
            log.notCommitted(session, message.id(), results, draft.octets(), e, System.nanoTime() - started);
            return NOT_COMMITTED;
        }
        log.accepted(session, message.id(), results, draft.octets(), System.nanoTime() - started);
        return reply(HookReturnCode.ok(), "250", "2.0.0 Message accepted as " + message.id());
    }

    private InboundMessage assemble(SMTPSession session, MessageDraft draft, SenderAuthentication results) {
        String id = TransactionIds.next();
        boolean tls = session.isTLSStarted();
        // RFC 6531 §3.7.3: a transaction with SMTPUTF8 is recorded as UTF8SMTP(S)
        String protocol = (EnvelopeState.smtpUtf8(session) ? "UTF8SMTP" : TraceFields.saidEhlo(session) ? "ESMTP" : "SMTP")
                + (tls ? "S" : "");
        String client = session.getRemoteAddress().getAddress().getHostAddress();
        TraceFields.Trace trace = new TraceFields.Trace(id, TraceFields.heloName(session), protocol, client, hostname,
                ZonedDateTime.now(clock));
        byte[] received = TraceFields.render(trace, false, false);
        byte[] verdict = AuthenticationResultsField.render(hostname, results).getBytes(StandardCharsets.US_ASCII);
        byte[] fields = new byte[received.length + verdict.length];
        System.arraycopy(received, 0, fields, 0, received.length);
        System.arraycopy(verdict, 0, fields, received.length, verdict.length);
        return new InboundMessage(id, sender(session), EnvelopeState.recipients(session),
                session.getRemoteAddress().getAddress(), TraceFields.heloName(session), tls, results,
                RawMessage.adopt(draft.assemble(fields)), session.getSessionID(), fields.length);
    }

    private static SenderIdentities identities(SMTPSession session) {
        return new SenderIdentities(session.getRemoteAddress().getAddress(), TraceFields.heloName(session),
                sender(session));
    }

    private static ReversePath sender(SMTPSession session) {
        return EnvelopeState.sender(session).orElseThrow(
                () -> new IllegalStateException("DATA completed without MAIL FROM"));
    }

    private static HookResult reply(HookReturnCode code, String smtpCode, String text) {
        return HookResult.builder().hookReturnCode(code).smtpReturnCode(smtpCode).smtpDescription(text).build();
    }
}
