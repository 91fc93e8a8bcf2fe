package dev.liaison.gateway.submission;

import dev.liaison.imap.delivery.FiledCopies;

import java.util.Optional;

/**
 * The Sent copy the gateway files for every message that leaves (to a relationship or a plain
 * address), and how a mail client's own copy of it is recognised. Clients keep a Sent copy by
 * default and APPEND it after the {@code 250}; without this every sent message would be in Sent
 * twice. A client's copy is the same message when it carries the same {@code Message-ID} for the
 * same owner: the submission key ({@link SubmissionRouter#submissionKey}) names it. A copy that
 * names {@code Bcc} recipients holds what the gateway's copy does not (smtp-in removes the field
 * before submission), so it is stored as the client sends it.
 */
public final class SentCopies implements FiledCopies {

    /** The folder the gateway files Sent copies in (a user's {@code \Sent} folder). */
    static final String FOLDER = "Sent";

    /** The delivery id of the Sent copy of the submission with key {@code submissionKey}. */
    static String deliveryId(String submissionKey) {
        return "sent:" + submissionKey;
    }

    @Override
    public boolean watches(String folder) {
        return FOLDER.equals(folder);
    }

    @Override
    public Optional<String> deliveryId(String owner, byte[] headerSection) {
        String messageId = MessageHeaders.messageId(headerSection);
        if (messageId.isEmpty() || MessageHeaders.namesBlindCopies(headerSection)) {
            return Optional.empty();
        }
        return Optional.of(deliveryId(SubmissionRouter.submissionKey(owner, messageId)));
    }
}
