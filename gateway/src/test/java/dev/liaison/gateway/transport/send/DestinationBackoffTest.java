package dev.liaison.gateway.transport.send;

import dev.liaison.gateway.legacy.delivery.LegacySchema;
import dev.liaison.gateway.transport.EnvelopeBytes;
import dev.liaison.gateway.transport.EnvelopeId;
import dev.liaison.gateway.transport.TestClock;
import dev.liaison.gateway.transport.TransportSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The order in which the relay's queue hands out one destination's envelopes, on a real PostgreSQL:
 * oldest first among those due at once, a retryable failure holding back the destination as a whole,
 * and a new envelope waiting behind a held-back backlog. Without these a backlog left by an outage
 * came back to the peer shuffled, beyond what its ratchet opens (docs/transport.md, "Order").
 */
@ParameterizedClass
@MethodSource("dev.liaison.mapping.database.TestPostgres#available")
class DestinationBackoffTest {

    private static final URI PEER = URI.create("https://peer.example/communicator/v1/envelopes");
    private static final URI OTHER = URI.create("https://other.example/communicator/v1/envelopes");
    private static final Duration LEASE = Duration.ofMinutes(2);

    @Parameter
    TestPostgres postgres;

    private final TestClock clock = new TestClock();
    private final DeliverySettings settings = DeliverySettings.defaults().withClock(clock);

    @Test
    void aFailureHoldsBackTheWholeDestinationWhichThenGoesOutOldestFirst() throws Exception {
        try (Database db = postgres.freshDatabase()) {
            db.migrate(TransportSchema.SCHEMA);
            OutboundQueue queue = new OutboundQueue(settings);
            List<EnvelopeId> backlog = new ArrayList<>();
            for (int i = 0; i < 6; i++) { // one transaction each, all due at the same instant
                backlog.add(enqueue(db, queue, PEER));
            }
            Instant start = status(db, queue, backlog.get(0)).nextAttemptAt(); // the clock's time as stored
            EnvelopeId elsewhere = enqueue(db, queue, OTHER);

            ClaimedEnvelope first = claim(db, queue, PEER).orElseThrow();
            assertEquals(backlog.get(0), first.id(), "due at once: the oldest first");
            ClaimedEnvelope second = claim(db, queue, PEER).orElseThrow();
            assertEquals(backlog.get(1), second.id());

            assertTrue((boolean) db.inTransaction(c -> queue.scheduleRetry(c, first, Duration.ofSeconds(20), "peer down")));
            Instant retry = start.plusSeconds(20);
            for (EnvelopeId waiting : backlog.subList(2, 6)) {
                assertEquals(retry, status(db, queue, waiting).nextAttemptAt(), "held back with the failed one");
                assertEquals(0, status(db, queue, waiting).attempts(), "and not tried meanwhile");
            }
            assertEquals(start, status(db, queue, elsewhere).nextAttemptAt(), "another destination is not held back");
            assertEquals(Optional.empty(), claim(db, queue, PEER), "nothing of the destination is due before the retry");

            // the one in flight beside it fails too, with a shorter wait: it joins the wave, not ahead of it
            assertTrue((boolean) db.inTransaction(c -> queue.scheduleRetry(c, second, Duration.ofSeconds(5), "peer down")));
            assertEquals(retry, status(db, queue, backlog.get(1)).nextAttemptAt());

            EnvelopeId latecomer = enqueue(db, queue, PEER);
            assertEquals(retry, status(db, queue, latecomer).nextAttemptAt(), "a new message waits behind the backlog");
            assertEquals(Optional.empty(), claim(db, queue, PEER));

            clock.advance(Duration.ofSeconds(20));
            List<EnvelopeId> expected = new ArrayList<>(backlog);
            expected.add(latecomer);
            List<EnvelopeId> claimed = new ArrayList<>();
            for (Optional<ClaimedEnvelope> next = claim(db, queue, PEER); next.isPresent(); next = claim(db, queue, PEER)) {
                claimed.add(next.get().id());
            }
            assertEquals(expected, claimed, "the wave in queue order, the failed ones first again");
        }
    }

    @Test
    void theDispatchersLookTakesTheOldestOfAWaveUpToTheDestinationsSlots() throws Exception {
        try (Database db = postgres.freshDatabase()) {
            db.migrate(TransportSchema.SCHEMA);
            OutboundQueue queue = new OutboundQueue(settings.withConcurrency(3, 16));
            List<EnvelopeId> backlog = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                backlog.add(enqueue(db, queue, PEER));
            }
            ClaimedEnvelope failed = claim(db, queue, PEER).orElseThrow();
            db.inTransaction(c -> queue.scheduleRetry(c, failed, Duration.ofSeconds(30), "peer down"));
            clock.advance(Duration.ofSeconds(30));

            List<EnvelopeId> leased = db.inTransaction(c -> {
                List<Long> rows = queue.lockDue(c, 16, List.of()).stream().map(OutboundQueue.Candidate::row).toList();
                return queue.lease(c, rows, LEASE).stream().map(ClaimedEnvelope::id).sorted(
                        java.util.Comparator.comparingInt(backlog::indexOf)).toList();
            });
            assertEquals(backlog.subList(0, 3), leased, "one wave, slots at a time, oldest first");
        }
    }

    /** Legacy email keeps a timer per envelope: one recipient's temporary refusal holds up no other. */
    @Test
    void theLegacyQueueRetriesEachEnvelopeOnItsOwn() throws Exception {
        try (Database db = postgres.freshDatabase()) {
            LegacySchema.migrate(db);
            OutboundQueue queue = new OutboundQueue(settings, LegacySchema.QUEUE);
            URI domain = URI.create("smtp://legacy.example");
            EnvelopeId greylisted = enqueue(db, queue, domain);
            Instant start = status(db, queue, greylisted).nextAttemptAt();
            EnvelopeId other = enqueue(db, queue, domain);
            ClaimedEnvelope first = claim(db, queue, domain).orElseThrow();
            assertEquals(greylisted, first.id());
            db.inTransaction(c -> queue.scheduleRetry(c, first, Duration.ofMinutes(5), "451 4.7.1 greylisted"));
            assertEquals(start, status(db, queue, other).nextAttemptAt());
            assertEquals(other, claim(db, queue, domain).orElseThrow().id());
            EnvelopeId later = enqueue(db, queue, domain);
            assertEquals(start, status(db, queue, later).nextAttemptAt(), "due at once");
        }
    }

    private static EnvelopeId enqueue(Database db, OutboundQueue queue, URI destination) {
        EnvelopeId id = EnvelopeId.random();
        db.inTransaction(c -> queue.enqueue(c, new OutboundEnvelope(id, destination, EnvelopeBytes.copyOf(new byte[64]))));
        return id;
    }

    private static Optional<ClaimedEnvelope> claim(Database db, OutboundQueue queue, URI destination) {
        return db.inAutocommit(c -> queue.claimNextOnItsOwn(c, destination.toString(), LEASE));
    }

    private static OutboundStatus status(Database db, OutboundQueue queue, EnvelopeId id) {
        return db.inTransaction(c -> queue.status(c, id)).orElseThrow();
    }
}
