package dev.liaison.gateway.transport.send;

import dev.liaison.gateway.transport.EnvelopeBytes;
import dev.liaison.gateway.transport.EnvelopeId;
import dev.liaison.gateway.transport.QueryPlans;
import dev.liaison.gateway.transport.TransportSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How PostgreSQL runs the statements a delivery worker sends for every envelope, when the queue's
 * statistics were taken while it was empty (an idle queue's normal state, in which autovacuum
 * analyses it) and a backlog has built up since (a peer that was down, or a burst). Each statement
 * must still reach its rows through an index condition: a whole scan of one of the partial indexes
 * of pending rows reads the entire backlog for every envelope, which made draining a backlog
 * quadratic (docs/benchmarks.md, twelfth session: 550 buffers read per delivery record under load).
 * The plans are the generic ones that the driver's prepared statements settle on.
 */
@ParameterizedClass
@MethodSource("dev.liaison.mapping.database.TestPostgres#available")
class QueuePlansTest {

    private static final URI PEER = URI.create("https://peer.example/communicator/v1/envelopes");
    private static final URI OTHER = URI.create("https://other.example/communicator/v1/envelopes");
    /** Envelopes of 512 octets, stored in the row: the old look read some 400 buffers for them. */
    private static final int BUSY_BACKLOG = 5_000;
    private static final Duration LEASE = Duration.ofMinutes(2);

    @Parameter
    TestPostgres postgres;

    @Test
    void everyPerEnvelopeStatementFindsItsRowsByAnIndexConditionWhenTheStatisticsSayTheQueueIsEmpty()
            throws Exception {
        try (Database db = postgres.freshDatabase()) {
            db.migrate(TransportSchema.SCHEMA);
            OutboundQueue queue = new OutboundQueue(DeliverySettings.defaults());
            // only this test analyses the table: autovacuum must not refresh the statistics midway
            db.inAutocommit(c -> QueryPlans.execute(c, "ALTER TABLE transport.outbound SET (autovacuum_enabled = false)"));
            enqueue(db, queue, 1);
            ClaimedEnvelope only = db.inAutocommit(c -> queue.claimNextOnItsOwn(c, PEER.toString(), LEASE)).orElseThrow();
            db.inAutocommit(c -> queue.recordDeliveredOnItsOwn(c, only, Optional.empty()));
            db.inAutocommit(c -> QueryPlans.execute(c, "VACUUM ANALYZE transport.outbound"));
            enqueue(db, queue, 300);

            Set<String> statements = new LinkedHashSet<>();
            db.inAutocommit(real -> {
                Connection c = QueryPlans.recording(real, statements);
                ClaimedEnvelope first = queue.claimNextOnItsOwn(c, PEER.toString(), LEASE).orElseThrow();
                ClaimedEnvelope second = queue.recordDeliveredOnItsOwn(c, first, Optional.of(LEASE)).orElseThrow();
                queue.recordDeliveredOnItsOwn(c, second, Optional.empty());
                assertTrue(queue.scheduleRetry(c, queue.claimNextOnItsOwn(c, PEER.toString(), LEASE).orElseThrow(),
                        Duration.ofMinutes(1), "peer busy"));
                assertTrue(queue.markDelivered(c, queue.claimNextOnItsOwn(c, PEER.toString(), LEASE).orElseThrow()));
                assertTrue(queue.reject(c, queue.claimNextOnItsOwn(c, PEER.toString(), LEASE).orElseThrow(), "refused")
                        .isPresent());
                return null;
            });
            assertEquals(6, statements.size(), "claim, record-and-claim, record, retry, delivered, rejected + its age: "
                    + statements);
            try (Connection c = db.dataSource().getConnection()) {
                SQLException stray = assertThrows(SQLException.class, () -> QueryPlans.execute(c,
                        "UPDATE transport.outbound SET claim_token = gen_random_uuid() WHERE state <> 'pending'"));
                assertEquals("23514", stray.getSQLState(), "what the records rely on: only a pending row holds a lease");
            }
            db.inAutocommit(c -> {
                QueryPlans.assertEachFindsItsRowsByAnIndexCondition(c, statements);
                return null;
            });
        }
    }

