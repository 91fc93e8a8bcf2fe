package dev.liaison.gateway.transport.send;

import dev.liaison.gateway.transport.EnvelopeBytes;
import dev.liaison.gateway.transport.EnvelopeId;
import dev.liaison.gateway.transport.Limits;
import dev.liaison.gateway.transport.TestClock;
import dev.liaison.gateway.transport.TestTls;
import dev.liaison.gateway.transport.TransportSchema;
import dev.liaison.gateway.transport.receive.RecordingRelay;
import dev.liaison.gateway.transport.receive.ReceiverSettings;
import dev.liaison.gateway.transport.receive.ReceivingService;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.PoolSettings;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sending service end to end: the outbound queue in one PostgreSQL database, delivery
 * workers POSTing over real loopback sockets to a real receiving service with its own database.
 */
@ParameterizedClass
@MethodSource("dev.liaison.mapping.database.TestPostgres#available")
class DeliveryTest {

    private static final Duration BASE = Duration.ofSeconds(10);

    @Parameter
    TestPostgres postgres;

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock();
    private final Deque<AutoCloseable> open = new ArrayDeque<>();
    private final List<UndeliverableEnvelope> undeliverable = new CopyOnWriteArrayList<>();
    private final RecordingRelay relay = new RecordingRelay();
    private Database senderDb;
    private Database receiverDb;
    private TestTls tls;
    private DeliverySettings settings;
    private OutboundQueue queue;

    @BeforeEach
    void prepare() throws Exception {
        senderDb = opened(postgres.freshDatabase());
        senderDb.migrate(TransportSchema.SCHEMA);
        receiverDb = opened(postgres.freshDatabase());
        receiverDb.migrate(TransportSchema.SCHEMA);
        tls = TestTls.generate(dir);
        settings = DeliverySettings.defaults().withClock(clock).withBackoff(new Backoff(BASE, Duration.ofMinutes(5)))
                .withPollInterval(Duration.ofMillis(50));
        queue = new OutboundQueue(settings);
    }

    @AfterEach
    void closeAll() throws Exception {
        while (!open.isEmpty()) {
            open.pop().close();
        }
    }

    @Test
    void enqueuedEnvelopeTravelsToTheReceiverAndIsStoredByteForByte() throws Exception {
        ReceivingService receiver = receiver(0);
        startWorker(senderDb, settings);
        byte[] body = body('R', 5000);
        EnvelopeId id = enqueue(endpoint(receiver.port()), body);
        waitUntil(() -> relay.processed.size() == 1);
        assertEquals(id, relay.processed.get(0).id());
        assertArrayEquals(body, relay.processed.get(0).envelope().toByteArray());
        waitUntil(() -> status(id).state() == OutboundStatus.State.DELIVERED);
        assertEquals(1, status(id).attempts());
    }

    /** The worker deletes a finished row once it is older than the retention (hourly, on its own). */
    @Test
    void aDeliveredEnvelopesRowIsForgottenByTheWorkerAfterTheRetention() throws Exception {
        ReceivingService receiver = receiver(0);
        DeliveryWorker worker = startWorker(senderDb, settings);
        EnvelopeId id = enqueue(endpoint(receiver.port()), body('R', 100));
        waitUntil(() -> status(id).state() == OutboundStatus.State.DELIVERED);
        clock.advance(Limits.DEDUPLICATION_RETENTION.plusHours(2));
        worker.wake();
        waitUntil(() -> senderDb.inTransaction(c -> queue.status(c, id)).isEmpty());
    }

    @Test
    void enqueueRolledBackWithTheCallersTransactionSendsNothing() throws Exception {
        CountingReceiver receiver = opened(new CountingReceiver(false));
        startWorker(senderDb, settings);
        EnvelopeId id = EnvelopeId.random();
        assertThrows(IllegalStateException.class, () -> senderDb.inTransaction(c -> {
            queue.enqueue(c, new OutboundEnvelope(id, receiver.endpoint(), EnvelopeBytes.copyOf(body('R', 10))));
            throw new IllegalStateException("the ratchet advance failed");
        }));
        EnvelopeId control = enqueue(receiver.endpoint(), body('R', 10));
        waitUntil(() -> status(control).state() == OutboundStatus.State.DELIVERED);
        assertEquals(1, receiver.totalPosts());
        assertFalse(senderDb.inTransaction(c -> queue.status(c, id)).isPresent());
    }

