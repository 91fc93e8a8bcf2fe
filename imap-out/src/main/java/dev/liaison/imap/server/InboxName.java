package dev.liaison.imap.server;

import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.main.PathConverter;
import org.apache.james.mailbox.model.MailboxConstants;
import org.apache.james.mailbox.model.MailboxPath;

/**
 * Whether a folder name a client gives is the session's own INBOX: in any letter case (RFC 3501
 * §5.1: the name INBOX is case-insensitive) and under any prefix James reads as the user's own
 * namespace ({@code #private.INBOX}). DELETE refuses it, RENAME moves its messages.
 */
final class InboxName {

    private InboxName() {
    }

    /** As James will read the name: {@code #private.INBOX} is INBOX too. */
    static boolean names(String name, ImapSession session) {
        if (MailboxConstants.INBOX.equalsIgnoreCase(name)) {
            return true;
        }
        try {
            MailboxPath path = PathConverter.forSession(session).buildFullPath(name);
            return path.isInbox() && path.getUser() != null && path.getUser().equals(session.getUserName());
        } catch (RuntimeException unreadable) {
            return false; // James's processor refuses it in its own words
        }
    }
}
