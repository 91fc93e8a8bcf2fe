package dev.liaison.imap.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Deletes everything an owner has in the store (their user was removed): folders with their
 * messages, subscriptions, the delivery ids filed into those folders, and the mark that their
 * default folders were made, so a new user given the same name later starts with fresh ones.
 *
 * <p>{@code imap.uid_validity} keeps the owner's row on purpose: the new user's folders get a
 * UIDVALIDITY greater than any the old one's had (migration imap V7), so a client that still holds
 * a copy of the old account under that name discards it instead of showing it as the new user's.
 * Works in the caller's transaction; sessions still open see the folders vanish and are ended by
 * their account check.
 */
public final class OwnerRemoval {

    /** Deliveries first: they name folders by id, with no foreign key to cascade. */
    private static final List<String> DELETIONS = List.of(
            "DELETE FROM imap.delivery WHERE mailbox_id IN (SELECT id FROM imap.mailbox WHERE owner = ?)",
            "DELETE FROM imap.subscription WHERE owner = ?",
            "DELETE FROM imap.provisioned WHERE owner = ?");

    /** Removes {@code owner}'s folders and all else; returns how many messages were deleted. */
    public int remove(Connection c, String owner) throws SQLException {
        for (String sql : DELETIONS) {
            update(c, sql, owner);
        }
        int messages;
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM imap.message m"
                + " JOIN imap.mailbox b ON b.id = m.mailbox_id WHERE b.owner = ?")) {
            s.setString(1, owner);
            try (var rs = s.executeQuery()) {
                rs.next();
                messages = rs.getInt(1);
            }
        }
        update(c, "DELETE FROM imap.mailbox WHERE owner = ?", owner); // messages cascade
        return messages;
    }

    private static void update(Connection c, String sql, String owner) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, owner);
            s.executeUpdate();
        }
    }
}
