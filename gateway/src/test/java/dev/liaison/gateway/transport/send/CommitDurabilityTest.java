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