    @Test
    void aRestartedNodeTakesBackItsOwnClaimsAtOnceButNotAnotherNodes() throws Exception {
        CountingReceiver receiver = opened(new CountingReceiver(false));
        DeliverySettings crashed = settings.withNode("node-a");
        EnvelopeId own = enqueue(receiver.endpoint(), body('R', 10));
        EnvelopeId others = enqueue(receiver.endpoint(), body('R', 10));
        // node-a claimed `own` and node-b claimed `others`, then both died: their leases run for minutes
        claim(new OutboundQueue(crashed), own);
        claim(new OutboundQueue(settings.withNode("node-b")), others);

        startWorker(senderDb, crashed); // node-a again
        waitUntil(() -> status(own).state() == OutboundStatus.State.DELIVERED);
        assertEquals(OutboundStatus.State.PENDING, status(others).state(), "node-b may still be alive: its claim holds");
        assertEquals(1, receiver.totalPosts());
    }

    @Test
    void anEnqueueInThisProcessWakesItsWorkerAtOnceNotAtTheNextPoll() throws Exception {
        CountingReceiver receiver = opened(new CountingReceiver(false));
        startWorker(senderDb, settings.withPollInterval(Duration.ofHours(1)));
        Thread.sleep(300); // the worker's first look (at start) is over: from now on only a wake-up helps
        EnvelopeId id = enqueue(receiver.endpoint(), body('R', 10));
        waitUntil(() -> status(id).state() == OutboundStatus.State.DELIVERED);
        assertEquals(1, receiver.totalPosts());
    }

    @Test
    void aBusyDestinationsBacklogIsDeliveredOnceEachInOrderByTheThreadsHoldingItsSlot() throws Exception {
        CountingReceiver receiver = opened(new CountingReceiver(false));
        List<String> queued = new ArrayList<>();
        for (int i = 0; i < DeliveryWorker.MAX_CHAIN * 2 + 10; i++) { // past the chain limit: the dispatcher takes over
            queued.add(enqueue(receiver.endpoint(), body('R', 10)).value());
            clock.advance(Duration.ofMillis(1)); // distinct due times, so the order is defined
        }
        startWorker(senderDb, settings.withConcurrency(1, 1));
        waitUntil(() -> receiver.totalPosts() == queued.size()
                && count(senderDb, "SELECT count(*) FROM transport.outbound WHERE state = 'delivered'") == queued.size());
        assertEquals(queued, receiver.order, "one slot for the destination: its envelopes go in queue order, once each");
    }

    /** Claims the one envelope {@code id} the way a worker does, and leaves it claimed. */
    private void claim(OutboundQueue by, EnvelopeId id) {
        long row = count(senderDb, "SELECT id FROM transport.outbound WHERE envelope_id = '" + id.value() + "'");
        senderDb.inTransaction(c -> by.lease(c, java.util.List.of(row), settings.lease()));
    }

    @Test
    void enqueueingAnIdTwiceQueuesItOnce() {
        EnvelopeId id = EnvelopeId.random();
        var envelope = new OutboundEnvelope(id, URI.create("https://127.0.0.1:9/communicator/v1/envelopes"),
                EnvelopeBytes.copyOf(body('R', 10)));
        boolean first = senderDb.inTransaction(c -> queue.enqueue(c, envelope));
        boolean second = senderDb.inTransaction(c -> queue.enqueue(c, envelope));
        assertTrue(first);
        assertFalse(second);
        assertEquals(1, count(senderDb, "SELECT count(*) FROM transport.outbound"));
    }

