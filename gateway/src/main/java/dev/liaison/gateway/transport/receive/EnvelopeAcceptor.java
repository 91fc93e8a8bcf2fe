package dev.liaison.gateway.transport.receive;

import dev.liaison.gateway.transport.EnvelopeBytes;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The receiver's first look at an envelope, before it is stored and answered: is its framing
 * valid, and whom is it for? The transport layer knows no envelope format; the relay implements
 * this with the envelope codec and address resolution.
 *
 * <p>Contract: called inside the transaction that stores the envelope, on a blocking thread;
 * reads on {@code connection} are fine, writes roll back with the store. It must not do network
 * I/O. Whatever the verdict other than {@link Verdict.Malformed}, the peer gets the same
 * {@code 202}: a peer must not learn whether an address resolves.
 */
@FunctionalInterface
public interface EnvelopeAcceptor {

    Verdict assess(Connection connection, EnvelopeBytes envelope, PeerAddress peer) throws SQLException;

    /** What the acceptor decided. */
    sealed interface Verdict {
    }

    /** Broken framing (not an envelope of a known version): answered 400, nothing stored. */
    record Malformed(String reason) implements Verdict {
    }

    /** The address resolves to this local user: stored for processing with the recipient. */
    record Resolved(long recipient) implements Verdict {
    }

    /**
     * The address does not resolve: answered 202 like any other, counted against the peer, and
     * only the id is kept (so a resend is recognised); the bytes are dropped.
     */
    record Unresolvable() implements Verdict {
    }

    /** Well-framed; resolution is left to the {@link InboundProcessor}: stored for processing. */
    record Deferred() implements Verdict {
    }
}
