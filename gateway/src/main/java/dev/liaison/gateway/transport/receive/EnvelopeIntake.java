package dev.liaison.gateway.transport.receive;

import dev.liaison.gateway.transport.EnvelopeBytes;
import dev.liaison.gateway.transport.EnvelopeId;
import dev.liaison.mapping.database.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Clock;

/**
 * The receiving service's one state change per POST: ask the {@link EnvelopeAcceptor}, store
 * the envelope, commit; only then may the peer hear 202. A resend of a stored id is answered
 * 202 without asking or storing again. Runs on a blocking thread, never on the event loop.
 *
 * <p>An envelope whose address resolved is processed in that same transaction (delivered with
 * the commit that takes it): one transaction instead of two, and the worker's claim and read-back
 * saved. Deferred envelopes, and any whose processing fails, are stored for the
 * {@link InboundWorker}, which retries them and counts the failures; the peer hears 202 either way.
 */
public final class EnvelopeIntake {

    private static final Logger LOG = LoggerFactory.getLogger(EnvelopeIntake.class);

    private final Database database;
    private final InboundStore store;
    private final EnvelopeAcceptor acceptor;
    private final UnresolvableCounter counter;
    private final ReceivingEvents events;
    private final InboundProcessor processor;
    private final Clock clock;

    EnvelopeIntake(Database database, InboundStore store, EnvelopeAcceptor acceptor, UnresolvableCounter counter,
                   ReceivingEvents events, InboundProcessor processor, Clock clock) {
        this.database = database;
        this.store = store;
        this.acceptor = acceptor;
        this.counter = counter;
        this.events = events;
        this.processor = processor;
        this.clock = clock;
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
        long started = System.nanoTime();
        Assessed assessed;
        try {
            assessed = database.inTransaction(c -> {
                if (store.contains(c, id)) {
                    return new Assessed(new EnvelopeAcceptor.Deferred(), ReceivingEvents.Reception.DUPLICATE, null);
                }
                EnvelopeAcceptor.Verdict v = acceptor.assess(c, envelope, peer);
                ReceivingEvents.Processing processed = null;
                if (v instanceof EnvelopeAcceptor.Resolved resolved) {
                    processed = storeProcessed(c, id, envelope, peer, resolved);
                } else if (!(v instanceof EnvelopeAcceptor.Malformed)) {
                    store.store(c, id, envelope, peer, v);
                }
                return new Assessed(v, reception(v), processed);
            });
        } catch (RuntimeException e) {
            events.received(ReceivingEvents.Reception.UNAVAILABLE);
            throw e;
        }
        events.received(assessed.reception());
        if (assessed.processed() != null) {
            if (assessed.processed() == ReceivingEvents.Processing.UNRESOLVABLE) {
                counter.record(peer);
            }
            events.processed(assessed.processed(), System.nanoTime() - started);
        }
        if (assessed.verdict() instanceof EnvelopeAcceptor.Malformed malformed) {
            return new Answer.Malformed(malformed.reason());
        }
        if (assessed.verdict() instanceof EnvelopeAcceptor.Unresolvable) {
            counter.record(peer);
        }
        return new Answer.Accepted();
    }

    /**
     * Takes a resolved envelope and processes it in this transaction; null when a concurrent resend
     * took the id first, or processing failed and the envelope was stored for the workers instead.
     */
    private ReceivingEvents.Processing storeProcessed(Connection c, EnvelopeId id, EnvelopeBytes envelope,
                                                      PeerAddress peer, EnvelopeAcceptor.Resolved resolved)
            throws SQLException {
        if (!store.reserve(c, id)) {
            return null;
        }
        InboundEnvelope arrived = new InboundEnvelope(id, envelope, resolved, peer, clock.instant(), 1);
        Savepoint beforeProcessing = c.setSavepoint();
        try {
            InboundProcessor.Outcome outcome = processor.process(c, arrived);
            store.finishReserved(c, arrived, outcome);
            return InboundWorker.finished(id, outcome);
        } catch (Exception e) {
            // whatever it was (a full mailbox store too): the envelope is taken whole for the workers,
            // who retry it and count only its own failures; if even that fails, the peer hears 503
            c.rollback(beforeProcessing);
            LOG.debug("Inbound envelope {} was not processed on arrival ({}); stored for the processors", id, e.toString());
            store.keepForRetry(c, arrived);
            return null;
        }
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

    /**
     * A resend is assessed as Deferred (already answered for, not counted again); {@code processed}
     * is the outcome when the envelope was processed on arrival, else null.
     */
    private record Assessed(EnvelopeAcceptor.Verdict verdict, ReceivingEvents.Reception reception,
                            ReceivingEvents.Processing processed) {
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
