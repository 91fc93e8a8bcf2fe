package dev.liaison.imap.delivery;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * How other modules put a message into a user's folder (gateway: a received message into INBOX,
 * a sent message's copy into Sent).
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
}
