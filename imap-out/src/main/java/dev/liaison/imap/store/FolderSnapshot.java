package dev.liaison.imap.store;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;

/**
 * What STATUS and SELECT report about a folder, read in one statement: its UID and MODSEQ
 * counters and, when asked, its message counts and first unseen message. James asked for each
 * with its own query (three round trips for {@code STATUS (MESSAGES UNSEEN UIDNEXT)}); one
 * statement is also one snapshot, so the numbers agree with each other.
 */
record FolderSnapshot(long lastUid, long highestModSeq, long messages, long unseen, Optional<MessageUid> firstUnseen) {

    static FolderSnapshot read(Jdbc jdbc, long mailboxId, boolean counts, boolean firstUnseen) throws MailboxException {
        // the counts as uncorrelated subqueries on the parameter, planned like James's own count query
        String sql = "SELECT m.last_uid, m.highest_modseq"
                + (counts ? ", c.total, c.unseen" : ", 0, 0")
                + (firstUnseen ? ", (SELECT min(uid) FROM imap.message WHERE mailbox_id = ? AND NOT seen)" : ", NULL")
                + " FROM imap.mailbox m"
                + (counts ? ", (SELECT count(*) AS total, count(*) FILTER (WHERE NOT seen) AS unseen"
                        + " FROM imap.message WHERE mailbox_id = ?) c" : "")
                + " WHERE m.id = ?";
        int parameters = 1 + (counts ? 1 : 0) + (firstUnseen ? 1 : 0);
        return jdbc.read("read folder status", c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 1; i <= parameters; i++) {
                    s.setLong(i, mailboxId);
                }
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new MailboxNotFoundException(StoredMailboxId.of(mailboxId));
                    }
                    long first = rs.getLong(5);
                    Optional<MessageUid> unseen = rs.wasNull() ? Optional.empty() : Optional.of(MessageUid.of(first));
                    return new FolderSnapshot(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), unseen);
                }
            }
        });
    }
}
