package dev.liaison.smtp.message;

import dev.liaison.smtp.submission.Limits;
import dev.liaison.smtp.auth.SessionUser;
import dev.liaison.smtp.envelope.MessageRoom;
import java.util.Optional;
import java.util.function.Function;
import org.apache.james.protocols.api.ProtocolSession.AttachmentKey;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.DisconnectHandler;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataCmdHandler;
import org.apache.james.protocols.smtp.core.DataLineFilter;

/**
 * The DATA line filter: every message line goes into this transaction's {@link MessageDraft};
 * only the terminating {@code .} is passed on, to James's {@code DataLineMessageHookHandler}, which
 * then runs the {@code MessageHook}s ({@link MessageWithinLimitsHook}, then {@link SubmissionCommitHook}
 * or {@link InboundCommitHook}).
 * Owning the bytes here, instead of letting James copy them into its {@code MailEnvelope}, keeps
 * one buffer per message and lets the limits cut storage off as soon as they are crossed.
 *
 * <p>The terminator is recognised only as the exact line {@code .<CRLF>}: the framer has already
 * refused every bare CR and LF, so no other spelling of end-of-data can reach this point.
 *
 * <p>One assembler serves one server's sessions and holds its {@link OctetBudget}: a draft's octets
 * go back when it is refused, when the message hooks have run at the end of DATA, or when the
 * connection closes mid-DATA.
 */
public final class MessageAssembler implements DataLineFilter, DisconnectHandler<SMTPSession> {

    static final AttachmentKey<MessageDraft> DRAFT = AttachmentKey.of("liaison.messageDraft", MessageDraft.class);

    private final Limits limits;
    private final HeaderRules rules;
    private final OctetBudget budget;
    private final Function<SMTPSession, Object> sender;
    private final ArrivalPace pace;

    /**
     * The submission service's assembler: {@link HeaderRules#forSubmission()}, octets counted per
     * login (users behind one NAT address each have their share), no pace.
     */
    public static MessageAssembler forSubmission(Limits limits) {
        return new MessageAssembler(limits, HeaderRules.forSubmission(),
                session -> SessionUser.of(session).map(u -> (Object) ("user:" + u.id()))
                        .orElseGet(() -> session.getRemoteAddress().getAddress()), null);
    }

    /** The inbound MX's assembler: octets counted per client address, {@link ArrivalPace#INBOUND_MX}. */
    public static MessageAssembler forInbound(Limits limits, HeaderRules rules) {
        return new MessageAssembler(limits, rules, session -> session.getRemoteAddress().getAddress(), ArrivalPace.INBOUND_MX);
    }

    /** @param pace the slowest a message may arrive; null for none */
    MessageAssembler(Limits limits, HeaderRules rules, Function<SMTPSession, Object> sender, ArrivalPace pace) {
        this.limits = limits;
        this.rules = rules;
        this.budget = new OctetBudget(limits.maxBufferedOctets(), limits.maxMessageOctets());
        this.sender = sender;
        this.pace = pace;
    }

    @Override
    public Response onLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
        MessageDraft draft = draft(session);
        if (line.length == 3 && line[0] == '.') {
            try {
                return next.onLine(session, line); // the message hooks, commit included, run in here
            } finally {
                draft.release();
            }
        }
        draft.append(line);
        return null;
    }

    /**
     * Called by the pipeline with a part of a message line longer than the framer holds at once
     * (inbound MX only): it joins the message as the line's octets, never as a line of its own, so
     * it can neither be dot-unstuffed mid-line nor end the data. Outside DATA there is no message
     * to join and it is dropped (the framer passes parts only for message lines).
     */
    public void appendLinePart(SMTPSession session, byte[] part) {
        if (receiving(session)) {
            draft(session).append(part);
        }
    }

    /**
     * Called by the pipeline when the framer dropped an over-long line. Inside DATA the message is
     * marked refused and {@code true} returned (the reply waits for the end of data); outside DATA
     * {@code false}, and the caller replies to the line as a command.
     */
    public boolean refuseOverlongLine(SMTPSession session, int limit) {
        if (!receiving(session)) {
            return false;
        }
        draft(session).refuse(DataRefusal.lineTooLong(limit));
        return true;
    }

    /** Whether the session is between DATA's 354 and the end of data: its lines are message content. */
    public static boolean receiving(SMTPSession session) {
        return session.getAttachment(DataCmdHandler.MAILENV, State.Transaction).isPresent();
    }

    /** Message octets this server's sessions hold now. */
    public long bufferedOctets() {
        return budget.held();
    }

    /**
     * Whether this server's budget could take a message of a declared size from the session's sender
     * now; a MAIL refused for want of room is reported to {@code refusals}, like one refused in DATA.
     */
    public MessageRoom room(ReceivingRefusals refusals) {
        return (session, octets) -> {
            if (budget.hasRoom(sender.apply(session), octets)) {
                return true;
            }
            refusals.noRoomAtMail(session, octets);
            return false;
        };
    }

    /** A connection closed mid-DATA (or idle too long): its draft's octets go back. */
    @Override
    public void onDisconnect(SMTPSession session) {
        if (session != null) {
            currentDraft(session).ifPresent(MessageDraft::release);
        }
    }

    static Optional<MessageDraft> currentDraft(SMTPSession session) {
        return session.getAttachment(DRAFT, State.Transaction);
    }

    private MessageDraft draft(SMTPSession session) {
        return session.getAttachment(DRAFT, State.Transaction).orElseGet(() -> {
            MessageDraft created = new MessageDraft(limits, rules, budget, sender.apply(session), pace);
            session.setAttachment(DRAFT, created, State.Transaction);
            return created;
        });
    }
}
