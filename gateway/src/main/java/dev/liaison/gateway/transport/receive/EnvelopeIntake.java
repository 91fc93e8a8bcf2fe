package dev.liaison.gateway.transport.receive;

import dev.liaison.gateway.transport.EnvelopeBytes;
import dev.liaison.gateway.transport.EnvelopeId;
import dev.liaison.mapping.database.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;

/**
 * The receiving service's one state change per POST: ask the {@link EnvelopeAcceptor}, store
 * the envelope, commit; only then may the peer hear 202. A resend of a stored id is answered
 * 202 without storing or processing it again. Runs on a blocking thread, never on the event loop.
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
     * @throws dev.liaison.mapping.database.DatabaseException when it could not be
     *         stored: the peer must be told to retry (503), not that we have it
     */
    public Answer receive(EnvelopeId id, EnvelopeBytes envelope, PeerAddress peer) {
        long started = System.nanoTime();
        Assessed assessed;
        try {
            assessed = assessAndStore(id, envelope, peer);
        } catch (RuntimeException e) {
            events.received(ReceivingEvents.Reception.UNAVAILABLE);
            LOG.warn("received envelope={} octets={} outcome=unavailable ms={}; the peer is told to retry", id,
                    envelope.size(), millisSince(started));
            throw e;
        }
        events.received(assessed.reception());
        LOG.info("received envelope={} octets={} outcome={} ms={}", id, envelope.size(), word(assessed.reception()),
                millisSince(started));
        ReceivingEvents.Processing processed = assessed.processed();
        if (processed != null) {
            if (processed == ReceivingEvents.Processing.UNRESOLVABLE) {
                counter.record(peer);
            }
            long nanos = System.nanoTime() - started;
            events.processed(processed, nanos);
            InboundWorker.logProcessed(id, 1, assessed.outcome(), nanos);
        }
        if (assessed.verdict() instanceof EnvelopeAcceptor.Malformed malformed) {
            return new Answer.Malformed(malformed.reason());
        }
        if (assessed.reception() == ReceivingEvents.Reception.UNRESOLVABLE) {
            counter.record(peer);
        }
        return new Answer.Accepted();
    }

    /**
     * One transaction: the verdict, then the id taken with the envelope's row, whose unique key
     * recognises a resend (no look-up first: resends are rare, every envelope would pay for it).
     * If processing on arrival fails, that transaction is rolled back whole and a second one
     * stores the envelope for the workers: a failure costs a transaction, not every envelope a
     * savepoint.
     */
    private Assessed assessAndStore(EnvelopeId id, EnvelopeBytes envelope, PeerAddress peer) {
        try {
            return database.inTransaction(c -> {
                EnvelopeAcceptor.Verdict v = acceptor.assess(c, envelope, peer);
                if (v instanceof EnvelopeAcceptor.Resolved resolved) {
                    return store.reserve(c, id) ? processed(c, id, envelope, peer, resolved) : duplicate();
                }
                if (v instanceof EnvelopeAcceptor.Malformed) {
                    return new Assessed(v, ReceivingEvents.Reception.MALFORMED, null);
                }
                return store.store(c, id, envelope, peer, v) ? new Assessed(v, reception(v), null) : duplicate();
            });
        } catch (NotProcessedOnArrival e) {
            // whatever it was (a full mailbox store too): the envelope is taken whole for the workers,
            // who retry it and count only its own failures; if even that fails, the peer hears 503
            LOG.debug("Inbound envelope {} was not processed on arrival ({}); storing it for the processors", id,
                    e.getCause().toString());
            return database.inTransaction(c -> store.store(c, id, envelope, peer, e.verdict)
                    ? new Assessed(e.verdict, ReceivingEvents.Reception.RESOLVED, null) : duplicate());
        }
    }

    /** Processes a resolved envelope whose id this transaction took; its failure rolls the whole transaction back. */
    private Assessed processed(Connection c, EnvelopeId id, EnvelopeBytes envelope, PeerAddress peer,
                               EnvelopeAcceptor.Resolved resolved) {
        InboundEnvelope arrived = new InboundEnvelope(id, envelope, resolved, peer, clock.instant(), 1);
        try {
            InboundProcessor.Outcome outcome = processor.process(c, arrived);
            store.finishReserved(c, arrived, outcome);
            return new Assessed(resolved, ReceivingEvents.Reception.RESOLVED, outcome);
        } catch (Exception e) {
            throw new NotProcessedOnArrival(resolved, e);
        }
    }

    /** A resend of a stored id: answered 202 as before, not assessed as new or counted again. */
    private static Assessed duplicate() {
        return new Assessed(new EnvelopeAcceptor.Deferred(), ReceivingEvents.Reception.DUPLICATE, null);
    }

    /** Processing on arrival failed; the envelope is to be stored for the workers instead. */
    private static final class NotProcessedOnArrival extends RuntimeException {
        final EnvelopeAcceptor.Resolved verdict;

        NotProcessedOnArrival(EnvelopeAcceptor.Resolved verdict, Exception cause) {
            super(cause.getMessage(), cause, false, false);
            this.verdict = verdict;
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
     * A resend carries reception DUPLICATE (already answered for, not counted again); {@code outcome}
     * is what processing on arrival decided, else null.
     */
    private record Assessed(EnvelopeAcceptor.Verdict verdict, ReceivingEvents.Reception reception,
                            InboundProcessor.Outcome outcome) {

        /** What the outcome counts as, null when the envelope was not processed on arrival. */
        ReceivingEvents.Processing processed() {
            return outcome == null ? null : InboundWorker.finished(outcome);
        }
    }

    /** The receiver's log word for how an envelope was answered: stored (for its resolved recipient) or as named. */
    private static String word(ReceivingEvents.Reception reception) {
        return reception == ReceivingEvents.Reception.RESOLVED ? "stored"
                : reception.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static long millisSince(long started) {
        return java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
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
