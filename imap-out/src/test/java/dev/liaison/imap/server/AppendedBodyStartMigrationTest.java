package dev.liaison.imap.server;

import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.Schema;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * imap V9: messages APPENDed with bare LF line ends or without a body were stored with body start 0
 * (James's APPEND found no CRLF CRLF), so their header was empty for good. The upgrade finds their
 * header's end and their body's line count; their octets stay as they are.
 */
class AppendedBodyStartMigrationTest {

    private static final String BARE_LF = "From: Carol <carol@example.net>\nSubject: stored before\n\none\ntwo\nthree";
    /** A parameter whose value is the name under which the line count is stored. */
    private static final String TRICKY_PARAMETER = "Content-Type: text/plain; charset=us-ascii; x=textual-line-count\n"
            + "Subject: a tricky parameter\n\nA\nB\n";
    private static final String HEADER_ONLY = "From: Carol <carol@example.net>\r\nSubject: only a header\r\n";

    @Test
    void rowsStoredWithoutAHeaderGetTheirHeaderBack(@TempDir Path before) throws Exception {
        Path all = Path.of(ImapService.class.getResource("/db/imap").toURI());
        try (var files = Files.list(all)) {
            for (Path f : files.filter(f -> version(f) < 9).toList()) {
                Files.copy(f, before.resolve(f.getFileName()));
            }
        }
        Database db = TestPostgres.EMBEDDED.freshDatabase();
        db.migrate(new Schema(ImapService.SCHEMA, "filesystem:" + before)); // the release before this one
        DeliveryHelper.deliver(db, "alice", "INBOX", BARE_LF);
        DeliveryHelper.deliver(db, "alice", "INBOX", HEADER_ONLY);
        DeliveryHelper.deliver(db, "alice", "INBOX", "Subject: well formed\r\n\r\nbody\r\n");
        DeliveryHelper.deliver(db, "alice", "INBOX", TRICKY_PARAMETER);
        db.inTransaction(c -> {
            // as James's APPEND stored the first two and the fourth: no header, every line of the message the body's
            try (PreparedStatement s = c.prepareStatement("UPDATE imap.message SET body_start = 0,"
                    + " properties[(SELECT i FROM generate_subscripts(properties, 1) AS i WHERE i % 3 = 2"
                    + " AND properties[i - 1] = 'urn:liaison:imap' AND properties[i] = 'textual-line-count') + 1] = '0'"
                    + " WHERE uid IN (1, 2, 4)")) {
                return s.executeUpdate();
            }
        });

        try (TestImap imap = TestImap.owning(db); RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("alice");
            c.command("EXAMINE INBOX");
            List<String> answer = c.command("FETCH 1:4 (ENVELOPE BODYSTRUCTURE BODY.PEEK[])");
            assertTrue(answer.get(0).contains("ENVELOPE (NIL \"stored before\" ((\"Carol\" NIL \"carol\" \"example.net\"))"),
                    answer.get(0));
            assertTrue(answer.get(0).contains("\"7BIT\" 13 3 "), "body size and lines: " + answer.get(0));
            assertTrue(answer.get(0).endsWith("BODY[] {" + BARE_LF.length() + "}\r\n" + BARE_LF + ")"), answer.get(0));
            assertTrue(answer.get(1).contains("ENVELOPE (NIL \"only a header\" ((\"Carol\" NIL"), answer.get(1));
            assertTrue(answer.get(1).contains("\"7BIT\" 0 0 "), answer.get(1));
            assertTrue(answer.get(2).contains("ENVELOPE (NIL \"well formed\" NIL"), answer.get(2));
            assertTrue(answer.get(2).contains("\"7BIT\" 6 1 "), "untouched: " + answer.get(2));
            // the line count is found by its own triple, not by a parameter value that reads the same
            assertTrue(answer.get(3).contains("\"x\" \"textual-line-count\"") && answer.get(3).contains("\"charset\" \"us-ascii\""),
                    "parameters untouched: " + answer.get(3));
            assertTrue(answer.get(3).contains("\"7BIT\" 4 2 "), "body size and lines: " + answer.get(3));
            assertEquals("* SEARCH 1", c.command("SEARCH SUBJECT \"stored before\"").get(0));
        }
    }

    /** {@code V9__name.sql} → 9. */
    private static int version(Path migration) {
        String name = migration.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }
}
