package dev.liaison.smtp.inbound;

import java.util.regex.Pattern;

/**
 * An {@link InboundHandler}'s permanent "no" to a message it will never accept as it is (a recipient
 * blocked the sender between RCPT and the end of DATA, content the gateway refuses): the sending
 * server gets this 5xx reply and bounces instead of retrying. Nothing was stored.
 */
public final class RefusedMessageException extends Exception {

    private static final Pattern PERMANENT = Pattern.compile("5\\.[0-9]{1,3}\\.[0-9]{1,3}");

    private final int replyCode;
    private final String enhancedStatus;

    /**
     * @param replyCode      550, 552, 553 or 554
     * @param enhancedStatus RFC 3463 permanent status, e.g. {@code 5.7.1}
     * @param text           one line for the sender: what is wrong and what to do
     */
    public RefusedMessageException(int replyCode, String enhancedStatus, String text) {
        super(text);
        if (replyCode != 550 && replyCode != 552 && replyCode != 553 && replyCode != 554) {
            throw new IllegalArgumentException("reply code " + replyCode + " is not a permanent refusal of a message");
        }
        if (enhancedStatus == null || !PERMANENT.matcher(enhancedStatus).matches()) {
            throw new IllegalArgumentException("enhanced status '" + enhancedStatus + "' is not 5.x.y");
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
}
