package dev.liaison.imap.store;

import org.apache.james.mailbox.exception.MailboxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Extracts the search text ({@link SearchText}) of a folder's messages that have none yet, when a
 * search first needs it. Delivery does not: most messages are never searched on the server, and
 * extracting at delivery cost every message a MIME pass and a second copy of its text in the
 * database. As with Dovecot's full-text indexing on demand, the first text search of a folder
 * pays for the messages that arrived since the last one.
 */
final class SearchIndexing {

    private static final String WRITE = "UPDATE imap.message SET search_text = ?, sent_on = ?"
            + " WHERE mailbox_id = ? AND uid = ? AND search_text IS NULL";
    private static final Logger LOG = LoggerFactory.getLogger(SearchIndexing.class);
    /** Messages per transaction, so that the row locks of one batch are not held for long. */
    static final int BATCH = 100;
    /** A batch's messages: above the UID where the one before ended, each locked as it is read. */
    static final String BATCH_READ = "SELECT uid, content FROM imap.message WHERE mailbox_id = ?"
            + " AND uid > ? AND search_text IS NULL ORDER BY uid LIMIT " + BATCH + " FOR UPDATE";

    private SearchIndexing() {
    }

    /** Extracts every missing search text of folder {@code mailboxId}; returns how many messages it did. */
    static int catchUp(Jdbc jdbc, long mailboxId) throws MailboxException {
        return catchUp(jdbc, mailboxId, SearchText::of);
    }

    /**
     * As {@link #catchUp(Jdbc, long)} with {@code extractor}. A batch that fails is done again one
     * message per transaction, so that one message whose text cannot be extracted or stored does not
     * hold back the others, nor fail every text search of its folder: that message is given no text
     * (it matches no text criterion) and logged.
     */
    static int catchUp(Jdbc jdbc, long mailboxId, Function<byte[], SearchText> extractor) throws MailboxException {
        int total = 0;
        Pass pass = new Pass(0, 0);
        do {
            long after = pass.lastUid();
            try {
                pass = jdbc.inTransaction("extract search text", c -> batch(c, mailboxId, after, extractor));
            } catch (MailboxException | RuntimeException e) {
                LOG.warn("folder {}: extracting a batch of search texts failed ({}); extracting one at a time",
                        mailboxId, e.getMessage());
                pass = oneByOne(jdbc, mailboxId, after, extractor);
            }
            total += pass.done();
        } while (pass.done() == BATCH);
        return total;
    }

    /**
     * One batch's outcome: how many messages it read, and the highest UID among them. The next
     * batch starts above it: each reads from where the last one ended instead of walking again over
     * every message the ones before it finished, which made a folder's first text search quadratic
     * (18.6 s at 40,000 messages, 5.2 s at 20,000).
     */
    record Pass(int done, long lastUid) {
    }

    private static Pass oneByOne(Jdbc jdbc, long mailboxId, long after, Function<byte[], SearchText> extractor)
            throws MailboxException {
        List<Long> uids = jdbc.read("list messages without search text", c -> missing(c, mailboxId, after));
        for (long uid : uids) {
            try {
                jdbc.inTransaction("extract search text", c -> extract(c, mailboxId, uid, extractor));
            } catch (MailboxException | RuntimeException e) {
                if (!faultOfTheMessage(e)) {
                    throw e; // the database's, for now (connection, deadlock, timeout): the next search tries again
                }
                LOG.warn("folder {} uid {}: search text not extracted ({}); stored empty, the message matches"
                        + " no text criterion", mailboxId, uid, e.getMessage());
                jdbc.inTransaction("store empty search text", c -> write(c, mailboxId, uid, SearchText.NONE));
            }
        }
        return new Pass(uids.size(), uids.isEmpty() ? after : uids.get(uids.size() - 1));
    }

    /**
     * Whether {@code e} is about this message's text, so that no retry can mend it: the extractor
     * failed (no SQL in the cause), or PostgreSQL refused the data (SQLSTATE class 22, data
     * exception, or 54, a program limit such as a value too long).
     */
    static boolean faultOfTheMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                return state != null && (state.startsWith("22") || state.startsWith("54"));
            }
        }
        return true;
    }

    private static List<Long> missing(Connection c, long mailboxId, long after) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT uid FROM imap.message WHERE mailbox_id = ?"
                + " AND uid > ? AND search_text IS NULL ORDER BY uid LIMIT " + BATCH)) {
            s.setLong(1, mailboxId);
            s.setLong(2, after);
            List<Long> uids = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    uids.add(rs.getLong(1));
                }
            }
            return uids;
        }
    }

    /** One message, locked; nothing if another search extracted it meanwhile. */
    private static int extract(Connection c, long mailboxId, long uid, Function<byte[], SearchText> extractor)
            throws SQLException {
        try (PreparedStatement read = c.prepareStatement("SELECT content FROM imap.message WHERE mailbox_id = ?"
                + " AND uid = ? AND search_text IS NULL FOR UPDATE")) {
            read.setLong(1, mailboxId);
            read.setLong(2, uid);
            try (ResultSet rs = read.executeQuery()) {
                return rs.next() ? write(c, mailboxId, uid, extractor.apply(rs.getBytes(1))) : 0;
            }
        }
    }

    private static int write(Connection c, long mailboxId, long uid, SearchText text) throws SQLException {
        try (PreparedStatement write = c.prepareStatement(WRITE)) {
            return write(write, mailboxId, uid, text);
        }
    }

    private static int write(PreparedStatement write, long mailboxId, long uid, SearchText text) throws SQLException {
        write.setString(1, text.text());
        write.setObject(2, text.sentOn().orElse(null));
        write.setLong(3, mailboxId);
        write.setLong(4, uid);
        return write.executeUpdate();
    }

    /**
     * One batch, one message in memory at a time: the rows come through a cursor a row per fetch
     * (the transaction is open), each locked as it is read. FOR UPDATE without SKIP LOCKED: a
     * concurrent search extracting the same messages is waited for, after which PostgreSQL
     * re-checks the condition on the updated rows and leaves them out, so neither search runs
     * before the other's text is committed.
     */
    static Pass batch(Connection c, long mailboxId, long after, Function<byte[], SearchText> extractor)
            throws SQLException {
        int done = 0;
        long last = after;
        try (PreparedStatement read = c.prepareStatement(BATCH_READ);
             PreparedStatement write = c.prepareStatement(WRITE)) {
            read.setFetchSize(1);
            read.setLong(1, mailboxId);
            read.setLong(2, after);
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    last = rs.getLong(1);
                    write(write, mailboxId, last, extractor.apply(rs.getBytes(2)));
                    done++;
                }
            }
        }
        return new Pass(done, last);
    }
}
