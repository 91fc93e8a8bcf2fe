package dev.liaison.gateway.relationship;

import dev.liaison.gateway.Relay;
import dev.liaison.gateway.transport.TransportSchema;
import dev.liaison.mapping.MappingSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The keep-alive's prune of relayed mail: originals of delivered envelopes dropped, those still
 * pending kept, old rows forgotten; and it finds the kept originals without reading the whole table
 * (it runs every minute over 8 days of relayed mail; before relay V5 it read every row).
 */
@ParameterizedClass
@MethodSource("dev.liaison.mapping.database.TestPostgres#available")
class SentMessagesPruneTest {

    private static final Duration RETENTION = Duration.ofDays(8);

    @Parameter
    TestPostgres postgres;

    private Database db;
    private final SentMessages sent = new SentMessages();

    @BeforeEach
    void open() {
        db = postgres.freshDatabase();
        db.migrate(MappingSchema.SCHEMA);
        db.migrate(TransportSchema.SCHEMA);
        db.migrate(Relay.SCHEMA);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void deliveredOriginalsAreDroppedPendingOnesKeptAndOldRowsForgotten() throws SQLException {
        // 20,000 relayed messages whose originals are gone (delivered), as after days of traffic
        execute("INSERT INTO relay.sent_messages (submission_key, envelope_id, owner, alias, message)"
                + " SELECT 'k' || n, 'e' || n, 'alex', 'a@x', NULL FROM generate_series(1, 20000) AS n");
        execute("INSERT INTO transport.outbound (envelope_id, destination, state, next_attempt_at, expires_at,"
                + " finished_at) SELECT 'e' || n, 'https://b', 'delivered', now(), now(), now()"
                + " FROM generate_series(1, 20000) AS n");
        execute("INSERT INTO relay.sent_messages (submission_key, envelope_id, owner, alias, message) VALUES"
                + " ('delivered', 'e-delivered', 'alex', 'a@x', 'Subject: d'::bytea),"
                + " ('pending', 'e-pending', 'alex', 'a@x', 'Subject: p'::bytea),"
                + " ('old', 'e-old', 'alex', 'a@x', 'Subject: o'::bytea)");
        execute("UPDATE relay.sent_messages SET created_at = now() - interval '9 days' WHERE submission_key = 'old'");
        execute("INSERT INTO transport.outbound (envelope_id, destination, envelope, state, next_attempt_at, expires_at)"
                + " VALUES ('e-delivered', 'https://b', NULL, 'delivered', now(), now() + interval '5 days'),"
                + " ('e-pending', 'https://b', 'x'::bytea, 'pending', now(), now() + interval '5 days')");
        execute("ANALYZE relay.sent_messages");
        execute("ANALYZE transport.outbound");

        String plan = explain();
        assertFalse(plan.contains("Seq Scan on sent_messages"), "kept originals found by an index:\n" + plan);

        assertEquals(2, db.inTransaction(c -> sent.prune(c, Instant.now().minus(RETENTION))).intValue(),
                "the delivered original dropped, the old row forgotten");
        assertEquals(1L, count("SELECT count(*) FROM relay.sent_messages WHERE message IS NOT NULL"));
        assertEquals(1L, count("SELECT count(*) FROM relay.sent_messages WHERE submission_key = 'pending'"
                + " AND message IS NOT NULL"), "a pending envelope's original stays for its failure notice");
        assertEquals(20002L, count("SELECT count(*) FROM relay.sent_messages"));
    }

    private String explain() throws SQLException {
        return db.inTransaction(c -> {
            StringBuilder lines = new StringBuilder();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN " + SentMessages.DROP_DELIVERED_ORIGINALS)) {
                while (rs.next()) {
                    lines.append(rs.getString(1)).append('\n');
                }
            }
            return lines.toString();
        });
    }

    private void execute(String sql) throws SQLException {
        db.inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
            return null;
        });
    }

    private long count(String sql) throws SQLException {
        return db.inTransaction(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
