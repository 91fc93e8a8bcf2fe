package dev.liaison.imap.store;

import org.apache.james.mailbox.model.MailboxConstants;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The folders every user starts with, and their RFC 6154 special-use attributes. They are
 * created, and subscribed (clients such as Thunderbird show only subscribed folders), the first
 * time a user logs in or receives a delivery — once: a folder the user later deletes stays deleted.
 */
public final class DefaultFolders {

    /** A default folder and its special-use attribute (empty for INBOX, which has none). */
    public record Folder(String name, Optional<String> specialUse) {
    }

    public static final List<Folder> ALL = List.of(
            new Folder(MailboxConstants.INBOX, Optional.empty()),
            new Folder("Sent", Optional.of("\\Sent")),
            new Folder("Drafts", Optional.of("\\Drafts")),
            new Folder("Trash", Optional.of("\\Trash")),
            new Folder("Junk", Optional.of("\\Junk")),
            new Folder("Archive", Optional.of("\\Archive")));

    /**
     * Owners whose provisioning this process has seen committed: a delivery skips the insert for
     * them. An owner is added only when the insert conflicted, which PostgreSQL decides after any
     * concurrent inserter committed, so a rolled-back provisioning is never remembered. Keyed by
     * database URL too (tests run several databases in one JVM). Bounded: when full, it is emptied
     * (the cost is one more insert per owner).
     */
    private static final java.util.Set<String> PROVISIONED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final int MAX_REMEMBERED = 100_000;

    private DefaultFolders() {
    }

    /** Creates {@code owner}'s default folders if this owner never had them; runs on the caller's connection. */
    public static void provision(Connection c, String owner) throws SQLException {
        String known = c.getMetaData().getURL() + '\0' + owner;
        if (PROVISIONED.contains(known)) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO imap.provisioned (owner) VALUES (?) ON CONFLICT DO NOTHING RETURNING owner")) {
            s.setString(1, owner);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    remember(known);
                    return;
                }
            }
        }
        String[] names = ALL.stream().map(Folder::name).toArray(String[]::new);
        try (PreparedStatement s = c.prepareStatement("WITH wanted (name) AS (SELECT * FROM unnest(?::text[])),"
                + " created AS (INSERT INTO imap.mailbox (namespace, owner, name, uid_validity)"
                + " SELECT ?, ?, name, imap.next_uid_validity(?) FROM wanted ON CONFLICT DO NOTHING RETURNING name)"
                + " INSERT INTO imap.subscription (owner, mailbox) SELECT ?, name FROM created ON CONFLICT DO NOTHING")) {
            s.setArray(1, c.createArrayOf("text", names));
            s.setString(2, MailboxConstants.USER_NAMESPACE);
            s.setString(3, owner);
            s.setString(4, owner);
            s.setString(5, owner);
            s.executeUpdate();
        }
    }

    private static void remember(String databaseAndOwner) {
        if (PROVISIONED.size() >= MAX_REMEMBERED) {
            PROVISIONED.clear();
        }
        PROVISIONED.add(databaseAndOwner);
    }
}
