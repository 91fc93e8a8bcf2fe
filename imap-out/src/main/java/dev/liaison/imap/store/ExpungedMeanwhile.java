package dev.liaison.imap.store;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;

/**
 * A message to copy or move was taken away (moved or expunged by another session) between James
 * reading the command's range and the store writing it. Not a failure of the command: the
 * message is gone, as if it had gone before the command came; {@link PostgresMessageManager}
 * reads the range again and copies or moves what is left.
 */
final class ExpungedMeanwhile extends MailboxException {

    ExpungedMeanwhile(MessageUid uid) {
        super("message " + uid.asLong() + " was moved or expunged by another session meanwhile");
    }
}
