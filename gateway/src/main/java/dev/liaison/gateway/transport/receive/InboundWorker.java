package dev.liaison.gateway.transport.receive;

import dev.liaison.gateway.transport.BatchedDeletion;
import dev.liaison.gateway.transport.CommitDurability;
import dev.liaison.gateway.transport.EnvelopeId;
import dev.liaison.gateway.transport.Limits;
import dev.liaison.gateway.transport.QueueWakeup;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.DatabaseUnavailableException;
import dev.liaison.mapping.database.SqlStates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands stored envelopes to the {@link InboundProcessor}, one envelope per transaction, in a few
 * threads; processors in several processes share the table through {@code FOR UPDATE SKIP LOCKED}.
 *
 * <p>A processor failure is rolled back to a savepoint and counted in the same transaction, with
 * the row still locked, so no other thread can retry it before the failure is recorded. After
 * {@code maxFailures} failures the envelope is quarantined; it is never deleted unprocessed.
 * (A process crash in the middle counts no failure: the transaction simply never happened.)
 */
public final class InboundWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InboundWorker.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Database database;
    private final InboundStore store;
    private final InboundProcessor processor;
    private final UnresolvableCounter counter;
    private final ReceiverSettings settings;
    private final QueueWakeup wakeup;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
    private volatile Instant nextPrune = Instant.MIN;

    private InboundWorker(Database database, InboundProcessor processor, UnresolvableCounter counter,
                          ReceiverSettings settings) {
        this.database = database;
        this.store = new InboundStore(settings.clock());
        this.processor = processor;
        this.counter = counter;
        this.settings = settings;
        this.wakeup = QueueWakeup.listen(database, InboundStore.CHANNEL);
    }

    /** Starts {@code settings.processorThreads()} processing threads. */
    public static InboundWorker start(Database database, InboundProcessor processor, UnresolvableCounter counter,
                                      ReceiverSettings settings) {
        InboundWorker worker = new InboundWorker(database, processor, counter, settings);
        int instance = INSTANCES.incrementAndGet();
        for (int i = 1; i <= settings.processorThreads(); i++) {
            Thread t = new Thread(worker::run, "transport-inbound-" + instance + "-" + i);
            t.setDaemon(true);
            worker.threads.add(t);
            t.start();
        }
        return worker;
    }

    private void run() {
        while (running) {
            try {
                pruneWhenDue();
                if (!processOne()) {
                    wakeup.await(settings.pollInterval());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("Processing inbound envelopes failed ({}); retrying in {}", e.getMessage(),
                        settings.pollInterval());
                sleep();
            }
        }
    }

    /** Processes the next due envelope, if any; returns whether there was one. */
    boolean processOne() {
        long started = System.nanoTime();
        Optional<Processed> processed = database.inTransaction(c -> {
            CommitDurability.relax(c); // redone from the stored envelope after a crash; enqueueing restores it
            Optional<InboundEnvelope> next = store.lockNext(c);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(process(c, next.get()));
        });
        processed.ifPresent(p -> {
            if (p.outcome() == ReceivingEvents.Processing.UNRESOLVABLE) {
                counter.record(p.peer());
            }
            long nanos = System.nanoTime() - started;
            settings.events().processed(p.outcome(), nanos);
            if (p.result() != null) { // a failure was logged as such, with its attempt
                logProcessed(p.id(), p.attempt(), p.result(), nanos);
            }
        });
        return processed.isPresent();
    }

    private Processed process(Connection c, InboundEnvelope envelope) throws SQLException {
        Savepoint beforeProcessing = c.setSavepoint();
        InboundProcessor.Outcome outcome;
        try {
            outcome = processor.process(c, envelope);
        } catch (Exception e) {
            if (SqlStates.isTransient(e)) {
                // a full disk, a read-only or restarting database: not this envelope's fault, so it
                // must not count towards quarantine; the whole transaction rolls back and it is retried
                throw new DatabaseUnavailableException("processing inbound envelope " + envelope.id()
                        + " must wait for the database: " + e.getMessage(), e);
            }
            c.rollback(beforeProcessing);
            boolean quarantined = recordFailure(c, envelope, e);
            return new Processed(envelope.peer(), quarantined ? ReceivingEvents.Processing.QUARANTINED
                    : ReceivingEvents.Processing.FAILED, envelope.id(), envelope.attempt(), null);
        }
        store.finish(c, envelope.id(), outcome);
        return new Processed(envelope.peer(), finished(outcome), envelope.id(), envelope.attempt(), outcome);
    }

    /** What a recorded outcome counts as (for the worker and the intake alike). */
    static ReceivingEvents.Processing finished(InboundProcessor.Outcome outcome) {
        if (outcome instanceof InboundProcessor.Quarantine) {
            return ReceivingEvents.Processing.QUARANTINED;
        }
        return outcome instanceof InboundProcessor.Unresolvable
                ? ReceivingEvents.Processing.UNRESOLVABLE : ReceivingEvents.Processing.DONE;
    }

    /**
     * The receiver's one line per envelope processed, after its transaction committed (by the worker
     * and the intake alike): the envelope id the sender's {@code delivery} line names, the attempt,
     * the outcome and the processor's fixed reason. Nothing of the envelope, its peer or its owner.
     */
    static void logProcessed(EnvelopeId id, int attempt, InboundProcessor.Outcome outcome, long nanos) {
        long millis = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(nanos);
        if (outcome instanceof InboundProcessor.Quarantine q) {
            LOG.warn("processed envelope={} attempt={} outcome=quarantined reason=\"{}\" ms={}; kept for the"
                    + " administrator (liaison quarantine)", id, attempt, q.reason(), millis);
            return;
        }
        InboundProcessor.Done done = outcome instanceof InboundProcessor.Done d ? d : null;
        String word = done == null ? "unresolvable" : done.disposition().name().toLowerCase(java.util.Locale.ROOT);
        String reason = done == null || done.reason().isEmpty() ? "" : " reason=\"" + done.reason() + "\"";
        LOG.info("processed envelope={} attempt={} outcome={}{} ms={}", id, attempt, word, reason, millis);
    }

    /** Returns whether the envelope is now quarantined. */
    private boolean recordFailure(Connection c, InboundEnvelope envelope, Exception e) throws SQLException {
        String error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        boolean quarantined = store.recordFailure(c, envelope.id(), error, settings.maxProcessingAttempts(),
                Limits.PROCESSING_RETRY);
        if (quarantined) {
            LOG.error("Inbound envelope {} quarantined after {} failed attempts (last: {}); it is kept for the"
                    + " administrator", envelope.id(), envelope.attempt(), error, e);
        } else {
            LOG.warn("Processing inbound envelope {} failed (attempt {}): {}", envelope.id(), envelope.attempt(), error);
        }
        return quarantined;
    }

    /**
     * Deletes processed ids past their retention ({@link BatchedDeletion}, as the delivery worker
     * prunes its queue): a long history is worked off a pass per poll interval between envelopes, not
     * in one long delete.
     */
    private void pruneWhenDue() {
        Instant now = settings.clock().instant();
        if (now.isBefore(nextPrune)) {
            return;
        }
        nextPrune = now.plus(BatchedDeletion.PASS_INTERVAL); // also when the pass fails: not tried again on every loop
        BatchedDeletion.Pass pass = BatchedDeletion.run(database,
                (c, max) -> store.prune(c, Limits.DEDUPLICATION_RETENTION, max), () -> running);
        nextPrune = now.plus(pass.more() ? settings.pollInterval() : BatchedDeletion.PASS_INTERVAL);
        if (pass.deleted() > 0) {
            LOG.info("Forgot {} processed inbound envelope ids older than {}", pass.deleted(),
                    Limits.DEDUPLICATION_RETENTION);
        }
    }

    private void sleep() {
        try {
            Thread.sleep(settings.pollInterval().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        wakeup.close();
    }

    /** {@code result} is null when the processor failed (logged as such when it was recorded). */
    private record Processed(PeerAddress peer, ReceivingEvents.Processing outcome, EnvelopeId id, int attempt,
                             InboundProcessor.Outcome result) {
    }
}