    @Test
    void receiverDownIsRetriedWithJitteredBackoffAndDeliveredWhenItReturns() throws Exception {
        int port = freePort();
        DeliveryWorker worker = startWorker(senderDb, settings);
        Instant first = clock.instant();
        EnvelopeId id = enqueue(endpoint(port), body('R', 300));
        waitUntil(() -> status(id).attempts() == 1 && !status(id).lastError().isEmpty());
        OutboundStatus failed = status(id);
        assertEquals(OutboundStatus.State.PENDING, failed.state());
        assertTrue(failed.lastError().startsWith("cannot connect") || failed.lastError().startsWith("I/O"),
                failed.lastError());
        assertFalse(failed.nextAttemptAt().isBefore(first.plus(BASE.dividedBy(2))), "waits at least half the base");
        assertFalse(failed.nextAttemptAt().isAfter(first.plus(BASE)), "waits at most the base after one failure");

        clock.advance(BASE);
        worker.wake();
        waitUntil(() -> status(id).attempts() == 2 && status(id).nextAttemptAt().isAfter(clock.instant()));
        assertEquals(OutboundStatus.State.PENDING, status(id).state());
        Duration secondWait = Duration.between(clock.instant(), status(id).nextAttemptAt());
        assertTrue(secondWait.compareTo(BASE) >= 0 && secondWait.compareTo(BASE.multipliedBy(2)) <= 0,
                "second wait " + secondWait + " is within [base, 2·base]");

        receiver(port);
        clock.advance(BASE.multipliedBy(2));
        worker.wake();
        waitUntil(() -> status(id).state() == OutboundStatus.State.DELIVERED);
        assertEquals(3, status(id).attempts());
        // Processing follows the 202 asynchronously: wait for it rather than race it.
        waitUntil(() -> relay.processed.size() == 1);
    }

    @Test
    void twoWorkersOnOneDatabaseDeliverEveryEnvelopeExactlyOnce() throws Exception {
        CountingReceiver receiver = opened(new CountingReceiver(false));
        var location = postgres.freshLocation();
        Database first = opened(Database.open(location, new PoolSettings("node-a", 6, Duration.ofSeconds(10))));
        Database second = opened(Database.open(location, new PoolSettings("node-b", 6, Duration.ofSeconds(10))));
        first.migrate(TransportSchema.SCHEMA);
        DeliverySettings fast = settings.withConcurrency(4, 8);
        startWorker(first, fast);
        startWorker(second, fast);
        OutboundQueue sharedQueue = new OutboundQueue(fast);
        List<EnvelopeId> ids = new ArrayList<>();
        for (int batch = 0; batch < 20; batch++) {
            Database via = batch % 2 == 0 ? first : second;
            List<EnvelopeId> batchIds = via.inTransaction(c -> {
                List<EnvelopeId> added = new ArrayList<>();
                for (int i = 0; i < 15; i++) {
                    EnvelopeId id = EnvelopeId.random();
                    sharedQueue.enqueue(c, new OutboundEnvelope(id, receiver.endpoint(), EnvelopeBytes.copyOf(body('R', 64))));
                    added.add(id);
                }
                return added;
            });
            ids.addAll(batchIds);
        }
        waitUntil(() -> receiver.totalPosts() >= ids.size()
                && delivered(first) == ids.size());
        Thread.sleep(200); // a double send would show up now
        assertEquals(ids.size(), receiver.posts.size());
        for (EnvelopeId id : ids) {
            assertEquals(1, receiver.posts.get(id.value()).get(), "POSTs of " + id);
        }
        assertEquals(ids.size(), receiver.totalPosts());
    }

    @Test
    void perDestinationConcurrencyLimitHoldsWhileOtherDestinationsFlow() throws Exception {
        CountingReceiver slow = opened(new CountingReceiver(true));
        CountingReceiver other = opened(new CountingReceiver(true));
        startWorker(senderDb, settings.withConcurrency(2, 8));
        for (int i = 0; i < 10; i++) {
            enqueue(slow.endpoint(), body('R', 32));
        }
        for (int i = 0; i < 3; i++) {
            enqueue(other.endpoint(), body('R', 32));
        }
        waitUntil(() -> slow.inFlight.get() == 2 && other.inFlight.get() == 2);
        Thread.sleep(300); // time for a third POST to either, if the limit leaked
        assertEquals(2, slow.maxInFlight.get());
        assertEquals(2, other.maxInFlight.get());
        slow.release(100);
        other.release(100);
        waitUntil(() -> slow.totalPosts() == 10 && other.totalPosts() == 3 && delivered(senderDb) == 13);
        assertEquals(2, slow.maxInFlight.get());
    }

