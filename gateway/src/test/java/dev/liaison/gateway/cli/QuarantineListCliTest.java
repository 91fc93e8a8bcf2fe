package dev.liaison.gateway.cli;

import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.PreparedStatement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code liaison quarantine list} names the local relationship a quarantined envelope's address
 * resolved to, so the administrator knows whose relationship to end after a restored backup broke it
 * (docs/operations.md, "Restoring an older backup"); an envelope whose address named none shows "-"
 * and has no such field in JSON.
 */
class QuarantineListCliTest {

    @TempDir
    Path dir;

    @Test
    void theListNamesTheRelationshipWhenTheAddressNamedOne() throws Exception {
        InProcessCli cli = new InProcessCli(TestPostgres.EMBEDDED.freshLocation(), dir, "alex.example");
        try (Database database = cli.open()) {
            assertEquals(0, cli.run("quarantine", "list").code(), "migrates the relay's schemas");
            database.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO transport.inbound (envelope_id, envelope, peer,"
                        + " recipient, state, last_error, received_at) VALUES (?, '\\x00', '127.0.0.1', ?, 'quarantined', ?,"
                        + " now() - ?::interval)")) {
                    Object[][] rows = {{"AAAAAAAAAAAAAAAAAAAAAA", 42L, "does not open: one", "2 minutes"},
                            {"BBBBBBBBBBBBBBBBBBBBBB", null, "key agreement refused: two", "1 minute"}};
                    for (Object[] row : rows) {
                        s.setString(1, (String) row[0]);
                        s.setObject(2, row[1], java.sql.Types.BIGINT);
                        s.setString(3, (String) row[2]);
                        s.setString(4, (String) row[3]);
                        s.executeUpdate();
                    }
                }
                return null;
            });

            InProcessCli.Run table = cli.run("quarantine", "list");
            assertEquals(0, table.code(), table.output());
            assertTrue(table.output().matches("(?s).*ENVELOPE +RECEIVED +OCTETS +RELATIONSHIP +REASON.*"), table.output());
            assertTrue(table.output().matches("(?s).*AAAAAAAAAAAAAAAAAAAAAA .* 1 +42 does not open: one.*"), table.output());
            assertTrue(table.output().matches("(?s).*BBBBBBBBBBBBBBBBBBBBBB .* 1 +- key agreement refused: two.*"),
                    table.output());

            InProcessCli.Run json = cli.run("quarantine", "list", "--json");
            assertEquals(0, json.code(), json.output());
            assertTrue(json.output().contains("\"octets\": 1, \"relationship\": 42, \"reason\": \"does not open: one\""),
                    json.output());
            assertTrue(json.output().contains("\"octets\": 1, \"reason\": \"key agreement refused: two\""), json.output());
        }
    }

    /**
     * A listing cut short by {@code --limit} says how many there are (the tester saw 100 of 1,976
     * with nothing saying so); {@code release} and {@code drop} take several envelopes or
     * {@code --all}, in one transaction: a list with one id that is not quarantined changes nothing.
     */
    @Test
    void aShortenedListSaysSoAndEnvelopesAreReleasedOrDroppedTogether() throws Exception {
        InProcessCli cli = new InProcessCli(TestPostgres.EMBEDDED.freshLocation(), dir, "alex.example");
        try (Database database = cli.open()) {
            assertEquals(0, cli.run("quarantine", "list").code(), "migrates the relay's schemas");
            java.util.List<String> ids = new java.util.ArrayList<>();
            database.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO transport.inbound (envelope_id, envelope, peer,"
                        + " state, last_error, received_at) VALUES (?, '\\x00', '127.0.0.1', 'quarantined', 'does not open',"
                        + " now() - ?::interval)")) {
                    for (int i = 0; i < 5; i++) {
                        String id = String.valueOf((char) ('C' + i)).repeat(22);
                        ids.add(id);
                        s.setString(1, id);
                        s.setString(2, (10 - i) + " minutes");
                        s.executeUpdate();
                    }
                }
                return null;
            });
            InProcessCli.Run shortened = cli.run("quarantine", "list", "--limit", "2");
            assertEquals(0, shortened.code(), shortened.output());
            assertTrue(shortened.output().contains(ids.get(0)) && !shortened.output().contains(ids.get(2)),
                    shortened.output());
            assertTrue(shortened.output().contains("the 2 oldest of 5 quarantined envelopes; --limit 5 lists more"),
                    shortened.output());
            assertTrue(!cli.run("quarantine", "list").output().contains("oldest of"), "nothing left out, nothing said");

            InProcessCli.Run refused = cli.run("quarantine", "release", ids.get(0), "Z".repeat(22));
            assertEquals(1, refused.code(), refused.output());
            assertTrue(refused.output().contains("is not quarantined"), refused.output());
            assertEquals(5, quarantined(database), "one unknown id: nothing released");
            assertEquals(1, cli.run("quarantine", "release").code(), "neither ids nor --all");

            InProcessCli.Run two = cli.run("quarantine", "release", ids.get(0), ids.get(1));
            assertEquals(0, two.code(), two.output());
            assertEquals(3, quarantined(database));
            InProcessCli.Run all = cli.run("quarantine", "drop", "--all");
            assertEquals(0, all.code(), all.output());
            assertTrue(all.output().contains("3 envelopes dropped"), all.output());
            assertEquals(0, quarantined(database));
        }
    }

    private static long quarantined(Database database) throws Exception {
        return database.inTransaction(c -> {
            try (var s = c.prepareStatement("SELECT count(*) FROM transport.inbound WHERE state = 'quarantined'");
                 var rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
