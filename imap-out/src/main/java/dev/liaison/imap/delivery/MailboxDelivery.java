package dev.liaison.imap.delivery;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * How other modules put a message into a user's folder (gateway: a received message into INBOX,
 * a sent message's copy into Sent), or move messages between a user's folders (an accepted
 * request's other messages out of Requests).
 *
 * <p>Contract: the delivery runs on the caller's connection and inside the caller's transaction;
 * it never commits or rolls back. If the caller's transaction rolls back, nothing was delivered.
 * It is idempotent by {@link Delivery#deliveryId()}: delivering the same id again (a retry, in
 * the same or a later transaction) creates no second copy and returns the first copy's place, until
 * the caller {@link #forget forgets} the id: the caller keeps each id as long as its retries need it.
 * Idling IMAP clients on every Liaison process learn of the new message once the caller commits.
 * The folder (and the user's default folders) is created if missing.
 */
public interface MailboxDelivery {

    /**
     * Files {@code delivery} on {@code connection}.
     *
     * @throws DeliveryException.Refused     the delivery itself is invalid (too large, bad folder name)
     * @throws java.sql.SQLException         the database failed; the caller's transaction should roll back and retry
     */
    Delivered deliver(Connection connection, Delivery delivery) throws DeliveryException, SQLException;

    /**
     * Forgets at most {@code max} of the delivery ids filed before {@code before}, the oldest first,
     * on {@code connection} (in the caller's transaction); returns how many. Delivering a forgotten id
     * again files a second copy, so {@code before} must be older than any retry of those deliveries.
     * The messages themselves stay; a client's own copy of one the gateway filed in Sent is no longer
     * recognised ({@link FiledCopies}) and is stored beside it. Call it again while it returns
     * {@code max}: short transactions, never a long lock on a large table.
     */
    int forget(Connection connection, Instant before, int max) throws SQLException;

    /**
     * Moves the messages of {@code owner}'s folder {@code from} whose header section (the octets
     * before the body, as stored) contains {@code mentioning} (ASCII, compared without regard to
     * case; empty: any) and is accepted by {@code which} into folder {@code to}, as an IMAP MOVE
     * does, on {@code connection} and inside the caller's transaction: new UIDs and MODSEQs in
     * {@code to} (created if missing), flags kept, \Recent there; expunged from {@code from}.
     * Sessions with either folder selected, on every Liaison process, learn of it once the caller
     * commits. Left where they are: messages marked \Deleted, and those with a copy in {@code to}
     * already (the user copied them there). Returns how many moved; none if {@code from} does not
     * exist. {@code mentioning} is checked by the database, so that only the few header sections
     * that contain it are read and parsed for {@code which} while the folder rows are held: with
     * thousands of messages in {@code from}, reading every one held deliveries into both folders
     * back for over a second.
     *
     * @throws java.sql.SQLException the database failed, or a folder went away meanwhile; the caller's transaction should roll back
     */
    int move(Connection connection, String owner, String from, String to, String mentioning, Predicate<byte[]> which)
            throws SQLException;

    /**
     * Locks the rows of those of {@code owner}'s {@code folders} that exist, lower id first (the
     * store's lock order, as {@link #move} and a MOVE take them), on {@code connection} until the
     * caller's transaction ends: for a caller that will file or move into several of them after
     * locking a row of its own that a delivery into them also needs, so that it takes the folders
     * first, as the delivery does. A missing folder is not created (a delivery that creates it
     * meanwhile holds nothing the caller holds).
     *
     * @throws java.sql.SQLException the database failed; the caller's transaction should roll back
     */
    void lock(Connection connection, String owner, List<String> folders) throws SQLException;
}
