package dev.liaison.imap.store;

import org.apache.james.mailbox.exception.MailboxException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Extracts the search text ({@link SearchText}) of a folder's messages that have none yet, when a
 * search first needs it. Delivery does not: most messages are never searched on the server, and
 * extracting at delivery cost every message a MIME pass and a second copy of its text in the
 * database. As with Dovecot's full-text indexing on demand, the first text search of a folder
 * pays for the messages that arrived since the last one.
 */
final class SearchIndexing {

    /** Messages per transaction, so that the row locks of one batch are not held for long. */
    static final int BATCH = 100;

    private SearchIndexing() {
    }

    /** Extracts every missing search text of folder {@code mailboxId}; returns how many messages it did. */
    static int catchUp(Jdbc jdbc, long mailboxId) throws MailboxException {
        int total = 0;
        int done;
        do {
            done = jdbc.inTransaction("extract search text", c -> batch(c, mailboxId));
            total += done;
        } while (done == BATCH);
        return total;
    }

    /**
     * One batch, one message in memory at a time: the rows come through a cursor a row per fetch
     * (the transaction is open), each locked as it is read. FOR UPDATE without SKIP LOCKED: a
     * concurrent search extracting the same messages is waited for, after which PostgreSQL
     * re-checks the condition on the updated rows and leaves them out, so neither search runs
     * before the other's text is committed.
     */
    private static int batch(Connection c, long mailboxId) throws SQLException {
        int done = 0;
        try (PreparedStatement read = c.prepareStatement("SELECT uid, content FROM imap.message WHERE mailbox_id = ?"
                + " AND search_text IS NULL ORDER BY uid LIMIT " + BATCH + " FOR UPDATE");
             PreparedStatement write = c.prepareStatement("UPDATE imap.message SET search_text = ?, sent_on = ?"
                     + " WHERE mailbox_id = ? AND uid = ?")) {
            read.setFetchSize(1);
            read.setLong(1, mailboxId);
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    SearchText text = SearchText.of(rs.getBytes(2));
                    write.setString(1, text.text());
                    write.setObject(2, text.sentOn().orElse(null));
                    write.setLong(3, mailboxId);
                    write.setLong(4, rs.getLong(1));
                    write.executeUpdate();
                    done++;
                }
            }
        }
        return done;
    }
}
