package dev.liaison.gateway.transport.send;

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
 * <p>Crash safety: a worker that dies after the POST but before recording it leaves the row
 * leased; when the lease ends another worker sends the same envelope id again and the receiver
 * deduplicates. Nothing is lost, nothing is delivered twice.
 */
public final class DeliveryWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryWorker.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

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
        while (running) {
            try {
                sweepExpired();
                if (dispatchDue() == 0) {
                    wakeup.await(settings.pollInterval());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("Claiming outbound envelopes failed ({}); retrying in {}", e.getMessage(), settings.pollInterval());
                pauseQuietly();
            }
        }
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

    private void deliver(ClaimedEnvelope envelope) {
        try {
            long started = System.nanoTime();
            DeliveryOutcome outcome = courier.deliver(envelope);
            long nanos = System.nanoTime() - started;
            record(envelope, outcome, nanos);
            settings.events().attempted(envelope.destination().getHost(), outcome, nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down: the lease ends and another worker resends
        } catch (RuntimeException e) {
            LOG.warn("Recording the delivery of envelope {} failed ({}); it will be resent when its lease ends",
                    envelope.id(), e.getMessage());
        } finally {
            slots.release(envelope.destination().toString());
            threads.release();
            wakeup.signal();
        }
    }

    /**
     * Records the outcome, then logs one line per attempt as {@code key=value} pairs (envelope id,
     * destination host, attempt, outcome; never a user, a relationship or a full URL).
     */
    private void record(ClaimedEnvelope envelope, DeliveryOutcome outcome, long nanos) {
        String host = envelope.destination().getHost();
        long millis = nanos / 1_000_000;
        if (outcome instanceof DeliveryOutcome.Delivered delivered) {
            database.inTransaction(c -> {
                CommitDurability.relax(c); // a lost record only means a resend the receiver drops
                queue.markDelivered(c, envelope);
                return null;
            });
            LOG.info("delivery envelope={} host={} attempt={} outcome=delivered status={} ms={}", envelope.id(), host,
                    envelope.attempt(), delivered.status(), millis);
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
        } else if (outcome instanceof DeliveryOutcome.Rejected rejected) {
            database.inTransaction(c -> {
                var undeliverable = queue.reject(c, envelope, rejected.reason());
                if (undeliverable.isPresent()) {
                    expiryListener.undeliverable(c, undeliverable.get());
                }
                return undeliverable;
            });
            LOG.warn("delivery envelope={} host={} attempt={} outcome=rejected reason=\"{}\" ms={};"
                    + " refused by the receiver, the sender is told", envelope.id(), host, envelope.attempt(),
                    rejected.reason(), millis);
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
                List<UndeliverableEnvelope> due = queue.expireDue(c, Limits.CLAIM_BATCH);
                for (UndeliverableEnvelope envelope : due) {
                    expiryListener.undeliverable(c, envelope);
                }
                return due.size();
            });
            if (expired > 0) {
                LOG.warn("{} outbound envelopes expired undelivered after {}; their senders are told", expired,
                        settings.expiry());
            }
        } while (expired == Limits.CLAIM_BATCH && running);
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
