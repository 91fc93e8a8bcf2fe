package dev.liaison.smtp.message;

import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MessageHook;

/**
 * One question at end of data: did the message stay within the limits while it streamed in? If
 * not, the {@link DataRefusal} recorded then is the reply, and the message goes nowhere. Must run
 * before the commit hook ({@link SubmissionCommitHook}, {@link InboundCommitHook}).
 */
public final class MessageWithinLimitsHook implements MessageHook {

    private final ReceivingRefusals log;

    public MessageWithinLimitsHook(ReceivingRefusals log) {
        this.log = log;
    }

    @Override
    public HookResult onMessage(SMTPSession session, MailEnvelope ignored) {
        return MessageAssembler.currentDraft(session)
                .flatMap(draft -> draft.refusal().map(refusal -> {
                    log.refusedWhileReceiving(session, refusal, draft.octets());
                    return HookResult.builder()
                            .hookReturnCode(HookReturnCode.deny())
                            .smtpReturnCode(refusal.code())
                            .smtpDescription(refusal.text())
                            .build();
                }))
                .orElse(HookResult.DECLINED);
    }
}
