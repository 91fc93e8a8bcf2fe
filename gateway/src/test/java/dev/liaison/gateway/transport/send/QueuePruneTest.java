package dev.liaison.gateway.transport.send;

import dev.liaison.gateway.legacy.delivery.LegacySchema;
import dev.liaison.gateway.transport.EnvelopeBytes;
import dev.liaison.gateway.transport.EnvelopeId;
import dev.liaison.gateway.transport.Limits;
import dev.liaison.gateway.transport.QueryPlans;
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
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A queue forgets its finished rows (delivered, rejected, expired) once they are older than
 * {@link Limits#DEDUPLICATION_RETENTION}, in batches; pending rows and younger finished ones stay.
 * Before, finished rows were never deleted and a queue's table grew with every message.
 */
@ParameterizedClass
@MethodSource("dev.liaison.mapping.database.TestPostgres#available")
class QueuePruneTest {

    private static final URI PEER = URI.create("https://peer.example/communicator/v1/envelopes");
    private static final Duration LEASE = Duration.ofMinutes(2);
    private static final Duration RETENTION = Limits.DEDUPLICATION_RETENTION;

    @Parameter
    TestPostgres postgres;

    private final TestClock clock = new TestClock();

    @Test
    void finishedRowsOlderThanTheRetentionAreDeletedInBatchesAndNothingElse() throws Exception {
        try (Database db = postgres.freshDatabase()) {
            db.migrate(TransportSchema.SCHEMA);
            OutboundQueue queue = new OutboundQueue(DeliverySettings.defaults().withClock(clock));
            EnvelopeId delivered = enqueue(db, queue, PEER);
            EnvelopeId rejected = enqueue(db, queue, PEER);
            EnvelopeId pending = enqueue(db, queue, PEER);
            db.inTransaction(c -> queue.markDelivered(c, queue.claimNext(c, PEER.toString(), LEASE).orElseThrow()));
            db.inTransaction(c -> queue.reject(c, queue.claimNext(c, PEER.toString(), LEASE).orElseThrow(), "refused"));
            clock.advance(RETENTION.plusMinutes(1));
            EnvelopeId young = enqueue(db, queue, PEER);
            ClaimedEnvelope next = db.inTransaction(c -> queue.claimNext(c, PEER.toString(), LEASE)).orElseThrow();
            assertEquals(young, next.id(), "the old pending one is past its expiry time, so not claimed");
            db.inTransaction(c -> queue.markDelivered(c, next));

            assertEquals(1, prune(db, queue, 1), "at most one per batch");
            assertEquals(1, prune(db, queue, 1));
            assertEquals(0, prune(db, queue, 1), "nothing else is old and finished");
            assertEquals(Optional.empty(), db.inTransaction(c -> queue.status(c, delivered)));
            assertEquals(Optional.empty(), db.inTransaction(c -> queue.status(c, rejected)));
            assertEquals(OutboundStatus.State.PENDING, db.inTransaction(c -> queue.status(c, pending)).orElseThrow().state(),
                    "a pending envelope is never forgotten, however old");
            assertEquals(OutboundStatus.State.DELIVERED, db.inTransaction(c -> queue.status(c, young)).orElseThrow().state(),
                    "finished within the retention: kept");
        }
    }

    /** The legacy queue's SMTP envelope of each message goes with its row. */
    @Test
    void aForgottenLegacyRowTakesItsSmtpEnvelopeWithIt() throws Exception {
        try (Database db = postgres.freshDatabase()) {
            LegacySchema.migrate(db);
            OutboundQueue queue = new OutboundQueue(DeliverySettings.defaults().withClock(clock), LegacySchema.QUEUE);
            URI server = URI.create("smtp://mail.example");
            EnvelopeId id = enqueue(db, queue, server);
            db.inTransaction(c -> QueryPlans.execute(c, "INSERT INTO legacy.outbound_mail (envelope_id, owner, sender,"
                    + " recipient) VALUES ('" + id.value() + "', 'alex', 'alex@a.example', 'kim@mail.example')"));
            db.inTransaction(c -> queue.markDelivered(c, queue.claimNext(c, server.toString(), LEASE).orElseThrow()));
            clock.advance(RETENTION.plusMinutes(1));

            assertEquals(1, prune(db, queue, Limits.PRUNE_BATCH));
            long mails = db.inTransaction(c -> {
                try (var s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM legacy.outbound_mail")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            assertEquals(0, mails);
        }
    }

    private static int prune(Database db, OutboundQueue queue, int max) {
        return db.inTransaction(c -> queue.prune(c, RETENTION, max));
    }

    private static EnvelopeId enqueue(Database db, OutboundQueue queue, URI destination) {
        EnvelopeId id = EnvelopeId.random();
        db.inTransaction(c -> queue.enqueue(c, new OutboundEnvelope(id, destination, EnvelopeBytes.copyOf(new byte[64]))));
        return id;
    }
}
