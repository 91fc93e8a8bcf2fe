package dev.liaison.gateway.transport.receive;

import dev.liaison.gateway.transport.EnvelopeBytes;
import dev.liaison.gateway.transport.EnvelopeId;
import dev.liaison.gateway.transport.Limits;
import dev.liaison.gateway.transport.TestClock;
import dev.liaison.gateway.transport.TransportSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stored envelopes through the processor loop: commit with the outcome, retry, quarantine, count. */
@ParameterizedClass
@MethodSource("dev.liaison.mapping.database.TestPostgres#available")
class InboundWorkerTest {

    @Parameter
    TestPostgres postgres;

    private final TestClock clock = new TestClock();
    private final PeerAddress peer = PeerAddress.parse("192.0.2.44");
    private Database db;
    private InboundStore store;
    private ReceiverSettings settings;
    private UnresolvableCounter counter;
    private InboundWorker worker;

    @BeforeEach
    void prepare() throws SQLException {
        db = postgres.freshDatabase();
        db.migrate(TransportSchema.SCHEMA);
        db.inTransaction(c -> {
            try (var s = c.createStatement()) {
                s.execute("CREATE TABLE public.mailbox (envelope_id text PRIMARY KEY)");
            }
            return null;
        });
        store = new InboundStore(clock);
        settings = new ReceiverSettings(InetAddress.getLoopbackAddress(), 0, new ReceiverSettings.Security.Plain(),
                4096, 2, Duration.ofMinutes(10), 2, 3, Duration.ofMillis(50), clock);
        counter = settings.newCounter();
    }

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.close();
        }
        db.close();
    }

    @Test
    void processorWritesCommitWithTheDoneMark() throws Exception {
        EnvelopeId id = stored(new EnvelopeAcceptor.Resolved(9));
        start((c, e) -> {
            deliver(c, e.id());
            return new InboundProcessor.Done();
        });
        waitUntil(() -> status(id).state() == InboundStatus.State.DONE);
        assertEquals(1, mailboxRows());
        assertFalse(status(id).bytesKept());
    }

    @Test
    void failingProcessorIsRolledBackRetriedAndQuarantinedAfterTheLimitWithBytesKept() throws Exception {
        EnvelopeId id = stored(new EnvelopeAcceptor.Deferred());
        RecordingRelay calls = new RecordingRelay();
        start((c, e) -> {
            calls.process(c, e);
            deliver(c, e.id());
            throw new IllegalStateException("ratchet state unreadable");
        });
        for (int failures = 1; failures < 3; failures++) {
            int expected = failures;
            waitUntil(() -> status(id).failures() == expected);
            assertEquals(InboundStatus.State.PENDING, status(id).state());
            clock.advance(Limits.PROCESSING_RETRY);
        }
        waitUntil(() -> status(id).state() == InboundStatus.State.QUARANTINED);
        InboundStatus quarantined = status(id);
        assertEquals(3, quarantined.failures());
        assertTrue(quarantined.bytesKept(), "a quarantined envelope is never lost");
        assertEquals("IllegalStateException: ratchet state unreadable", quarantined.lastError());
        assertEquals(0, mailboxRows(), "the failed attempts' writes were rolled back");
        clock.advance(Duration.ofHours(1));
        Thread.sleep(200);
        assertEquals(3, calls.processingCalls.get(id).get(), "quarantined envelopes are not processed again");
    }

    @Test
    void quarantineOutcomeKeepsTheEnvelopeAtOnce() throws Exception {
        EnvelopeId id = stored(new EnvelopeAcceptor.Resolved(9));
        start((c, e) -> new InboundProcessor.Quarantine("signature does not verify"));
        waitUntil(() -> status(id).state() == InboundStatus.State.QUARANTINED);
        assertTrue(status(id).bytesKept());
        assertEquals("signature does not verify", status(id).lastError());
        assertEquals(0, status(id).failures());
    }

    @Test
    void quarantinedEnvelopesAreListedForTheAdministratorAndCanBeReleasedForAnotherTry() throws Exception {
        EnvelopeId id = stored(new EnvelopeAcceptor.Resolved(9));
        java.util.concurrent.atomic.AtomicBoolean fixed = new java.util.concurrent.atomic.AtomicBoolean();
        start((c, e) -> fixed.get() ? new InboundProcessor.Done() : new InboundProcessor.Quarantine("no session"));
        waitUntil(() -> status(id).state() == InboundStatus.State.QUARANTINED);
        var listed = db.inTransaction(c -> store.quarantined(c, 10));
        assertEquals(1, listed.size());
        assertEquals(id, listed.get(0).id());
        assertEquals("no session", listed.get(0).reason());
        assertEquals(3, listed.get(0).size());

        fixed.set(true);
        boolean released = db.inTransaction(c -> store.release(c, id));
        assertTrue(released);
        waitUntil(() -> status(id).state() == InboundStatus.State.DONE);
        assertTrue(db.inTransaction(c -> store.quarantined(c, 10)).isEmpty());
        boolean again = db.inTransaction(c -> store.release(c, id));
        assertFalse(again, "only quarantined envelopes can be released");
    }

    @Test
    void aDroppedEnvelopeLosesItsBytesButItsIdStillRecognisesAResend() throws Exception {
        EnvelopeId id = stored(new EnvelopeAcceptor.Resolved(9));
        start((c, e) -> new InboundProcessor.Quarantine("signature does not verify"));
        waitUntil(() -> status(id).state() == InboundStatus.State.QUARANTINED);

        boolean unknown = db.inTransaction(c -> store.drop(c, EnvelopeId.random()));
        assertFalse(unknown, "only quarantined envelopes can be dropped");
        boolean dropped = db.inTransaction(c -> store.drop(c, id));
        assertTrue(dropped);
        assertEquals(InboundStatus.State.DISCARDED, status(id).state());
        assertFalse(status(id).bytesKept(), "the administrator's drop deletes the bytes");
        assertEquals("", status(id).lastError(), "and the reason: only the id is kept");
        assertTrue(db.inTransaction(c -> store.quarantined(c, 10)).isEmpty());
        InboundStore.Backlog backlog = db.inTransaction(c -> store.backlog(c));
        assertEquals(0L, backlog.quarantined(), "the quarantine gauge falls back");
        boolean again = db.inTransaction(c -> store.drop(c, id));
        assertFalse(again, "a second drop finds nothing");
        boolean released = db.inTransaction(c -> store.release(c, id));
        assertFalse(released, "a dropped envelope cannot be released");
        boolean resent = db.inTransaction(c -> store.store(c, id, EnvelopeBytes.copyOf(new byte[]{1, 2, 3}), peer,
                new EnvelopeAcceptor.Resolved(9)));
        assertFalse(resent, "a resend of the dropped envelope is not taken again");

        clock.advance(Duration.ofDays(30));
        int pruned = db.inTransaction(c -> store.prune(c, Duration.ofDays(7), Limits.PRUNE_BATCH));
        assertEquals(1, pruned, "its id goes with the retention");
    }

    @Test
    void envelopesFoundUnresolvableLaterCountAgainstThePeerThatSentThem() throws Exception {
        EnvelopeId first = stored(new EnvelopeAcceptor.Deferred());
        EnvelopeId second = stored(new EnvelopeAcceptor.Deferred());
        assertFalse(counter.throttled(peer));
        start((c, e) -> new InboundProcessor.Unresolvable());
        waitUntil(() -> status(first).state() == InboundStatus.State.DISCARDED
                && status(second).state() == InboundStatus.State.DISCARDED);
        waitUntil(() -> counter.throttled(peer));
        assertFalse(counter.throttled(PeerAddress.parse("192.0.2.45")));
        assertFalse(status(first).bytesKept());
    }

    @Test
    void processedIdsAreForgottenOnlyAfterTheRetention() throws Exception {
        EnvelopeId id = stored(new EnvelopeAcceptor.Unresolvable());
        int early = db.inTransaction(c -> store.prune(c, Limits.DEDUPLICATION_RETENTION, Limits.PRUNE_BATCH));
        assertEquals(0, early);
        clock.advance(Limits.DEDUPLICATION_RETENTION.plusMinutes(1));
        int late = db.inTransaction(c -> store.prune(c, Limits.DEDUPLICATION_RETENTION, Limits.PRUNE_BATCH));
        assertEquals(1, late);
        boolean kept = db.inTransaction(c -> store.contains(c, id));
        assertFalse(kept);
    }

    /** A long history goes in batches: one delete of days of ids held a long transaction. */
    @Test
    void processedIdsAreForgottenABatchAtATime() throws Exception {
        for (int i = 0; i < 3; i++) {
            stored(new EnvelopeAcceptor.Unresolvable());
        }
        clock.advance(Limits.DEDUPLICATION_RETENTION.plusMinutes(1));
        EnvelopeId young = stored(new EnvelopeAcceptor.Unresolvable());
        int first = db.inTransaction(c -> store.prune(c, Limits.DEDUPLICATION_RETENTION, 2));
        int second = db.inTransaction(c -> store.prune(c, Limits.DEDUPLICATION_RETENTION, 2));
        int third = db.inTransaction(c -> store.prune(c, Limits.DEDUPLICATION_RETENTION, 2));
        assertEquals(List.of(2, 1, 0), List.of(first, second, third));
        boolean kept = db.inTransaction(c -> store.contains(c, young));
        assertTrue(kept, "processed within the retention: a resend is still recognised");
    }

    private void start(InboundProcessor processor) {
        worker = InboundWorker.start(db, processor, counter, settings);
    }

    private EnvelopeId stored(EnvelopeAcceptor.Verdict verdict) {
        EnvelopeId id = EnvelopeId.random();
        db.inTransaction(c -> store.store(c, id, EnvelopeBytes.copyOf(new byte[]{1, 2, 3}), peer, verdict));
        return id;
    }

    private static void deliver(Connection c, EnvelopeId id) throws SQLException {
        try (var s = c.prepareStatement("INSERT INTO public.mailbox VALUES (?)")) {
            s.setString(1, id.value());
            s.executeUpdate();
        }
    }

    private int mailboxRows() {
        return db.inTransaction(c -> {
            try (var s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM public.mailbox")) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    private InboundStatus status(EnvelopeId id) {
        return db.inTransaction(c -> store.status(c, id)).orElseThrow();
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        ReceivingServiceTest.waitUntil(condition);
    }
}
