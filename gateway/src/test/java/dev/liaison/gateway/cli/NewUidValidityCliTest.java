package dev.liaison.gateway.cli;

import dev.liaison.gateway.admin.Administration;
import dev.liaison.imap.delivery.Delivery;
import dev.liaison.imap.store.PostgresMailboxDelivery;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.user.Login;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code liaison imap new-uidvalidity} as the administrator runs it after restoring an older backup
 * (docs/operations.md): without --yes it says what it would change and changes nothing; with it every
 * folder of the user named (or of everyone) gets a greater UIDVALIDITY and no other folder changes.
 * That a mail client sees the new value over IMAP is imap-out's UidValidityTest.
 */
class NewUidValidityCliTest {

    private static final String DOMAIN = "alex.example";

    @TempDir
    Path dir;

    @Test
    void previewThenOneUserThenEveryone() throws Exception {
        InProcessCli cli = new InProcessCli(TestPostgres.EMBEDDED.freshLocation(), dir, DOMAIN);
        try (Database database = cli.open()) {
            Administration admin = new Administration(database, DOMAIN);
            admin.addUser(Login.of("alex"), "Alex", "alex-pw".toCharArray());
            admin.addUser(Login.of("casey"), "Casey", "casey-pw".toCharArray());
            assertEquals(0, cli.run("relationship", "list", "--user", "alex").code(), "migrates the mailbox store");
            deliver(database, "alex", "Projects");
            deliver(database, "alex", "INBOX");
            deliver(database, "casey", "INBOX");
            Map<String, Long> before = validities(database);
            long alexFolders = before.keySet().stream().filter(f -> f.startsWith("alex/")).count();
            assertTrue(alexFolders >= 2 && before.size() > alexFolders, "the default folders, Projects too: " + before);

            InProcessCli.Run asked = cli.run("imap", "new-uidvalidity", "--user", "alex");
            assertEquals(1, asked.code(), asked.output());
            assertTrue(asked.output().contains("this gives " + alexFolders + " folders of 1 user a new UIDVALIDITY"), asked.output());
            assertTrue(asked.output().contains("Nothing was changed. To do it, run: liaison imap new-uidvalidity --user alex --yes"),
                    asked.output());
            assertEquals(before, validities(database), "nothing changed");

            InProcessCli.Run unknown = cli.run("imap", "new-uidvalidity", "--user", "blair", "--yes");
            assertEquals(1, unknown.code(), unknown.output());
            assertTrue(unknown.output().contains("no user 'blair'"), unknown.output());

            InProcessCli.Run alex = cli.run("imap", "new-uidvalidity", "--user", "alex", "--yes");
            assertEquals(0, alex.code(), alex.output());
            assertTrue(alex.output().contains("gave " + alexFolders + " folders of 1 user a new UIDVALIDITY"), alex.output());
            Map<String, Long> afterAlex = validities(database);
            afterAlex.forEach((folder, value) -> {
                if (folder.startsWith("alex/")) {
                    assertTrue(value > before.get(folder), folder + ": " + afterAlex + " after " + before);
                } else {
                    assertEquals(before.get(folder), value, "another user's folder unchanged: " + folder);
                }
            });
            assertEquals(alexFolders, afterAlex.entrySet().stream().filter(f -> f.getKey().startsWith("alex/"))
                    .map(Map.Entry::getValue).distinct().count(), "each folder its own value");

            InProcessCli.Run all = cli.run("imap", "new-uidvalidity", "--yes");
            assertEquals(0, all.code(), all.output());
            assertTrue(all.output().contains("gave " + before.size() + " folders of 2 users a new UIDVALIDITY"), all.output());
            Map<String, Long> afterAll = validities(database);
            afterAll.forEach((folder, value) -> assertTrue(value > afterAlex.get(folder), folder + ": " + afterAll));
        }
    }

    private static void deliver(Database database, String owner, String folder) throws Exception {
        byte[] message = ("From: someone@plain.example\r\nTo: " + owner + "@" + DOMAIN + "\r\nSubject: s\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        database.inTransaction(c -> new PostgresMailboxDelivery(Clock.systemUTC()).deliver(c,
                new Delivery("test:" + owner + ":" + folder, owner, folder, message, false, Instant.now())));
    }

    private static Map<String, Long> validities(Database database) throws Exception {
        return database.inTransaction(c -> {
            Map<String, Long> all = new TreeMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT owner || '/' || name, uid_validity FROM imap.mailbox");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    all.put(rs.getString(1), rs.getLong(2));
                }
            }
            return all;
        });
    }
}
