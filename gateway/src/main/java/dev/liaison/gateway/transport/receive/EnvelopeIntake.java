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
    private final ReceivingEvents events;

    public EnvelopeIntake(Database database, InboundStore store, EnvelopeAcceptor acceptor,
                          UnresolvableCounter counter) {
        this(database, store, acceptor, counter, ReceivingEvents.NONE);
    }

    EnvelopeIntake(Database database, InboundStore store, EnvelopeAcceptor acceptor, UnresolvableCounter counter,
                   ReceivingEvents events) {
        this.database = database;
        this.store = store;
        this.acceptor = acceptor;
        this.counter = counter;
        this.events = events;
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
        Assessed assessed;
        try {
            assessed = database.inTransaction(c -> {
                if (store.contains(c, id)) {
                    return new Assessed(new EnvelopeAcceptor.Deferred(), ReceivingEvents.Reception.DUPLICATE);
                }
                EnvelopeAcceptor.Verdict v = acceptor.assess(c, envelope, peer);
                if (!(v instanceof EnvelopeAcceptor.Malformed)) {
                    store.store(c, id, envelope, peer, v);
                }
                return new Assessed(v, reception(v));
            });
        } catch (RuntimeException e) {
            events.received(ReceivingEvents.Reception.UNAVAILABLE);
            throw e;
        }
        events.received(assessed.reception());
        if (assessed.verdict() instanceof EnvelopeAcceptor.Malformed malformed) {
            return new Answer.Malformed(malformed.reason());
        }
        if (assessed.verdict() instanceof EnvelopeAcceptor.Unresolvable) {
            counter.record(peer);
        }
        return new Answer.Accepted();
    }

    private static ReceivingEvents.Reception reception(EnvelopeAcceptor.Verdict verdict) {
        if (verdict instanceof EnvelopeAcceptor.Malformed) {
            return ReceivingEvents.Reception.MALFORMED;
        }
        if (verdict instanceof EnvelopeAcceptor.Unresolvable) {
            return ReceivingEvents.Reception.UNRESOLVABLE;
        }
        return verdict instanceof EnvelopeAcceptor.Resolved ? ReceivingEvents.Reception.RESOLVED
                : ReceivingEvents.Reception.DEFERRED;
    }

    /** A resend is assessed as Deferred (already answered for, not counted again). */
    private record Assessed(EnvelopeAcceptor.Verdict verdict, ReceivingEvents.Reception reception) {
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
