package dev.liaison.imap.store;

import dev.liaison.imap.delivery.Delivered;
import dev.liaison.imap.delivery.Delivery;
import dev.liaison.imap.server.ImapService;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.Schema;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * imap.delivery remembers every delivery id so that a retried delivery files no second copy; before,
 * it remembered them for good and grew with every message. The caller forgets ids older than its
 * retries in batches ({@code MailboxDelivery#forget}); younger ids are still recognised.
 */
@ParameterizedClass
@MethodSource("dev.liaison.mapping.database.TestPostgres#available")
class DeliveryRetentionTest {

    /** What the gateway keeps: longer than any of its callers retries. */
    private static final Duration RETENTION = Duration.ofDays(8);

    @Parameter
    TestPostgres kind;

    private Database database;
    private final PostgresMailboxDelivery delivery = new PostgresMailboxDelivery(Clock.systemUTC());

    @BeforeEach
    void open() {
        database = kind.freshDatabase();
        database.migrate(new Schema(ImapService.SCHEMA, ImapService.MIGRATIONS));
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void idsOlderThanTheRetentionAreForgottenInBatchesYoungerOnesStillStopARetry() throws Exception {
        for (String id : new String[] {"old-1", "old-2", "old-3", "young"}) {
            assertFalse(deliver(id).duplicate());
        }
        execute("UPDATE imap.delivery SET delivered_at = now() - interval '9 days' WHERE delivery_id LIKE 'old-%'");
        Instant before = Instant.now().minus(RETENTION);

        assertEquals(2, forget(before, 2), "at most a batch");
        assertEquals(1, forget(before, 2));
        assertEquals(0, forget(before, 2), "nothing else is older than the retention");

        assertTrue(deliver("young").duplicate(), "a retry inside the retention is still recognised");
        assertEquals(4, count("SELECT count(*) FROM imap.message"), "the retry filed nothing; forgetting deleted no message");
        assertFalse(deliver("old-1").duplicate(), "a forgotten id is a new delivery: it was forgotten, not kept");
        assertEquals(5, count("SELECT count(*) FROM imap.message"));
    }

    /** A batch reads the rows it deletes, not the whole table: a large history must not be scanned every hour. */
    @Test
    void oldIdsAreFoundByAnIndexNotAScanOfEveryDelivery() throws Exception {
        execute("INSERT INTO imap.delivery (delivery_id, mailbox_id, uid, delivered_at) SELECT 'id-' || n, 1, n,"
                + " now() - (n || ' minutes')::interval FROM generate_series(1, 20000) AS n");
        execute("ANALYZE imap.delivery");
        String plan = database.inTransaction(c -> {
            StringBuilder lines = new StringBuilder();
            try (var s = c.prepareStatement("EXPLAIN " + PostgresMailboxDelivery.FORGET)) {
                s.setTimestamp(1, Timestamp.from(Instant.now().minus(RETENTION)));
                s.setInt(2, 1000);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        lines.append(rs.getString(1)).append('\n');
                    }
                }
            }
            return lines.toString();
        });
        assertTrue(plan.contains("delivery_delivered_at"), "old ids found through the index on delivered_at:\n" + plan);
        assertFalse(plan.contains("Seq Scan"), "no table scan:\n" + plan);
        assertEquals(1000, forget(Instant.now().minus(RETENTION), 1000));
        assertEquals(20000 - 1000, count("SELECT count(*) FROM imap.delivery"));
    }

    private Delivered deliver(String id) throws Exception {
        byte[] message = ("Subject: " + id + "\r\n\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII);
        return database.inTransaction(c -> delivery.deliver(c, new Delivery(id, "carol", "INBOX", message, false,
                Instant.now())));
    }

    private int forget(Instant before, int max) throws SQLException {
        return database.inTransaction(c -> delivery.forget(c, before, max));
    }

    private void execute(String sql) throws SQLException {
        database.inAutocommit(c -> {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
            return null;
        });
    }

    private long count(String sql) throws SQLException {
        return database.inTransaction(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
