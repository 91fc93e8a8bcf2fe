package dev.liaison.smtp.inbound;

import java.util.regex.Pattern;

/**
 * An {@link InboundHandler}'s "no" to a message: permanent (5xx) for one it will never accept as it
 * is (a recipient blocked the sender between RCPT and the end of DATA, content the gateway
 * refuses), so the sending server bounces instead of retrying; or for now (450/451, e.g. too many
 * new senders this hour), so it retries later. Nothing was stored.
 */
public final class RefusedMessageException extends Exception {

    private static final Pattern STATUS = Pattern.compile("[45]\\.[0-9]{1,3}\\.[0-9]{1,3}");

    private final int replyCode;
    private final String enhancedStatus;

    /**
     * @param replyCode      550, 552, 553 or 554; or 450 or 451 for a refusal for now
     * @param enhancedStatus RFC 3463 status of the same class, e.g. {@code 5.7.1} or {@code 4.2.1}
     * @param text           one line for the sender: what is wrong and what to do
     */
    public RefusedMessageException(int replyCode, String enhancedStatus, String text) {
        super(text);
        if (replyCode != 550 && replyCode != 552 && replyCode != 553 && replyCode != 554 && replyCode != 450
                && replyCode != 451) {
            throw new IllegalArgumentException("reply code " + replyCode + " is not a refusal of a message");
        }
        if (enhancedStatus == null || !STATUS.matcher(enhancedStatus).matches()
                || enhancedStatus.charAt(0) != String.valueOf(replyCode).charAt(0)) {
            throw new IllegalArgumentException("enhanced status '" + enhancedStatus + "' does not go with " + replyCode);
        }
        ReplyText.require(text);
        this.replyCode = replyCode;
        this.enhancedStatus = enhancedStatus;
    }

    public int replyCode() {
        return replyCode;
    }

    public String enhancedStatus() {
        return enhancedStatus;
    }

    /** Whether the sender should try again later rather than bounce. */
    public boolean temporary() {
        return replyCode < 500;
    }
}
