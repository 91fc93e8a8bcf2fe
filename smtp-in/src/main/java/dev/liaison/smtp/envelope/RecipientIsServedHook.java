package dev.liaison.smtp.envelope;

import dev.liaison.smtp.address.EmailAddress;
import dev.liaison.smtp.inbound.InboundEvents;
import dev.liaison.smtp.inbound.InboundEvents.RecipientRefusal;
import dev.liaison.smtp.inbound.InboundRecipientPolicy;
import dev.liaison.smtp.inbound.InboundRecipientVerdict;
import dev.liaison.smtp.submission.ReversePath;
import java.net.InetAddress;
import java.util.Map;
import java.util.Set;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One question for the inbound MX, per RCPT: does this gateway take mail for this address from this
 * sender? A domain this gateway does not serve is refused here ({@code 550 5.7.1}, as James's
 * {@code AbstractAuthRequiredToRelayRcptHook} does: 550 so only this recipient fails), so smtp-in
 * never relays whatever the policy answers; the rest is asked of gateway's
 * {@link InboundRecipientPolicy}. Never answers DECLINED: silence would let James accept the
 * recipient. A failing policy is {@code 451 4.3.0} so the sender retries (STYLE §7).
 */
public final class RecipientIsServedHook implements RcptHook {

    private static final Logger LOG = LoggerFactory.getLogger(RecipientIsServedHook.class);

    private final Set<String> domains;
    private final InboundRecipientPolicy policy;
    private final InboundEvents events;

    public RecipientIsServedHook(Set<String> domains, InboundRecipientPolicy policy, InboundEvents events) {
        this.domains = Set.copyOf(domains);
        this.policy = policy;
        this.events = events;
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt, Map<String, String> parameters) {
        EmailAddress recipient = EnvelopeState.candidate(session).orElseThrow(
                () -> new IllegalStateException("RCPT reached the recipient policy without a parsed address"));
        if (!domains.contains(recipient.domain())) {
            events.recipientRefused(RecipientRefusal.NOT_OUR_DOMAIN);
            return reply(HookReturnCode.deny(), "550", "5.7.1 <" + recipient + ">: relay access denied; this server"
                    + " accepts mail only for its own domains");
        }
        InboundRecipientVerdict verdict = ask(session, recipient);
        if (verdict instanceof InboundRecipientVerdict.Accept) {
            EnvelopeState.approve(session, recipient);
            return HookResult.OK;
        }
        return refusal(recipient, verdict);
    }

    private HookResult refusal(EmailAddress recipient, InboundRecipientVerdict verdict) {
        if (verdict instanceof InboundRecipientVerdict.Refused refused) {
            events.recipientRefused(RecipientRefusal.REFUSED);
            return reply(HookReturnCode.deny(), "550", "5.7.1 <" + recipient + ">: " + refused.text());
        }
        if (verdict instanceof InboundRecipientVerdict.Deferred deferred) {
            events.recipientRefused(RecipientRefusal.DEFERRED);
            return reply(HookReturnCode.denySoft(), String.valueOf(deferred.replyCode()),
                    deferred.enhancedStatus() + " <" + recipient + ">: " + deferred.text());
        }
        if (verdict instanceof InboundRecipientVerdict.Disabled) {
            events.recipientRefused(RecipientRefusal.DISABLED);
            return reply(HookReturnCode.deny(), "550", "5.2.1 <" + recipient + ">: this address is disabled");
        }
        events.recipientRefused(RecipientRefusal.UNKNOWN);
        return reply(HookReturnCode.deny(), "550", "5.1.1 <" + recipient + ">: no such address here");
    }

    private InboundRecipientVerdict ask(SMTPSession session, EmailAddress recipient) {
        ReversePath sender = EnvelopeState.sender(session).orElseThrow(
                () -> new IllegalStateException("RCPT reached the recipient policy without MAIL FROM"));
        InetAddress client = session.getRemoteAddress().getAddress();
        try {
            InboundRecipientVerdict verdict = policy.check(sender, recipient, client);
            return verdict == null ? InboundRecipientVerdict.unavailable() : verdict;
        } catch (RuntimeException e) {
            LOG.warn("inbound recipient policy failed for session {}: {}", session.getSessionID(), e.toString());
            return InboundRecipientVerdict.unavailable();
        }
    }

    private static HookResult reply(HookReturnCode code, String smtpCode, String text) {
        return HookResult.builder().hookReturnCode(code).smtpReturnCode(smtpCode).smtpDescription(text).build();
    }
}
