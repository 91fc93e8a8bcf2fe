package dev.liaison.smtp.envelope;

import dev.liaison.smtp.submission.Limits;
import java.util.Map;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.RcptHook;

/**
 * One question: does this RCPT exceed {@link Limits#maxRecipients()}? RFC 5321 §4.5.3.1.10 says
 * the reply MUST be 452 (the client sends the rest in another transaction). A repeated recipient
 * does not count twice.
 */
public final class MaxRecipientsHook implements RcptHook {

    private final int maxRecipients;
    private final HookResult tooMany;

    public MaxRecipientsHook(Limits limits) {
        this.maxRecipients = limits.maxRecipients();
        this.tooMany = HookResult.builder()
                .hookReturnCode(HookReturnCode.denySoft())
                .smtpReturnCode("452")
                .smtpDescription("4.5.3 Too many recipients: the limit is " + maxRecipients
                        + " per message; send the rest in another message")
                .build();
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt, Map<String, String> parameters) {
        var recipients = EnvelopeState.recipients(session);
        boolean repeated = EnvelopeState.candidate(session).filter(recipients::contains).isPresent();
        return recipients.size() >= maxRecipients && !repeated ? tooMany : HookResult.DECLINED;
    }
}
