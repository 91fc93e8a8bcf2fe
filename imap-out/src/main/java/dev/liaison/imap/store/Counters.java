package dev.liaison.imap.store;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A folder's UID and MODSEQ counters, on its {@code imap.mailbox} row. Incrementing them takes
 * the row lock until the caller's transaction ends, so UIDs are assigned in commit order per
 * folder: a client that saw UID n never later sees a new message below n (RFC 3501 §2.3.1.1).
 *
 * <p>The lock order of the store: every transaction that changes a folder's messages takes the
 * folder row first (here, or MOVE's lock of both folders), then message rows. A STORE or EXPUNGE
 * that locked its message rows first and then the folder row for the new MODSEQ deadlocked with
 * a MOVE, which holds the folder row and then updates message rows (PostgreSQL broke the cycle by
 * failing one of them, and the client got NO).
 */
final class Counters {

    /** The next UID and MODSEQ handed to one new message. */
    record Next(MessageUid uid, ModSeq modSeq) {
    }

    private Counters() {
    }

    static Next next(Connection c, long mailboxId) throws SQLException, MailboxException {
        try (PreparedStatement s = c.prepareStatement("UPDATE imap.mailbox SET last_uid = last_uid + 1,"
                + " highest_modseq = highest_modseq + 1 WHERE id = ? RETURNING last_uid, highest_modseq")) {
            s.setLong(1, mailboxId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new MailboxNotFoundException(StoredMailboxId.of(mailboxId));
                }
                return new Next(MessageUid.of(rs.getLong(1)), ModSeq.of(rs.getLong(2)));
            }
        }
    }

    /**
     * Locks folder {@code mailboxId}'s row until the transaction ends, in the mode its counters'
     * UPDATE takes, before any of its message rows is locked (the lock order above).
     */
    static void lock(Connection c, long mailboxId) throws SQLException, MailboxException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM imap.mailbox WHERE id = ? FOR NO KEY UPDATE")) {
            s.setLong(1, mailboxId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new MailboxNotFoundException(StoredMailboxId.of(mailboxId));
                }
            }
        }
    }

    static ModSeq nextModSeq(Connection c, long mailboxId) throws SQLException, MailboxException {
        try (PreparedStatement s = c.prepareStatement("UPDATE imap.mailbox SET highest_modseq = highest_modseq + 1"
                + " WHERE id = ? RETURNING highest_modseq")) {
            s.setLong(1, mailboxId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new MailboxNotFoundException(StoredMailboxId.of(mailboxId));
                }
                return ModSeq.of(rs.getLong(1));
            }
        }
    }

    static long read(Jdbc jdbc, long mailboxId, String column) throws MailboxException {
        return jdbc.read("read " + column, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + column + " FROM imap.mailbox WHERE id = ?")) {
                s.setLong(1, mailboxId);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new MailboxNotFoundException(StoredMailboxId.of(mailboxId));
                    }
                    return rs.getLong(1);
                }
            }
        });
    }
}