    @Test
    void workerKilledBetweenPostAndRecordingResendsTheSameIdAndTheReceiverDeduplicates() throws Exception {
        ReceivingService receiver = receiver(0);
        EnvelopeId id = enqueue(endpoint(receiver.port()), body('R', 700));
        EnvelopePoster poster = new EnvelopePoster(tls.clientContext());
        List<ClaimedEnvelope> claimed = senderDb.inTransaction(c -> queue.lease(c,
                queue.lockDue(c, 10, List.of()).stream().map(OutboundQueue.Candidate::row).toList(), settings.lease()));
        assertEquals(1, claimed.size());
        assertTrue(poster.post(claimed.get(0)) instanceof DeliveryOutcome.Delivered);
        assertThrows(IllegalStateException.class, () -> senderDb.inTransaction(c -> {
            queue.markDelivered(c, claimed.get(0));
            throw new IllegalStateException("process killed before commit");
        }));
        assertEquals(OutboundStatus.State.PENDING, status(id).state());

        DeliveryWorker worker = startWorker(senderDb, settings);
        Thread.sleep(200);
        assertEquals(OutboundStatus.State.PENDING, status(id).state(), "leased rows are not taken before the lease ends");
        clock.advance(settings.lease().plusSeconds(1));
        worker.wake();
        waitUntil(() -> status(id).state() == OutboundStatus.State.DELIVERED);
        assertEquals(2, status(id).attempts(), "sent twice");
        assertEquals(2, relay.assessed.get(), "assessed each time it arrived");
        waitUntil(() -> relay.processed.size() == 1);
        assertEquals(1, inboundRows(), "but stored once");
        Thread.sleep(300);
        assertEquals(1, relay.processed.size(), "and processed once");
    }

