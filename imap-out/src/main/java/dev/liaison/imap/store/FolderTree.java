package dev.liaison.imap.store;

import org.apache.james.core.Username;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxConstants;
import org.apache.james.mailbox.model.MailboxPath;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A folder with the folders below it (hierarchy delimiter {@code .}), as RENAME moves them: the
 * folder, its children and their subscriptions in one transaction.
 *
 * <p>Subscriptions move with the folders (as Cyrus, and James's manager when asked): James's RENAME
 * did not ask, so LSUB kept the old names, which no longer exist, and the renamed tree was
 * unsubscribed. They are stored in two spellings, the plain name (default folders) and James's
 * {@code namespace:owner:name} (SUBSCRIBE); both move. Should INBOX come here, its own subscription
 * stays and the new name is subscribed too; an IMAP RENAME of INBOX does not: it moves INBOX's
 * messages instead ({@link InboxRename}).
 *
 * <p>Why not James's way: {@code StoreMailboxManager} renamed the folder first and then looked for
 * its children by the old name's prefix; when the new name lies below the old one ({@code RENAME M1
 * M1.child}) the renamed folder is such a child and was renamed again ({@code M1.child.child}, mail
 * misplaced). A folder cannot be renamed into its own subtree (Dovecot and Cyrus refuse it too), and
 * the whole tree moves in one statement, so James's loop afterwards finds no child left to move.
 */
public final class FolderTree {

    /** The advisory lock space of renames (two-key form: this class, a hash of the owner). */
    private static final int RENAME_LOCK = 0x466f6c64; // "Fold"

    /** The hierarchy delimiter of every name in this store (NAMESPACE answers {@code "."}). */
    public static final char DELIMITER = '.';

    private FolderTree() {
    }

    /** Whether {@code name} is {@code folder} or a folder below it, by the same owner and namespace. */
    public static boolean contains(MailboxPath folder, MailboxPath name) {
        return folder.getNamespace().equals(name.getNamespace())
                && java.util.Objects.equals(folder.getUser(), name.getUser())
                && within(folder.getName(), name.getName());
    }

    private static boolean within(String folder, String name) {
        if (MailboxConstants.INBOX.equalsIgnoreCase(folder)) {
            // INBOX is case-insensitive (RFC 3501 5.1), so is its place in names below it
            return name.equalsIgnoreCase(folder) || name.regionMatches(true, 0, folder + DELIMITER, 0, folder.length() + 1);
        }
        return name.equals(folder) || name.startsWith(folder + DELIMITER);
    }

    /**
     * Gives the folder its new path and every folder below it the new path's name in place of the
     * old prefix, on the caller's transaction.
     *
     * @throws MailboxException when the new name lies in the folder's own subtree
     */
    static void rename(Connection c, Mailbox renamed) throws SQLException, MailboxException {
        long id = PostgresMailboxMapper.id(renamed.getMailboxId());
        lockRenames(c, renamed.getUser().asString());
        MailboxPath from = current(c, id);
        MailboxPath to = renamed.generateAssociatedPath();
        if (contains(from, to)) {
            throw new MailboxException("cannot rename " + from.getName() + " into itself (" + to.getName()
                    + "); choose a name outside the folder");
        }
        try (PreparedStatement s = c.prepareStatement("UPDATE imap.mailbox SET namespace = ?, owner = ?,"
                + " name = ? || substr(name, length(?) + 1)"
                + " WHERE id = ? OR (owner = ? AND namespace = ? AND starts_with(name, ?))")) {
            s.setString(1, to.getNamespace());
            s.setString(2, to.getUser().asString());
            s.setString(3, to.getName());
            s.setString(4, from.getName());
            s.setLong(5, id);
            s.setString(6, from.getUser().asString());
            s.setString(7, from.getNamespace());
            s.setString(8, from.getName() + DELIMITER);
            s.executeUpdate();
        }
        moveSubscriptions(c, from, to, from.getName(), to.getName());
        moveSubscriptions(c, from, to, from.asEscapedString(), to.asEscapedString());
    }

    /**
     * One owner's renames one at a time, until the transaction ends: two renames of nested folders
     * (A, A.x) would each lock its own row first and then wait for the other's, a deadlock
     * PostgreSQL ends by failing one.
     */
    static void lockRenames(Connection c, String owner) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
            s.setInt(1, RENAME_LOCK);
            s.setString(2, owner);
            s.execute();
        }
    }

    private static void moveSubscriptions(Connection c, MailboxPath from, MailboxPath to, String old, String renamed)
            throws SQLException {
        String below = " FROM imap.subscription WHERE owner = ? AND (mailbox = ? OR starts_with(mailbox, ?))";
        try (PreparedStatement s = c.prepareStatement("INSERT INTO imap.subscription (owner, mailbox)"
                + " SELECT ?, ? || substr(mailbox, length(?) + 1)" + below + " ON CONFLICT DO NOTHING")) {
            s.setString(1, to.getUser().asString());
            s.setString(2, renamed);
            s.setString(3, old);
            s.setString(4, from.getUser().asString());
            s.setString(5, old);
            s.setString(6, old + DELIMITER);
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("DELETE" + below + " AND NOT (mailbox = ? AND ?)")) {
            s.setString(1, from.getUser().asString());
            s.setString(2, old);
            s.setString(3, old + DELIMITER);
            s.setString(4, old);
            s.setBoolean(5, from.isInbox());
            s.executeUpdate();
        }
    }

    /** The folder's path as stored, its row locked until the transaction ends. */
    private static MailboxPath current(Connection c, long id) throws SQLException, MailboxException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT namespace, owner, name FROM imap.mailbox WHERE id = ? FOR UPDATE")) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new MailboxNotFoundException(StoredMailboxId.of(id));
                }
                return new MailboxPath(rs.getString(1), Username.of(rs.getString(2)), rs.getString(3));
            }
        }
    }
}
