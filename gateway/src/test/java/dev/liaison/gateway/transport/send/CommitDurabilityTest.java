package dev.liaison.gateway.transport.send;

import dev.liaison.gateway.transport.CommitDurability;
import dev.liaison.gateway.transport.EnvelopeBytes;
import dev.liaison.gateway.transport.EnvelopeId;
import dev.liaison.gateway.transport.TransportSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.DatabaseLocation;
import dev.liaison.mapping.database.PoolSettings;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Which commits wait for the WAL flush: a relaxed transaction does not, and queueing an envelope
 * for a peer puts back whatever level the server was configured with (here the database's own
 * setting {@code remote_write}, standing for an operator's replicated setup), not a hard-coded "on".
 */
class CommitDurabilityTest {

    @Test
    void queueingAnEnvelopeMakesARelaxedTransactionCommitAsConfiguredAgain() throws Exception {
        DatabaseLocation.External location = TestPostgres.available().get(0).freshLocation();
        try (Connection admin = DriverManager.getConnection(location.url(), location.user(), location.password())) {
            // the operator's configured level (for this role in this database: beats the test role's "off")
            execute(admin, "DO $$ BEGIN EXECUTE format('ALTER ROLE %I IN DATABASE %I SET synchronous_commit"
                    + " = remote_write', current_user, current_database()); END $$");
        }
        try (Database db = Database.open(location, new PoolSettings("test", 4, Duration.ofSeconds(10)))) {
            db.migrate(TransportSchema.SCHEMA);
            assertQueueRestoresTheConfiguredLevel(db);
        }
    }

    /**
     * Queueing in a transaction that was never relaxed sends no SET: a level the transaction chose
     * itself (here {@code local}) is left as it is, where a restore would have reset it.
     */
    @Test
    void queueingInATransactionNeverRelaxedLeavesItsLevelAlone() throws Exception {
        try (Database db = TestPostgres.available().get(0).freshDatabase()) {
            db.migrate(TransportSchema.SCHEMA);
            try (Connection c = db.dataSource().getConnection()) {
                c.setAutoCommit(false);
                try {
                    execute(c, "SET LOCAL synchronous_commit = local");
                    new OutboundQueue(DeliverySettings.defaults()).enqueue(c, new OutboundEnvelope(EnvelopeId.random(),
                            URI.create("https://peer.example/communicator/v1/envelopes"), EnvelopeBytes.copyOf(new byte[64])));
                    assertEquals("local", level(c), "not relaxed here, so nothing to undo");
                } finally {
                    c.rollback();
                    c.setAutoCommit(true);
                }
            }
        }
    }

    /**
     * The delivery worker's one-statement record-and-next: it records the delivered envelope,
     * leases the destination's next one (never the delivered one, never one another worker holds),
     * and relaxes the commit of the transaction it runs in; the claim inside a durable transaction
     * does not. (Run here inside a transaction, so the level can be read back before the commit.)
     */
    @Test
    void recordingADeliveryAndLeasingTheNextIsOneRelaxedStatement() throws Exception {
        try (Database db = TestPostgres.available().get(0).freshDatabase()) {
            db.migrate(TransportSchema.SCHEMA);
            OutboundQueue queue = new OutboundQueue(DeliverySettings.defaults());
            URI peer = URI.create("https://peer.example/communicator/v1/envelopes");
            EnvelopeId first = EnvelopeId.random();
            EnvelopeId second = EnvelopeId.random();
            EnvelopeId third = EnvelopeId.random();
            for (EnvelopeId id : java.util.List.of(first, second, third)) {
                db.inTransaction(c -> queue.enqueue(c, new OutboundEnvelope(id, peer, EnvelopeBytes.copyOf(new byte[64]))));
            }
            ClaimedEnvelope claimed = db.inAutocommit(c -> queue.claimNextOnItsOwn(c, peer.toString(), Duration.ofMinutes(1)))
                    .orElseThrow();
            assertEquals(first, claimed.id(), "the oldest due envelope first");
            ClaimedEnvelope heldElsewhere = db.inTransaction(c -> queue.claimNext(c, peer.toString(), Duration.ofMinutes(1)))
                    .orElseThrow();
            assertEquals(second, heldElsewhere.id());
            try (Connection c = db.dataSource().getConnection()) {
                c.setAutoCommit(false);
                try {
                    execute(c, "SET LOCAL synchronous_commit = local"); // not the tests' own level: "off"
                    var next = queue.recordDeliveredOnItsOwn(c, claimed, java.util.Optional.of(Duration.ofMinutes(1)));
                    assertEquals(third, next.orElseThrow().id(), "the next due one no other worker holds");
                    assertEquals("off", level(c), "a lost record or lease only means a resend: relaxed");
                    c.commit();
                } finally {
                    c.setAutoCommit(true);
                }
            }
            assertEquals(OutboundStatus.State.DELIVERED, status(db, queue, first));
            assertEquals(OutboundStatus.State.PENDING, status(db, queue, third));
            try (Connection c = db.dataSource().getConnection()) {
                c.setAutoCommit(false);
                try {
                    execute(c, "SET LOCAL synchronous_commit = local");
                    assertEquals(java.util.Optional.empty(), queue.claimNext(c, peer.toString(), Duration.ofMinutes(1)),
                            "all three are delivered or leased");
                    assertEquals("local", level(c), "a claim in the caller's transaction keeps its durability");
                } finally {
                    c.rollback();
                    c.setAutoCommit(true);
                }
            }
        }
    }

    private static OutboundStatus.State status(Database db, OutboundQueue queue, EnvelopeId id) {
        return db.inTransaction(c -> queue.status(c, id)).orElseThrow().state();
    }

    private static void assertQueueRestoresTheConfiguredLevel(Database db) throws Exception {
        try (Connection c = db.dataSource().getConnection()) {
            assertEquals("remote_write", level(c), "a new session starts at the configured level");
            c.setAutoCommit(false);
            try {
                CommitDurability.relax(c);
                assertEquals("off", level(c), "relaxed: the commit does not wait for the flush");
                new OutboundQueue(DeliverySettings.defaults()).enqueue(c, new OutboundEnvelope(EnvelopeId.random(),
                        URI.create("https://peer.example/communicator/v1/envelopes"), EnvelopeBytes.copyOf(new byte[64])));
                assertEquals("remote_write", level(c), "an envelope for a peer commits as the server is configured");
                c.commit();
                assertEquals("remote_write", level(c), "SET LOCAL ends with its transaction");
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }

    private static String level(Connection c) throws SQLException {
        try (var s = c.createStatement(); var rs = s.executeQuery("SHOW synchronous_commit")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (var s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
