package dev.liaison.gateway.transport.send;

import dev.liaison.gateway.transport.BatchedDeletion;
import dev.liaison.gateway.transport.CommitDurability;
import dev.liaison.gateway.transport.Limits;
import dev.liaison.gateway.transport.QueueWakeup;
import dev.liaison.mapping.database.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sending service's delivery loop in one process: a dispatcher thread claims due envelopes
 * (woken by NOTIFY on commit, a freed slot, or the poll interval), a pool of delivery threads
 * hands them to the {@link Courier} (the relay POSTs, legacy email speaks SMTP) with no
 * transaction open, and each outcome is recorded in its own short
 * transaction. Any number of workers, in any number of processes, may share one database.
 *
 * <p>A delivery thread keeps its destination's slot while that destination has due envelopes: it
 * records one delivery and leases the destination's next envelope in the same transaction
 * ({@link OutboundQueue#claimNext}), up to {@link #MAX_CHAIN} in a row. So under load the
 * dispatcher is not woken by every enqueue only to find the destination busy. Enqueueing names the
 * destination in its NOTIFY; the dispatcher then leases that destination's next envelope by index
 * (or passes it over while its slots are all in use) rather than claiming over the whole queue,
 * which it does only after a signal or the poll interval.
 *
 * <p>Crash safety: a worker that dies after the POST but before recording it leaves the row
 * leased; when the lease ends another worker sends the same envelope id again and the receiver
 * deduplicates. Nothing is lost, nothing is delivered twice.
 */
public final class DeliveryWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryWorker.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** Deliveries one thread makes in a row to one destination before it gives the dispatcher a turn (fairness). */
    static final int MAX_CHAIN = 64;
    /** How often finished rows older than {@link Limits#DEDUPLICATION_RETENTION} are deleted. */

    private final Database database;
    private final DeliverySettings settings;
    private final OutboundQueue queue;
    private final Courier courier;
    private final ExpiryListener expiryListener;
    private final DestinationSlots slots;
    private final Semaphore threads;
    private final ExecutorService pool;
    private final QueueWakeup wakeup;
    private final Thread dispatcher;
    private volatile boolean running = true;
    private Instant nextExpirySweep = Instant.MIN;
    private Instant nextPrune = Instant.MIN;

    private DeliveryWorker(Database database, DeliverySettings settings, QueueTable table, Courier courier,
                           ExpiryListener listener) {
        this.database = database;
        this.settings = settings;
        this.queue = new OutboundQueue(settings, table);
        this.courier = courier;
        this.expiryListener = listener;
        this.slots = new DestinationSlots(settings.destinationConcurrency());
        this.threads = new Semaphore(settings.deliveryThreads());
        int instance = INSTANCES.incrementAndGet();
        AtomicInteger threadNumber = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(settings.deliveryThreads(), r -> daemon(r,
                table.label() + "-deliver-" + instance + "-" + threadNumber.incrementAndGet()));
        this.wakeup = QueueWakeup.listen(database, table.channel());
        this.dispatcher = daemon(this::dispatch, table.label() + "-dispatch-" + instance);
    }

    /** Starts delivering the relay's queue; the transport schema must be migrated. */
    public static DeliveryWorker start(Database database, DeliverySettings settings, Courier courier,
                                       ExpiryListener listener) {
        return start(database, settings, QueueTable.TRANSPORT, courier, listener);
    }

    /** Starts delivering the queue in {@code table}; its schema must be migrated. */
    public static DeliveryWorker start(Database database, DeliverySettings settings, QueueTable table, Courier courier,
                                       ExpiryListener listener) {
        DeliveryWorker worker = new DeliveryWorker(database, settings, table, courier, listener);
        int released = database.inTransaction(worker.queue::releaseOwnClaims);
        if (released > 0) {
            LOG.info("Took back {} envelope(s) of {} this node had claimed when it stopped", released, table.name());
        }
        worker.dispatcher.start();
        LOG.info("Delivery worker for {} started ({} threads, {} per destination, expiry {})", table.name(),
                settings.deliveryThreads(), settings.destinationConcurrency(), settings.expiry());
        return worker;
    }

    private void dispatch() {
        QueueWakeup.Wake wake = QueueWakeup.Wake.EVERYTHING;
        while (running) {
            try {
                housekeeping();
                int dispatched = wake.everything() ? dispatchDue() : dispatchNotified(wake.topics());
                if (dispatched == 0) {
                    wake = wakeup.awaitWake(settings.pollInterval());
                } // else there may be more: look again the same way
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("Claiming outbound envelopes failed ({}); retrying in {}", e.getMessage(), settings.pollInterval());
                pauseQuietly();
            }
        }
    }

    /**
     * After notifications that name destinations: leases each one's next envelope by index, not by
     * a claim over the whole queue. A destination whose slots are all taken is passed over: the
     * threads holding them take its envelopes next, and signal when they run out.
     */
    private int dispatchNotified(Set<String> destinations) {
        int dispatched = 0;
        for (String destination : destinations) {
            if (threads.availablePermits() == 0) {
                break;
            }
            if (!slots.tryAcquire(destination)) {
                continue;
            }
            Optional<ClaimedEnvelope> next;
            try {
                next = database.inAutocommit(c -> queue.claimNextOnItsOwn(c, destination, settings.lease()));
            } catch (RuntimeException e) {
                slots.release(destination);
                throw e;
            }
            if (next.isEmpty()) {
                slots.release(destination);
                continue;
            }
            threads.acquireUninterruptibly(); // only this thread acquires: a permit seen above is there
            pool.execute(() -> deliver(next.get()));
            dispatched++;
        }
        return dispatched;
    }

    private int dispatchDue() {
        int free = threads.availablePermits();
        if (free == 0) {
            return 0;
        }
        List<ClaimedEnvelope> claimed = claim(Math.min(free, Limits.CLAIM_BATCH));
        for (ClaimedEnvelope envelope : claimed) {
            threads.acquireUninterruptibly(); // only this thread acquires: a permit counted above is there
            pool.execute(() -> deliver(envelope));
        }
        return claimed.size();
    }

    private List<ClaimedEnvelope> claim(int max) {
        List<String> acquired = new ArrayList<>();
        try {
            return database.inTransaction(c -> {
                CommitDurability.relax(c); // a lost lease only means a resend (see CommitDurability)
                List<Long> chosen = new ArrayList<>();
                for (OutboundQueue.Candidate due : queue.lockDue(c, max, slots.saturated())) {
                    if (slots.tryAcquire(due.destination())) {
                        acquired.add(due.destination());
                        chosen.add(due.row());
                    }
                }
                return queue.lease(c, chosen, settings.lease());
            });
        } catch (RuntimeException e) {
            acquired.forEach(slots::release);
            throw e;
        }
    }

    /** Delivers {@code first}, then the destination's next due envelopes while it takes them (see the class comment). */
    private void deliver(ClaimedEnvelope first) {
        String destination = first.destination().toString();
        Optional<ClaimedEnvelope> next = Optional.of(first);
        try {
            for (int n = 1; next.isPresent(); n++) {
                ClaimedEnvelope envelope = next.get();
                next = Optional.empty();
                try {
                    long started = System.nanoTime();
                    DeliveryOutcome outcome = courier.deliver(envelope);
                    long nanos = System.nanoTime() - started;
                    next = record(envelope, outcome, nanos, running && n < MAX_CHAIN);
                    settings.events().attempted(envelope.destination().getHost(), outcome, nanos);
                } catch (RuntimeException e) {
                    LOG.warn("Recording the delivery of envelope {} failed ({}); it will be resent when its lease ends",
                            envelope.id(), e.getMessage());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down: the lease ends and another worker resends
        } finally {
            slots.release(destination);
            threads.release();
            wakeup.signal();
        }
    }

    /**
     * Records the outcome, then logs one line per attempt as {@code key=value} pairs (envelope id,
     * destination host, attempt, outcome; never a user, a relationship or a full URL). When the
     * receiver took the envelope (or refused it for good) and {@code takeNext}, leases the
     * destination's next due envelope in the same transaction; never after a retry, which says the
     * receiver is not taking anything now.
     */
    private Optional<ClaimedEnvelope> record(ClaimedEnvelope envelope, DeliveryOutcome outcome, long nanos,
                                             boolean takeNext) {
        String host = envelope.destination().getHost();
        String destination = envelope.destination().toString();
        long millis = nanos / 1_000_000;
        if (outcome instanceof DeliveryOutcome.Delivered delivered) {
            // one statement, one round trip: the record and the next lease, committed relaxed
            Optional<ClaimedEnvelope> next = database.inAutocommit(c -> queue.recordDeliveredOnItsOwn(c, envelope,
                    takeNext ? Optional.of(settings.lease()) : Optional.empty()));
            LOG.info("delivery envelope={} host={} attempt={} outcome=delivered status={} ms={}", envelope.id(), host,
                    envelope.attempt(), delivered.status(), millis);
            return next;
        } else if (outcome instanceof DeliveryOutcome.Retry retry) {
            Duration delay = settings.backoff().delayAfter(envelope.attempt());
            Duration wait = retry.retryAfter().compareTo(delay) > 0 ? retry.retryAfter() : delay;
            database.inTransaction(c -> {
                CommitDurability.relax(c); // lost, the envelope is only tried again sooner
                queue.scheduleRetry(c, envelope, wait, retry.reason());
                return null;
            });
            LOG.info("delivery envelope={} host={} attempt={} outcome=retry reason=\"{}\" next_s={} ms={}", envelope.id(),
                    host, envelope.attempt(), retry.reason(), wait.toSeconds(), millis);
            return Optional.empty();
        } else if (outcome instanceof DeliveryOutcome.Rejected rejected) {
            Optional<ClaimedEnvelope> next = database.inTransaction(c -> {
                var undeliverable = queue.reject(c, envelope, rejected.reason());
                if (undeliverable.isPresent()) {
                    expiryListener.undeliverable(c, undeliverable.get());
                }
                return takeNext ? queue.claimNext(c, destination, settings.lease()) : Optional.<ClaimedEnvelope>empty();
            });
            LOG.warn("delivery envelope={} host={} attempt={} outcome=rejected reason=\"{}\" ms={};"
                    + " refused by the receiver, the sender is told", envelope.id(), host, envelope.attempt(),
                    rejected.reason(), millis);
            return next;
        }
        return Optional.empty();
    }

    /**
     * The expiry sweep and the prune, each on its own schedule. A failure of either is logged and
     * dispatching goes on: one expired envelope whose notice cannot be filed must not stop every
     * delivery (it did: the failed sweep was due again after the pause, and threw again, before
     * anything was dispatched). Each is tried again on its next turn.
     */
    private void housekeeping() {
        try {
            sweepExpired();
        } catch (RuntimeException e) {
            LOG.warn("Expiring outbound envelopes of {} failed ({}); deliveries go on, the sweep runs again in {}",
                    queue.table().name(), e.getMessage(), settings.pollInterval());
        }
        try {
            pruneWhenDue();
        } catch (RuntimeException e) {
            LOG.warn("Forgetting finished envelopes of {} failed ({}); deliveries go on, tried again in {}",
                    queue.table().name(), e.getMessage(), BatchedDeletion.PASS_INTERVAL);
        }
    }

    private void sweepExpired() {
        Instant now = settings.clock().instant();
        if (now.isBefore(nextExpirySweep)) {
            return;
        }
        nextExpirySweep = now.plus(settings.pollInterval());
        int expired;
        do {
            expired = database.inTransaction(c -> {
                List<UndeliverableEnvelope> due = queue.expireDue(c, Limits.EXPIRY_BATCH);
                for (UndeliverableEnvelope envelope : due) {
                    expiryListener.undeliverable(c, envelope);
                }
                return due.size();
            });
            if (expired > 0) {
                LOG.warn("{} outbound envelopes expired undelivered after {}; their senders are told", expired,
                        settings.expiry());
            }
        } while (expired == Limits.EXPIRY_BATCH && running);
    }

    /**
     * Deletes finished rows past their retention ({@link BatchedDeletion}): the queue keeps no history
     * forever, and a long history (the first pass after an upgrade) is worked off between dispatches,
     * a pass per poll interval, instead of holding up dispatching until it is gone.
     */
    private void pruneWhenDue() {
        Instant now = settings.clock().instant();
        if (now.isBefore(nextPrune)) {
            return;
        }
        nextPrune = now.plus(BatchedDeletion.PASS_INTERVAL); // also when the pass fails: not tried again on every loop
        BatchedDeletion.Pass pass = BatchedDeletion.run(database,
                (c, max) -> queue.prune(c, Limits.DEDUPLICATION_RETENTION, max), () -> running);
        nextPrune = now.plus(pass.more() ? settings.pollInterval() : BatchedDeletion.PASS_INTERVAL);
        if (pass.deleted() > 0) {
            LOG.info("Forgot {} finished envelopes of {} older than {}", pass.deleted(), queue.table().name(),
                    Limits.DEDUPLICATION_RETENTION);
        }
    }

    /** Makes the dispatcher look for due envelopes now (e.g. after a test moved the clock). */
    public void wake() {
        wakeup.signal();
    }

    private void pauseQuietly() {
        try {
            Thread.sleep(settings.pollInterval().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Stops claiming, lets POSTs in flight finish briefly, then interrupts them (their leases run out). */
    @Override
    public void close() {
        running = false;
        dispatcher.interrupt();
        try {
            dispatcher.join(TimeUnit.SECONDS.toMillis(5));
            pool.shutdown();
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            wakeup.close();
        }
        LOG.info("Delivery worker stopped");
    }
}
