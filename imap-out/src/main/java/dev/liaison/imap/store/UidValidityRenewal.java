package dev.liaison.imap.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Gives folders a new UIDVALIDITY, for after a database backup was restored: the restored folders
 * hand out again the UIDs their messages had after the backup, and a mail client that saw those
 * messages would take the new ones for them (RFC 9051 §2.3.1.1 forbids reusing a UID under the same
 * UIDVALIDITY). A new value tells every client to drop what it kept of the folder and fetch it again.
 *
 * <p>Each value comes from {@code imap.next_uid_validity} (migration imap V7), as a new folder's:
 * the time in seconds or one more than the owner's last, so greater than any the owner's folders had,
 * also those handed out after the backup and lost with it (they were at most the time they were
 * given, give or take the folders made in one second). Works in the caller's transaction: all
 * folders change or none.
 */
public final class UidValidityRenewal {

    /** What a renewal changed, or would change. */
    public record Renewed(int owners, int folders) {
    }

    /** Renews the folders of {@code owner}, or of every owner when empty. */
    public Renewed renew(Connection c, Optional<String> owner) throws SQLException {
        Renewed affected = count(c, owner);
        // owners in order, so two renewals (or a renewal and a folder creation) lock owners' rows alike
        try (PreparedStatement s = c.prepareStatement("UPDATE imap.mailbox m SET uid_validity = imap.next_uid_validity(m.owner)"
                + " FROM (SELECT id FROM imap.mailbox WHERE (?::text IS NULL OR owner = ?) ORDER BY owner, id FOR UPDATE) o"
                + " WHERE m.id = o.id")) {
            s.setString(1, owner.orElse(null));
            s.setString(2, owner.orElse(null));
            s.executeUpdate();
        }
        return affected;
    }

    /** How many owners and folders {@link #renew} would change. */
    public Renewed count(Connection c, Optional<String> owner) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(DISTINCT owner), count(*) FROM imap.mailbox"
                + " WHERE (?::text IS NULL OR owner = ?)")) {
            s.setString(1, owner.orElse(null));
            s.setString(2, owner.orElse(null));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new Renewed(rs.getInt(1), rs.getInt(2));
            }
        }
    }
}
