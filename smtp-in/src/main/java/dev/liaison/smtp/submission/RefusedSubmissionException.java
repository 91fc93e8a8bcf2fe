package dev.liaison.smtp.submission;

import java.util.regex.Pattern;

/**
 * A {@link SubmissionHandler}'s permanent "no" to a message it will never accept as it is (too large
 * for where it goes, a recipient that stopped being valid between RCPT and DATA): the client gets
 * this 5xx reply instead of a {@code 451} it would retry forever. Nothing was stored.
 */
public final class RefusedSubmissionException extends Exception {

    private static final Pattern ENHANCED = Pattern.compile("5\\.[0-9]{1,3}\\.[0-9]{1,3}");

    private final int replyCode;
    private final String enhancedStatus;

    /**
     * @param replyCode      550, 552, 553 or 554
     * @param enhancedStatus RFC 3463 permanent status, e.g. {@code 5.3.4}
     * @param text           one line for the user: what is wrong and what to do
     */
    public RefusedSubmissionException(int replyCode, String enhancedStatus, String text) {
        super(text);
        if (replyCode != 550 && replyCode != 552 && replyCode != 553 && replyCode != 554) {
            throw new IllegalArgumentException("reply code " + replyCode + " is not a permanent refusal of a message");
        }
        if (!ENHANCED.matcher(enhancedStatus).matches() || text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("bad refusal " + enhancedStatus + " '" + text + "'");
        }
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