    @Test
    void expiredEnvelopeIsReportedOnceAndNeverRetried() throws Exception {
        DeliveryWorker worker = startWorker(senderDb, settings.withExpiry(Duration.ofHours(1)));
        OutboundQueue expiring = new OutboundQueue(settings.withExpiry(Duration.ofHours(1)));
        EnvelopeId id = EnvelopeId.random();
        byte[] body = body('R', 90);
        senderDb.inTransaction(c -> expiring.enqueue(c, new OutboundEnvelope(id, endpoint(freePort()),
                EnvelopeBytes.copyOf(body))));
        waitUntil(() -> status(id).attempts() == 1 && !status(id).lastError().isEmpty());
        Instant enqueued = clock.instant();

        clock.advance(Duration.ofMinutes(61));
        worker.wake();
        waitUntil(() -> undeliverable.size() == 1 && status(id).state() == OutboundStatus.State.EXPIRED);
        UndeliverableEnvelope reported = undeliverable.get(0);
        assertEquals(id, reported.id());
        assertEquals(UndeliverableEnvelope.Reason.EXPIRED, reported.reason());
        assertArrayEquals(body, reported.envelope().toByteArray());
        assertEquals(enqueued.toEpochMilli() / 1000, reported.enqueuedAt().toEpochMilli() / 1000);
        assertFalse(reported.lastError().isEmpty());
        assertEquals(OutboundStatus.State.EXPIRED, status(id).state());

        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofHours(1));
            worker.wake();
            Thread.sleep(150);
        }
        assertEquals(1, undeliverable.size());
        assertEquals(1, status(id).attempts(), "no attempt after expiry");
    }

    /**
     * An expired envelope whose failure notice cannot be filed (the listener throws every time) stays
     * pending and is tried again; meanwhile everything else is still delivered. The clock moves on
     * by itself here, as a real one does, so the failed sweep is due again on every pass.
     */
    @Test
    void anExpiryThatCannotBeReportedDoesNotStopOtherDeliveries() throws Exception {
        DeliverySettings expiring = settings.withExpiry(Duration.ofHours(1));
        opened(DeliveryWorker.start(senderDb, expiring, new EnvelopePoster(tls.clientContext()), (c, e) -> {
            throw new IllegalStateException("the notice store is broken");
        }));
        OutboundQueue queue = new OutboundQueue(expiring);
        EnvelopeId stuck = EnvelopeId.random();
        senderDb.inTransaction(c -> queue.enqueue(c, new OutboundEnvelope(stuck, endpoint(freePort()),
                EnvelopeBytes.copyOf(body('S', 40)))));
        waitUntil(() -> status(stuck).attempts() == 1 && !status(stuck).lastError().isEmpty());
        clock.advance(Duration.ofMinutes(61));
        Thread ticking = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                clock.advance(Duration.ofMillis(100));
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        ticking.start();
        try {
            ReceivingService receiver = receiver(0);
            EnvelopeId other = EnvelopeId.random();
            senderDb.inTransaction(c -> queue.enqueue(c, new OutboundEnvelope(other, endpoint(receiver.port()),
                    EnvelopeBytes.copyOf(body('R', 40)))));
            waitUntil(() -> status(other).state() == OutboundStatus.State.DELIVERED);
            assertEquals(OutboundStatus.State.PENDING, status(stuck).state(), "the sweep's failure rolled its expiry back");
        } finally {
            ticking.interrupt();
            ticking.join();
        }
    }

    @Test
    void envelopeRefusedAsMalformedIsReportedAndNotRetried() throws Exception {
        ReceivingService receiver = receiver(0);
        DeliveryWorker worker = startWorker(senderDb, settings);
        EnvelopeId id = enqueue(endpoint(receiver.port()), body('M', 40));
        // the listener is told inside the transaction that records the refusal: wait for its commit too
        waitUntil(() -> undeliverable.size() == 1 && status(id).state() == OutboundStatus.State.REJECTED);
        assertEquals(UndeliverableEnvelope.Reason.REJECTED, undeliverable.get(0).reason());
        assertEquals("HTTP 400", undeliverable.get(0).lastError());
        assertEquals(OutboundStatus.State.REJECTED, status(id).state());
        clock.advance(Duration.ofHours(1));
        worker.wake();
        Thread.sleep(150);
        assertEquals(1, status(id).attempts());
        assertEquals(1, undeliverable.size());
    }

    // --- helpers -------------------------------------------------------------------------------

    private DeliveryWorker startWorker(Database db, DeliverySettings s) {
        return opened(DeliveryWorker.start(db, s, new EnvelopePoster(tls.clientContext()),
                (c, e) -> undeliverable.add(e)));
    }

    private ReceivingService receiver(int port) {
        ReceiverSettings s = ReceiverSettings.https(InetAddress.getLoopbackAddress(), port, tls.server().serverContext())
                .withPollInterval(Duration.ofMillis(50));
        return opened(ReceivingService.start(receiverDb, s, relay.relay()));
    }

    private EnvelopeId enqueue(URI destination, byte[] body) {
        EnvelopeId id = EnvelopeId.random();
        senderDb.inTransaction(c -> queue.enqueue(c, new OutboundEnvelope(id, destination, EnvelopeBytes.copyOf(body))));
        return id;
    }

    private OutboundStatus status(EnvelopeId id) {
        return senderDb.inTransaction(c -> queue.status(c, id)).orElseThrow();
    }

    private static int delivered(Database db) {
        return count(db, "SELECT count(*) FROM transport.outbound WHERE state = 'delivered'");
    }

    private int inboundRows() {
        return count(receiverDb, "SELECT count(*) FROM transport.inbound");
    }

    private static int count(Database db, String sql) {
        return db.inTransaction(c -> {
            try (var s = c.createStatement(); var rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    private static URI endpoint(int port) {
        return URI.create("https://127.0.0.1:" + port + "/communicator/v1/envelopes");
    }

    private static int freePort() throws Exception {
        return dev.liaison.gateway.transport.ListenPorts.free();
    }

    private static byte[] body(char kind, int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 13 + 5);
        }
        bytes[0] = (byte) kind;
        return bytes;
    }

    private <T extends AutoCloseable> T opened(T resource) {
        open.push(resource);
        return resource;
    }

    private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within 30 s");
            }
            Thread.sleep(10);
        }
    }
}
