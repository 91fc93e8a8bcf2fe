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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
                assertTrue(queue.markDelivered(c, queue.claimNextOnItsOwn(c, PEER.toString(), LEASE).orElseThrow()));
                assertTrue(queue.reject(c, queue.claimNextOnItsOwn(c, PEER.toString(), LEASE).orElseThrow(), "refused")
                        .isPresent());
                // last: the retry holds back the whole destination (and moves its backlog in the same statement)
                assertTrue(queue.scheduleRetry(c, queue.claimNextOnItsOwn(c, PEER.toString(), LEASE).orElseThrow(),
                        Duration.ofMinutes(1), "peer busy"));
                // behind the held-back backlog: the INSERT looks up the destination's latest waiting envelope
                queue.enqueue(c, new OutboundEnvelope(EnvelopeId.random(), PEER, EnvelopeBytes.copyOf(new byte[512])));
                return null;
            });
            assertEquals(8, statements.size(), "claim, record-and-claim, record, delivered, rejected + its age, retry,"
                    + " enqueue + its NOTIFY: "
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
            assertEquals(2, statements.size(), "the due destinations, then the other destination's rows: " + statements);
            Map<String, List<String>> arguments = new LinkedHashMap<>();
            for (String sql : statements) {
                arguments.put(sql, sql.startsWith("WITH RECURSIVE")
                        ? List.of("now()", "ARRAY['" + PEER + "']::text[]")
                        : List.of("'" + OTHER + "'", "now()", "now()", "now()"));
            }
            // a delivery thread chaining the other destination's next envelope must not read the busy one's either
            Set<String> chaining = new LinkedHashSet<>();
            db.inAutocommit(real -> queue.claimNextOnItsOwn(QueryPlans.recording(real, chaining), OTHER.toString(), LEASE))
                    .orElseThrow();
            arguments.put(chaining.iterator().next(), List.of("'" + OTHER + "'", "now()", "now()", "now()", "0",
                    "gen_random_uuid()", "now()", "NULL"));
            statements.addAll(chaining);
            for (String statistics : List.of("of an empty queue", "fresh")) {
                if (statistics.equals("fresh")) {
                    db.inAutocommit(c -> QueryPlans.execute(c, "VACUUM ANALYZE transport.outbound"));
                }
                for (boolean generic : List.of(false, true)) {
                    for (var look : arguments.entrySet()) {
                        String plan = db.inAutocommit(c -> QueryPlans.analyzed(c, look.getKey(), look.getValue(), generic));
                        String which = (generic ? "generic" : "custom") + " plan, statistics " + statistics + ":\n" + plan;
                        assertTrue(QueryPlans.buffers(plan) < 100, "a backlog of " + BUSY_BACKLOG + " read, " + which);
                    }
                }
            }
            // estimated by the size of the backlog, a generic plan would pass jit_above_cost (100,000) at some
            // backlog and then be compiled by PostgreSQL's JIT on every call (200 ms where measured)
            Map<String, Double> costs = new LinkedHashMap<>();
            for (String sql : statements) {
                costs.put(sql, db.inAutocommit(c -> QueryPlans.genericCost(c, sql)));
            }
            insertPending(db, "more", 4 * BUSY_BACKLOG, "'" + PEER + "'", "now()", null);
            db.inAutocommit(c -> QueryPlans.execute(c, "VACUUM ANALYZE transport.outbound"));
            for (var before : costs.entrySet()) {
                double fiveTimes = db.inAutocommit(c -> QueryPlans.genericCost(c, before.getKey()));
                assertTrue(fiveTimes < 1.5 * before.getValue(), "the generic plan's cost grows with the backlog: "
                        + before.getValue() + " at " + BUSY_BACKLOG + ", " + fiveTimes + " at five times that\n" + before.getKey());
            }
        }
    }

    /**
     * The look locks only the rows it returns, whichever way it goes: locked and not leased, the
     * others would be skipped by other nodes' dispatchers and by this node's chaining threads until
     * the claim commits.
     */
    @Test
    void theDispatchersLookLocksOnlyTheRowsItReturns() throws Exception {
        try (Database db = postgres.freshDatabase()) {
            db.migrate(TransportSchema.SCHEMA);
            OutboundQueue queue = new OutboundQueue(DeliverySettings.defaults());
            enqueue(db, queue, PEER, 20);
            for (int d = 0; d < 30; d++) {
                enqueue(db, queue, URI.create("https://d" + d + ".example/communicator/v1/envelopes"), 3);
            }
            for (Set<String> excluded : List.of(Set.<String>of(), Set.of(PEER.toString()))) {
                try (Connection claiming = db.dataSource().getConnection(); Connection other = db.dataSource().getConnection()) {
                    claiming.setAutoCommit(false);
                    List<OutboundQueue.Candidate> due = queue.lockDue(claiming, 5, excluded);
                    assertEquals(5, due.size(), "excluded " + excluded + ": " + due);
                    long free;
                    try (var s = other.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM (SELECT id FROM"
                            + " transport.outbound FOR UPDATE SKIP LOCKED) f")) {
                        rs.next();
                        free = rs.getLong(1);
                    }
                    assertEquals(20 + 30 * 3 - 5, free, "rows locked beyond the 5 returned, excluded " + excluded);
                    claiming.rollback();
                }
            }
        }
    }

    /**
     * Destinations whose earliest envelopes are in flight (leased, here by another node) are listed as
     * due but give nothing; however many there are, the look goes on to a destination that has
     * something to send.
     */
    @Test
    void destinationsWhoseEnvelopesAreAllInFlightDoNotKeepTheOthersWaiting() throws Exception {
        try (Database db = postgres.freshDatabase()) {
            db.migrate(TransportSchema.SCHEMA);
            OutboundQueue queue = new OutboundQueue(DeliverySettings.defaults());
            insertPending(db, "flying", 40, "'https://busy' || g || '.example/'", "now() - interval '1 hour'",
                    "now() + interval '1 hour'");
            enqueue(db, queue, OTHER, 1);
            List<OutboundQueue.Candidate> due = db.inTransaction(c -> queue.lockDue(c, 2, Set.of()));
            assertEquals(List.of(OTHER.toString()), due.stream().map(OutboundQueue.Candidate::destination).toList());
        }
    }

    /**
     * The look's cost is a probe per destination with pending envelopes, not a read of each envelope:
     * 500 destinations whose 20 envelopes each wait for a later attempt (a plain-email queue in
     * backoff) are passed over in a few buffers each.
     */
    @Test
    void theLookCostsAProbePerDestinationNotARowPerEnvelope() throws Exception {
        try (Database db = postgres.freshDatabase()) {
            db.migrate(TransportSchema.SCHEMA);
            OutboundQueue queue = new OutboundQueue(DeliverySettings.defaults());
            insertPending(db, "later", 10_000, "'https://d' || (g % 500) || '.example/'", "now() + interval '1 hour'", null);
            db.inAutocommit(c -> QueryPlans.execute(c, "VACUUM ANALYZE transport.outbound"));
            Set<String> statements = new LinkedHashSet<>();
            assertEquals(List.of(), db.inTransaction(real -> queue.lockDue(QueryPlans.recording(real, statements), 64,
                    Set.of())));
            assertEquals(1, statements.size(), "no destination is due, so none is looked at: " + statements);
            for (boolean generic : List.of(false, true)) {
                String plan = db.inAutocommit(c -> QueryPlans.analyzed(c, statements.iterator().next(),
                        List.of("now()", "ARRAY[]::text[]"), generic));
                assertTrue(QueryPlans.buffers(plan) < 500 * 5, plan);
            }
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

    /**
     * {@code count} pending envelopes of one byte written by SQL, faster than {@link #enqueue} for a
     * large backlog: {@code destination} and {@code nextAttempt} are SQL expressions in {@code g}, the
     * row's number; {@code leasedUntil}, if not null, leases each (with a claim token, as a worker does).
     */
    private static void insertPending(Database db, String prefix, int count, String destination, String nextAttempt,
                                      String leasedUntil) {
        db.inAutocommit(c -> QueryPlans.execute(c, "INSERT INTO transport.outbound (envelope_id, destination, envelope,"
                + " state, next_attempt_at, expires_at, claim_token, leased_until) SELECT '" + prefix + "-' || g, "
                + destination + ", '\\x00', 'pending', " + nextAttempt + ", now() + interval '5 days', "
                + (leasedUntil == null ? "NULL, NULL" : "gen_random_uuid(), " + leasedUntil)
                + " FROM generate_series(1, " + count + ") g"));
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
