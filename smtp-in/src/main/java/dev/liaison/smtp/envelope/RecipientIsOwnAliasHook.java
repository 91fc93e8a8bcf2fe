package dev.liaison.smtp.envelope;

import dev.liaison.smtp.address.EmailAddress;
import dev.liaison.smtp.auth.SessionUser;
import dev.liaison.smtp.submission.AuthenticatedUser;
import dev.liaison.smtp.submission.RecipientPolicy;
import dev.liaison.smtp.submission.RecipientVerdict;
import dev.liaison.smtp.submission.SubmissionEvents;
import java.util.Map;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One question, asked of gateway's {@link RecipientPolicy}: may this user send to this address?
 * Never answers DECLINED: silence would let James accept the recipient. Unknown address:
 * {@code 550 5.1.1}; known but not allowed: {@code 550 5.7.1} (550, not 554, so the refusal
 * applies to this recipient only); no answer now: {@code 451 4.3.0} so the client retries
 * (STYLE §7: our fault is a 4xx).
 */
public final class RecipientIsOwnAliasHook implements RcptHook {

    private static final Logger LOG = LoggerFactory.getLogger(RecipientIsOwnAliasHook.class);

    private final RecipientPolicy policy;
    private final SubmissionEvents events;

    public RecipientIsOwnAliasHook(RecipientPolicy policy, SubmissionEvents events) {
        this.policy = policy;
        this.events = events;
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt, Map<String, String> parameters) {
        AuthenticatedUser user = SessionUser.of(session).orElseThrow(
                () -> new IllegalStateException("RCPT reached the recipient policy without AUTH"));
        EmailAddress recipient = EnvelopeState.candidate(session).orElseThrow(
                () -> new IllegalStateException("RCPT reached the recipient policy without a parsed address"));
        RecipientVerdict verdict = ask(session, user, recipient);
        if (verdict != RecipientVerdict.ACCEPT) {
            events.recipientRefused(verdict);
        }
        return switch (verdict) {
            case ACCEPT -> {
                EnvelopeState.approve(session, recipient);
                yield HookResult.OK;
            }
            case UNKNOWN -> reply(HookReturnCode.deny(), "550",
                    "5.1.1 <" + recipient + ">: no such address on this gateway");
            case REFUSED -> reply(HookReturnCode.deny(), "550",
                    "5.7.1 <" + recipient + ">: this address of yours takes no mail now (disabled, or its relationship blocked)");
            case RELATIONSHIP_ENDED -> reply(HookReturnCode.deny(), "550", "5.7.1 <" + recipient + ">: the"
                    + " relationship this address wrote to has ended, so it takes no more mail. To write to them again,"
                    + " start a new one: send them a new invitation (write to invite@" + recipient.domain()
                    + " for one)");
            case CORRESPONDENCE_ENDED -> reply(HookReturnCode.deny(), "550", "5.7.1 <" + recipient + ">: the"
                    + " relationship this address wrote to has ended, so it takes no more mail. To write to them again,"
                    + " write to their plain email address: that starts a new conversation with them");
            case DISABLED -> reply(HookReturnCode.deny(), "550", "5.2.1 <" + recipient + ">: this address is disabled");
            case NO_LEGACY_EMAIL -> reply(HookReturnCode.deny(), "550",
                    "5.7.1 <" + recipient + ">: legacy email is not configured on this gateway (ask its administrator)");
            case NOTICES_ONLY -> reply(HookReturnCode.deny(), "550", "5.7.1 <" + recipient + ">: this address"
                    + " only sends this gateway's notices about undelivered mail and takes no mail; the notice itself"
                    + " says what went wrong (ask this gateway's administrator if it is unclear)");
            case SENDER_INACTIVE -> reply(HookReturnCode.deny(), "550", "5.7.1 " + RecipientVerdict.SENDER_INACTIVE_TEXT);
            case TOO_LARGE -> reply(HookReturnCode.deny(), "552", "5.3.4 <" + recipient + ">: a message of "
                    + EnvelopeState.declaredSize(session).orElse(0) + " octets is more than this recipient can take;"
                    + " send large files another way");
            case TEMPORARY_FAILURE -> reply(HookReturnCode.denySoft(), "451",
                    "4.3.0 <" + recipient + ">: cannot check this recipient now; try again later");
        };
    }

    private RecipientVerdict ask(SMTPSession session, AuthenticatedUser user, EmailAddress recipient) {
        try {
            RecipientVerdict verdict = policy.check(user, recipient, EnvelopeState.declaredSize(session));
            return verdict == null ? RecipientVerdict.TEMPORARY_FAILURE : verdict;
        } catch (RuntimeException e) {
            LOG.warn("recipient policy failed for session {}: {}", session.getSessionID(), e.toString());
            return RecipientVerdict.TEMPORARY_FAILURE;
        }
    }

    private static HookResult reply(HookReturnCode code, String smtpCode, String text) {
        return HookResult.builder().hookReturnCode(code).smtpReturnCode(smtpCode).smtpDescription(text).build();
    }
}
