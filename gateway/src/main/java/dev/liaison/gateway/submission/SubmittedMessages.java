package dev.liaison.gateway.submission;

import dev.liaison.gateway.transport.Limits;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Tells a client's retry of a message from another message that reuses its {@code Message-ID}
 * ({@code relay.submitted_messages}). Every delivery a submission makes is idempotent by a key
 * derived from the sender and the {@code Message-ID} ({@link SubmissionRouter#submissionKey}), so
 * that a client that lost the {@code 250} and sends the message again gets no second copy anywhere.
 * A different message under an id already used (a client that reuses ids, a draft sent again after
 * an edit, list software) would then be answered {@code 250} and dropped. So the first message
 * taken under a key is remembered by the SHA-256 of its octets as the client sent them
 * ({@code Submission#clientMessage}: without the trace smtp-in adds, which differs in every
 * transaction, and without {@code Bcc}, which names no one the recipients see); a later one with
 * the same digest is the retry and gets the same key, one with another digest a key of its own.
 *
 * <p>The first message keeps the plain key, so that a mail client's own Sent copy of it is still
 * recognised by its {@code Message-ID} ({@link SentCopies}). A retry of any of them is byte for
 * byte the same message but for its {@code Date} (see {@link #digest}): a client that rebuilds a
 * multipart message for its retry (new MIME boundaries) sends another message, and it is delivered
 * again; that is a duplicate, which the recipient sees, where the other choice would lose a message
 * no one sees.
 *
 * <p>A row is kept for {@link #retention} after the last message taken under its key, then forgotten
 * ({@link #forget}): the next message under that id is a first message again.
 *
 * <p>Works in the caller's transaction. Concurrent first submissions under one key are ordered by
 * the row's primary key: the second waits for the first transaction and then reads its digest.
 */
public final class SubmittedMessages {

    /**
     * Forgets a batch: found oldest first through {@code submitted_messages_submitted_at}, deleted by
     * row address, so a batch reads only the rows it deletes. A row moved meanwhile (another message
     * taken under its key) is not deleted: its new version has another address.
     */
    static final String FORGET = "DELETE FROM relay.submitted_messages WHERE ctid = ANY (ARRAY(SELECT ctid"
            + " FROM relay.submitted_messages WHERE submitted_at < ? ORDER BY submitted_at LIMIT ?))";

    /** A week more than the memories the row must outlive: for a prune or an expiry sweep that runs late. */
    private static final Duration SLACK = Duration.ofDays(7);

    /**
     * The key a submission is delivered under, and whether the message was taken before: a retry of
     * the first message under its id, whose every effect is already committed.
     */
    record Taken(String key, boolean before) {
    }

    /**
     * The key the submission under {@code key} whose client octets have {@code digest} is delivered
     * under: {@code key} itself for the first message taken under it and for retries of that one,
     * otherwise one derived from both (the same for every retry of that message); and whether it
     * is the first message under {@code key} taken again.
     */
    Taken take(Connection c, String key, byte[] digest) throws SQLException {
        try (var insert = c.prepareStatement("INSERT INTO relay.submitted_messages (submission_key, digest)"
                + " VALUES (?, ?) ON CONFLICT (submission_key) DO NOTHING")) {
            insert.setString(1, key);
            insert.setBytes(2, digest);
            if (insert.executeUpdate() == 1) {
                return new Taken(key, false);
            }
        }
        try (var select = c.prepareStatement("SELECT digest FROM relay.submitted_messages WHERE submission_key = ?")) {
            select.setString(1, key);
            try (var rs = select.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("submitted message " + key + " neither inserted nor found");
                }
                if (Arrays.equals(rs.getBytes(1), digest)) {
                    return new Taken(key, true);
                }
            }
        }
        touch(c, key);
        return new Taken(anotherMessage(key, digest), false);
    }

    /**
     * Another message under {@code key}: the row is kept for {@link #retention} from now, for its
     * retries must still be told from the first message (forgotten, the retry would get the plain key
     * and be delivered again).
     */
    private static void touch(Connection c, String key) throws SQLException {
        try (var update = c.prepareStatement("UPDATE relay.submitted_messages SET submitted_at = now()"
                + " WHERE submission_key = ?")) {
            update.setString(1, key);
            update.executeUpdate();
        }
    }

    /**
     * How long a row is kept after the last message taken under its key. It must outlive every
     * memory of a delivery made under the key: forgotten first, the next message that reuses the id
     * would get the plain key, be taken for a retry of the forgotten one by whatever still remembers
     * it, and be answered {@code 250} and dropped. Those memories are delivery ids ({@code imap.delivery})
     * and relayed submissions ({@code relay.sent_messages}), both {@link Limits#DEDUPLICATION_RETENTION},
     * and plain email's queue rows ({@code legacy.outbound}: until delivered or expired after
     * {@code relayExpiry}, then {@link Limits#DEDUPLICATION_RETENTION} more); plus {@link #SLACK}.
     * 20 days with the default expiry of 5 days; a client's retry (within days) is recognised all along.
     */
    public static Duration retention(Duration relayExpiry) {
        return relayExpiry.plus(Limits.DEDUPLICATION_RETENTION).plus(SLACK);
    }

    /** Forgets at most {@code max} rows last taken before {@code before}, oldest first; returns how many. */
    public int forget(Connection c, Instant before, int max) throws SQLException {
        try (var delete = c.prepareStatement(FORGET)) {
            delete.setTimestamp(1, Timestamp.from(before));
            delete.setInt(2, max);
            return delete.executeUpdate();
        }
    }

    /**
     * The SHA-256 of {@code message}'s octets from {@code from} on, its {@code Date} field left out
     * (hashed in place: no copy of a large message). A client that retries by building the message
     * again (Angus and others write {@code Date} when they build it) sends the same message with
     * another date: still the retry. A message with other content under the same id is not.
     */
    static byte[] digest(byte[] message, int from) {
        MessageDigest sha = sha256();
        int line = from;
        boolean inDate = false;
        while (line < message.length) {
            int end = MessageHeaders.endOfLine(message, line);
            if (end == line) {
                break; // the empty line: the body follows, hashed whole
            }
            int next = MessageHeaders.skipLineBreak(message, end);
            boolean continuation = message[line] == ' ' || message[line] == '\t';
            inDate = continuation ? inDate : MessageHeaders.startsWithIgnoreCase(message, line, "date:");
            if (!inDate) {
                sha.update(message, line, next - line);
            }
            line = next;
        }
        sha.update(message, line, message.length - line);
        return sha.digest();
    }

    /** The key of a message with {@code digest} that reuses the {@code Message-ID} of the one under {@code key}. */
    static String anotherMessage(String key, byte[] digest) {
        MessageDigest sha = sha256();
        sha.update("another message".getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) 0);
        sha.update(key.getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) 0);
        sha.update(digest);
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is always available", e);
        }
    }
}
