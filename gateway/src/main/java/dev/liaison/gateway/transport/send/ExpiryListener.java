package dev.liaison.gateway.transport.send;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Told once about every envelope the sending service gives up on (expired, or permanently
 * refused by the receiver), so the sender can learn of it (the relay files a DSN-style notice
 * in the sender's INBOX).
 *
 * <p>Contract: called inside the transaction that moves the envelope to its final state; the
 * implementation does its own writes on {@code connection} and never commits. If it throws, the
 * state change rolls back and the envelope is offered again later, so the notice is neither lost
 * nor sent twice. It must not do network I/O.
 */
@FunctionalInterface
public interface ExpiryListener {

    void undeliverable(Connection connection, UndeliverableEnvelope envelope) throws SQLException;
}
