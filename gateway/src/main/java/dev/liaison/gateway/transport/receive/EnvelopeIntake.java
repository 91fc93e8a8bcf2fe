package dev.liaison.gateway.transport.receive;

import dev.liaison.gateway.transport.EnvelopeBytes;
import dev.liaison.gateway.transport.EnvelopeId;
import dev.liaison.mapping.database.Database;

/**
 * The receiving service's one state change per POST: ask the {@link EnvelopeAcceptor}, store
 * the envelope, commit; only then may the peer hear 202. A resend of a stored id is answered
 * 202 without asking or storing again. Runs on a blocking thread, never on the event loop.
 */
public final class EnvelopeIntake {

    private final Database database;
    private final InboundStore store;
    private final EnvelopeAcceptor acceptor;
    private final UnresolvableCounter counter;

    public EnvelopeIntake(Database database, InboundStore store, EnvelopeAcceptor acceptor,
                          UnresolvableCounter counter) {
        this.database = database;
        this.store = store;
        this.acceptor = acceptor;
        this.counter = counter;
    }

    /** Whether {@code peer} is over its unresolvable-address threshold and gets 429. */
    public boolean throttled(PeerAddress peer) {
        return counter.throttled(peer);
    }

    /** Seconds a throttled peer is asked to wait. */
    public long throttleRetryAfterSeconds() {
        return counter.retryAfterSeconds();
    }

    /**
     * Stores one envelope durably (or recognises it as a resend).
     *
     * @throws dev.liaison.mapping.database.DatabaseUnavailableException when it could not be
     *         stored: the peer must be told to retry (503), not that we have it
     */
    public Answer receive(EnvelopeId id, EnvelopeBytes envelope, PeerAddress peer) {
        EnvelopeAcceptor.Verdict verdict = database.inTransaction(c -> {
            if (store.contains(c, id)) {
                return new EnvelopeAcceptor.Deferred(); // a resend: already answered for, not counted again
            }
            EnvelopeAcceptor.Verdict v = acceptor.assess(c, envelope, peer);
            if (!(v instanceof EnvelopeAcceptor.Malformed)) {
                store.store(c, id, envelope, peer, v);
            }
            return v;
        });
        if (verdict instanceof EnvelopeAcceptor.Malformed malformed) {
            return new Answer.Malformed(malformed.reason());
        }
        if (verdict instanceof EnvelopeAcceptor.Unresolvable) {
            counter.record(peer);
        }
        return new Answer.Accepted();
    }

    /** What the peer is told. */
    public sealed interface Answer {

        /** 202: stored durably (whether or not the address resolves). */
        record Accepted() implements Answer {
        }

        /** 400: broken framing; nothing stored. */
        record Malformed(String reason) implements Answer {
        }
    }
}
