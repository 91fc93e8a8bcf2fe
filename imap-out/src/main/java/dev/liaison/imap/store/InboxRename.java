package dev.liaison.imap.store;

import org.apache.james.core.Username;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxConstants;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.UidValidity;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * RENAME INBOX (RFC 3501 §6.3.5, RFC 9051 §6.3.6): "moves all messages in INBOX to a new mailbox
 * with the given name, leaving INBOX empty"; folders below INBOX are not moved. James renamed the
 * INBOX row with the folders below it and then created another INBOX, so a session with INBOX
 * selected went on showing the renamed folder as INBOX (mail delivered to the new INBOX never
 * reached it), and {@code INBOX.x} became {@code new.x}.
 *
 * <p>Here, in one transaction: a new folder by that name (a UIDVALIDITY greater than any the
 * owner's folders had, {@code imap.next_uid_validity}), INBOX's messages moved into it with UIDs
 * from 1 in INBOX's order, its subscription if INBOX has one. INBOX keeps its row, UIDVALIDITY and
 * UID counter (no UID is given again), and its mod-sequence rises (the messages' leaving is a
 * change, RFC 7162 §3.1); its messages' leaving is announced as their expunge, so sessions that
 * have INBOX selected hear EXPUNGE. The INBOX row lock keeps deliveries, and the owner's rename
 * lock other renames, out until it commits.
 */
final class InboxRename {

    /** INBOX as it is now, and its messages as they were before they left (for the expunge event). */
    record Result(Mailbox inbox, List<MessageMetaData> moved) {
    }

    private InboxRename() {
    }

    static Result run(Connection c, Username owner, MailboxPath to) throws SQLException, MailboxException {
        FolderTree.lockRenames(c, owner.asString());
        Mailbox inbox = lockedInbox(c, owner);
        long inboxId = PostgresMailboxMapper.id(inbox.getMailboxId());
        List<MessageMetaData> moved = messages(c, inboxId);
        long target = PostgresMailboxMapper.id(PostgresMailboxMapper.insert(c, to).getMailboxId());
        if (!moved.isEmpty()) {
            move(c, inboxId, target, moved.size());
            Counters.nextModSeq(c, inboxId);
        }
        subscribe(c, inbox.generateAssociatedPath(), to);
        return new Result(inbox, moved);
    }

    private static Mailbox lockedInbox(Connection c, Username owner) throws SQLException, MailboxException {
        MailboxPath path = MailboxPath.inbox(owner);
        try (PreparedStatement s = c.prepareStatement("SELECT id, uid_validity FROM imap.mailbox"
                + " WHERE owner = ? AND namespace = ? AND name = ? FOR UPDATE")) {
            s.setString(1, owner.asString());
            s.setString(2, path.getNamespace());
            s.setString(3, MailboxConstants.INBOX);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new MailboxNotFoundException(path);
                }
                return new Mailbox(path, UidValidity.of(rs.getLong(2)), StoredMailboxId.of(rs.getLong(1)));
            }
        }
    }

    private static List<MessageMetaData> messages(Connection c, long inbox) throws SQLException {
        List<MessageMetaData> messages = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT " + MessageRows.METADATA
                + " FROM imap.message WHERE mailbox_id = ? ORDER BY uid")) {
            s.setLong(1, inbox);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    messages.add(MessageRows.metaData(rs));
                }
            }
        }
        return messages;
    }

    /** The messages take UIDs 1..count in INBOX's order and mod-sequence 1, the new folder's first. */
    private static void move(Connection c, long inbox, long target, int count) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE imap.message m SET mailbox_id = ?, uid = n.uid_there,"
                + " modseq = 1 FROM (SELECT uid, row_number() OVER (ORDER BY uid) AS uid_there FROM imap.message"
                + " WHERE mailbox_id = ?) n WHERE m.mailbox_id = ? AND m.uid = n.uid")) {
            s.setLong(1, target);
            s.setLong(2, inbox);
            s.setLong(3, inbox);
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE imap.mailbox SET last_uid = ?, highest_modseq = 1 WHERE id = ?")) {
            s.setLong(1, count);
            s.setLong(2, target);
            s.executeUpdate();
        }
    }

    /** The new folder subscribed in the spelling INBOX is subscribed in (both, if both); INBOX stays subscribed. */
    private static void subscribe(Connection c, MailboxPath inbox, MailboxPath to) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO imap.subscription (owner, mailbox)"
                + " SELECT owner, CASE WHEN mailbox = ? THEN ? ELSE ? END FROM imap.subscription"
                + " WHERE owner = ? AND mailbox IN (?, ?) ON CONFLICT DO NOTHING")) {
            s.setString(1, inbox.getName());
            s.setString(2, to.getName());
            s.setString(3, to.asEscapedString());
            s.setString(4, inbox.getUser().asString());
            s.setString(5, inbox.getName());
            s.setString(6, inbox.asEscapedString());
            s.executeUpdate();
        }
    }
}
