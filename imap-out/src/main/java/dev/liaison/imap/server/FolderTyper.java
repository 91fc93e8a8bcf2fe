package dev.liaison.imap.server;

import dev.liaison.imap.store.DefaultFolders;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.MailboxType;
import org.apache.james.imap.api.process.MailboxTyper;
import org.apache.james.mailbox.model.MailboxPath;

import java.util.Map;

/**
 * RFC 6154 special-use attributes for the default folders, by their top-level name in the
 * user's own namespace (a user's "Sent" is \Sent; a "Work.Sent" is an ordinary folder).
 */
final class FolderTyper implements MailboxTyper {

    private static final Map<String, MailboxType> TYPES = Map.of(
            "INBOX", MailboxType.INBOX,
            "Sent", MailboxType.SENT,
            "Drafts", MailboxType.DRAFTS,
            "Trash", MailboxType.TRASH,
            "Junk", MailboxType.SPAM,
            "Archive", MailboxType.ARCHIVE);

    static {
        if (!TYPES.keySet().equals(DefaultFolders.ALL.stream().map(DefaultFolders.Folder::name)
                .collect(java.util.stream.Collectors.toSet()))) {
            throw new AssertionError("special-use map and default folders disagree");
        }
    }

    @Override
    public MailboxType getMailboxType(ImapSession session, MailboxPath path) {
        if (session.getUserName() == null || !session.getUserName().equals(path.getUser())) {
            return MailboxType.OTHER;
        }
        return TYPES.getOrDefault(path.getName(), MailboxType.OTHER);
    }
}