    /**
     * The dispatcher looks for due envelopes each time a delivery chain ends and on every poll; the
     * destination whose slots are all taken is excluded. That look must not read the excluded
     * destination's backlog (it did: a scan of every due row, filtered by destination), in custom and
     * generic plans, with the statistics of an empty queue and with fresh ones; and its generic plan's
     * estimate must not grow with the backlog, or at some size PostgreSQL's JIT compiles it on every call.
     */
    @Test
    void theDispatcherPassesOverABusyDestinationWithoutReadingItsBacklog() throws Exception {
        try (Database db = postgres.freshDatabase()) {
            db.migrate(TransportSchema.SCHEMA);
            OutboundQueue queue = new OutboundQueue(DeliverySettings.defaults());
            db.inAutocommit(c -> QueryPlans.execute(c, "ALTER TABLE transport.outbound SET (autovacuum_enabled = false)"));
            db.inAutocommit(c -> QueryPlans.execute(c, "VACUUM ANALYZE transport.outbound"));
            enqueue(db, queue, PEER, BUSY_BACKLOG);
            enqueue(db, queue, OTHER, 3);

            Set<String> statements = new LinkedHashSet<>();
            List<OutboundQueue.Candidate> due = db.inTransaction(real ->
                    queue.lockDue(QueryPlans.recording(real, statements), 64, Set.of(PEER.toString())));
            assertEquals(3, due.size(), "the other destination's three: " + due);
            assertTrue(due.stream().allMatch(d -> d.destination().equals(OTHER.toString())), due.toString());
            String lockDue = statements.iterator().next();
            List<String> arguments = List.of("now()", "now()", "now()", "ARRAY['" + PEER + "']::text[]", "64");

            for (String statistics : List.of("of an empty queue", "fresh")) {
                if (statistics.equals("fresh")) {
                    db.inAutocommit(c -> QueryPlans.execute(c, "VACUUM ANALYZE transport.outbound"));
                }
                for (boolean generic : List.of(false, true)) {
                    String plan = db.inAutocommit(c -> QueryPlans.analyzed(c, lockDue, arguments, generic));
                    String which = (generic ? "generic" : "custom") + " plan, statistics " + statistics + ":\n" + plan;
                    assertTrue(QueryPlans.buffers(plan) < 100, "a backlog of " + BUSY_BACKLOG + " read, " + which);
                }
            }
            // estimated by the size of the backlog, the generic plan would pass jit_above_cost (100,000) at
            // some backlog and then be compiled by PostgreSQL's JIT on every call (200 ms where measured)
            double cost = db.inAutocommit(c -> QueryPlans.genericCost(c, lockDue));
            db.inAutocommit(c -> QueryPlans.execute(c, "INSERT INTO transport.outbound (envelope_id, destination,"
                    + " envelope, state, next_attempt_at, expires_at) SELECT 'more-' || g, '" + PEER + "', '\\x00',"
                    + " 'pending', now(), now() + interval '5 days' FROM generate_series(1, " + 4 * BUSY_BACKLOG + ") g"));
            db.inAutocommit(c -> QueryPlans.execute(c, "VACUUM ANALYZE transport.outbound"));
            double fiveTimes = db.inAutocommit(c -> QueryPlans.genericCost(c, lockDue));
            assertTrue(fiveTimes < 1.5 * cost, "the generic plan's cost grows with the backlog: " + cost + " at "
                    + BUSY_BACKLOG + ", " + fiveTimes + " at five times that");
        }
    }

    /** The checker itself: it finds the whole-index scan that the record statement used to get. */
    @Test
    void aWholeScanOfAPartialIndexIsFound() throws Exception {
        try (Database db = postgres.freshDatabase()) {
            db.migrate(TransportSchema.SCHEMA);
            String plan = db.inAutocommit(c -> QueryPlans.genericPlan(c, "SELECT id FROM transport.outbound"
                    + " WHERE state = 'pending' ORDER BY expires_at LIMIT ?"));
            assertEquals(List.of("outbound_expiring"), QueryPlans.scansWithoutIndexCondition(plan), plan);
            String byKey = db.inAutocommit(c -> QueryPlans.genericPlan(c, "SELECT id FROM transport.outbound WHERE id = ?"));
            assertEquals(List.of(), QueryPlans.scansWithoutIndexCondition(byKey), byKey);
        }
    }

    @Test
    void theCheckerReadsNestedPlans() {
        String plan = """
                Update on outbound o
                  CTE done
                    ->  Update on outbound
                          ->  Index Scan using outbound_expiring on outbound
                                Filter: ((id = $2) AND (claim_token = $3))
                  ->  Nested Loop
                        ->  Index Scan using outbound_pkey on outbound o
                              Index Cond: (id = next.id)
                """;
        assertEquals(List.of("outbound_expiring"), QueryPlans.scansWithoutIndexCondition(plan));
        assertFalse(QueryPlans.scansWithoutIndexCondition("Seq Scan on outbound\n").isEmpty());
    }

    private static void enqueue(Database db, OutboundQueue queue, int count) {
        enqueue(db, queue, PEER, count);
    }

    private static void enqueue(Database db, OutboundQueue queue, URI destination, int count) {
        db.inTransaction(c -> {
            for (int i = 0; i < count; i++) {
                queue.enqueue(c, new OutboundEnvelope(EnvelopeId.random(), destination, EnvelopeBytes.copyOf(new byte[512])));
            }
            return null;
        });
    }
}
