package dev.liaison.gateway.cli;

import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code liaison queue list} shows what waits for delivery by destination (a tester recovering a
 * peer's day-long outage had only /metrics); {@code queue flush} makes it due now and wakes the
 * running gateway's workers (a NOTIFY on the queue's channel, which they listen to).
 */
class QueueCliTest {

    @TempDir
    Path dir;

    @Test
    void theQueueIsListedByDestinationAndFlushedForOneOrAll() throws Exception {
        InProcessCli cli = new InProcessCli(TestPostgres.EMBEDDED.freshLocation(), dir, "alex.example");
        try (Database database = cli.open()) {
            InProcessCli.Run empty = cli.run("queue", "list");
            assertEquals(0, empty.code(), empty.output());
            assertTrue(empty.output().contains("DESTINATION"), empty.output());
            database.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO transport.outbound (envelope_id, destination,"
                        + " envelope, state, created_at, next_attempt_at, expires_at, attempts, last_error)"
                        + " VALUES (?, ?, '\\x00', 'pending', now() - ?::interval, now() + ?::interval, now() + interval '5 days',"
                        + " ?, ?)")) {
                    Object[][] rows = {
                            {"down-1", "https://peer.example/relay", "3 hours", "20 minutes", 9, "connection refused"},
                            {"down-2", "https://peer.example/relay", "2 hours", "25 minutes", 8, "connection refused"},
                            {"up-1", "https://other.example/relay", "10 seconds", "0 seconds", 0, null}};
                    for (Object[] row : rows) {
                        s.setString(1, (String) row[0]);
                        s.setString(2, (String) row[1]);
                        s.setString(3, (String) row[2]);
                        s.setString(4, (String) row[3]);
                        s.setInt(5, (Integer) row[4]);
                        s.setString(6, (String) row[5]);
                        s.executeUpdate();
                    }
                }
                return null;
            });

            InProcessCli.Run list = cli.run("queue", "list");
            assertEquals(0, list.code(), list.output());
            assertTrue(list.output().matches("(?s).*transport +https://peer\\.example/relay +2 +3 h +in 1\\d min +9"
                    + " +connection refused.*"), list.output());
            assertTrue(list.output().indexOf("peer.example") < list.output().indexOf("other.example"),
                    "the longest waiting first: " + list.output());
            InProcessCli.Run json = cli.run("queue", "list", "--json");
            assertTrue(json.output().contains("\"destination\": \"https://peer.example/relay\", \"waiting\": 2"),
                    json.output());

            try (Connection listener = database.dataSource().getConnection()) {
                try (Statement s = listener.createStatement()) {
                    s.execute("LISTEN transport_outbound");
                }
                InProcessCli.Run one = cli.run("queue", "flush", "https://peer.example/relay");
                assertEquals(0, one.code(), one.output());
                assertTrue(one.output().contains("2 waiting envelopes due now for https://peer.example/relay"),
                        one.output());
                PGNotification[] woken = listener.unwrap(PGConnection.class).getNotifications(10_000);
                assertNotNull(woken, "the running gateway's workers are woken");
                assertEquals("https://peer.example/relay", woken[0].getParameter());
            }
            assertEquals(0, later(database), "nothing waits for a later attempt any more");
            InProcessCli.Run again = cli.run("queue", "flush");
            assertTrue(again.output().contains("0 waiting envelopes due now (nothing was waiting"), again.output());
        }
    }

    private static long later(Database database) throws Exception {
        return database.inTransaction(c -> {
            try (var s = c.prepareStatement("SELECT count(*) FROM transport.outbound WHERE state = 'pending'"
                    + " AND next_attempt_at > now()");
                 var rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
