package dev.liaison.gateway.relationship;

import dev.liaison.gateway.cli.InProcessCli;
import dev.liaison.gateway.keys.KeyEncryptionKey;
import dev.liaison.mapping.database.DatabaseLocation;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.user.Login;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static dev.liaison.gateway.relationship.GatewayPair.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code liaison backup} of a running gateway and {@code liaison restore} into a new database, as an
 * administrator runs them, with real mail clients before and after: alex, connected with blair on
 * another gateway, has a folder of their own and a message from blair. The restored gateway shows
 * alex the same folders, UIDVALIDITYs, UIDs and message, and the relationship carries mail both
 * ways (restored into the external test server when there is one: an older PostgreSQL than the
 * embedded one the backup was taken from). A damaged backup, one of other schema versions, a database with rows and one in use are
 * refused, and a refused restore leaves the database without a row.
 */
class BackupRestoreTest {

    private static final Duration DELIVERY = Duration.ofSeconds(45);

    @TempDir
    static Path dir;
    private static GatewayPair pair;
    private static GatewayPair.Established link;
    private static Path backup;
    /** Alex's folders as IMAP showed them when the backup was taken. */
    private static Map<String, FolderState> before;

    /** A folder as a client sees it: UIDVALIDITY, and each message's UID and bytes. */
    record FolderState(long uidValidity, List<Long> uids, List<byte[]> messages) {
    }

    @BeforeAll
    static void backUpARunningGateway() throws Exception {
        pair = new GatewayPair(TestPostgres.available().get(0), dir);
        pair.alex.admin.addUser(Login.of("alex"), "Alex", "alex-pw".toCharArray());
        pair.blair.admin.addUser(Login.of("blair"), "Blair", "blair-pw".toCharArray());
        link = pair.connect();
        send(pair.blair, link.blairAlias(), "before the backup");
        await(DELIVERY, () -> subjects(pair.alex, "INBOX").contains("before the backup"), "blair's message to reach alex");
        try (Store store = MailClients.imap(pair.alex, "alex", "alex-pw")) {
            assertTrue(store.getFolder("Projects").create(Folder.HOLDS_MESSAGES));
        }
        before = folders(pair.alex);

        backup = dir.resolve("alex.backup");
        InProcessCli.Run run = cli(pair.alex.db).run("backup", backup.toString());
        assertEquals(0, run.code(), run.output());
        assertTrue(run.output().contains("keys/kek") && run.output().contains("apart from this file"),
                "the administrator is told the kek is not in it: " + run.output());
        assertTrue(run.output().contains("the TLS certificate " + pair.alex.dataDir.resolve("tls")), run.output());
        // with certificate files of the administrator's, those are named, not a data-dir/tls that is not there
        Path again = dir.resolve("again.backup");
        InProcessCli.Run named = cli(pair.alex.db).run("backup", again.toString(), "--tls.certificate=/etc/ssl/mx.pem",
                "--tls.private-key=/etc/ssl/private/mx.key");
        assertEquals(0, named.code(), named.output());
        assertTrue(named.output().contains("the TLS certificate /etc/ssl/mx.pem with /etc/ssl/private/mx.key"),
                named.output());
        assertFalse(named.output().contains(pair.alex.dataDir.resolve("tls").toString()), named.output());
        Files.delete(again);
    }

    @AfterAll
    static void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void theBackupIsTheOwnersOnlyAndHoldsNoKeyEncryptionKey() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)));
        byte[] kek = Files.readAllBytes(KeyEncryptionKey.fileIn(pair.alex.dataDir));
        byte[] kekHex = HexFormat.of().formatHex(kek).getBytes(StandardCharsets.US_ASCII);
        for (Map.Entry<String, byte[]> entry : entries(backup).entrySet()) {
            assertFalse(contains(entry.getValue(), kek) || contains(entry.getValue(), kekHex),
                    "the key-encryption key is in " + entry.getKey());
        }
        assertTrue(new String(entries(backup).get("header"), StandardCharsets.UTF_8).contains("table\timap.message\t"),
                "the header names the tables");
    }

    @Test
    void aRestoredGatewayShowsTheSameFoldersAndMailAndTheRelationshipCarriesMailBothWays() throws Exception {
        // into the external server when there is one (CI: Debian's PostgreSQL 15, older than the embedded 18)
        List<TestPostgres> servers = TestPostgres.available();
        DatabaseLocation.External fresh = servers.get(servers.size() - 1).freshLocation();
        InProcessCli.Run restored = cli(fresh).run("restore", backup.toString());
        assertEquals(0, restored.code(), restored.output());
        InProcessCli.Run again = cli(fresh).run("restore", backup.toString());
        assertEquals(1, again.code(), again.output());
        assertTrue(again.output().contains("already holds Liaison data"), again.output());

        pair.alex.stop();
        pair.alex.db = fresh; // the same data directory (kek, certificate), the restored database
        pair.alex.start();
        Map<String, FolderState> after = folders(pair.alex);
        assertEquals(before.keySet(), after.keySet(), "the same folders");
        for (String folder : before.keySet()) {
            assertEquals(before.get(folder).uidValidity(), after.get(folder).uidValidity(), folder + "'s UIDVALIDITY");
            assertEquals(before.get(folder).uids(), after.get(folder).uids(), folder + "'s UIDs");
            for (int i = 0; i < before.get(folder).messages().size(); i++) {
                assertArrayEquals(before.get(folder).messages().get(i), after.get(folder).messages().get(i),
                        folder + "'s message " + i);
            }
        }
        assertTrue(before.get("INBOX").uids().size() >= 1, "blair's message was there to compare");

        send(pair.blair, link.blairAlias(), "after the restore, to alex");
        await(DELIVERY, () -> subjects(pair.alex, "INBOX").contains("after the restore, to alex"),
                "blair's message to reach the restored alex");
        send(pair.alex, link.alexAlias(), "after the restore, to blair");
        await(DELIVERY, () -> subjects(pair.blair, "INBOX").contains("after the restore, to blair"),
                "the restored alex's message to reach blair");
    }

    /**
     * A backup taken while a client keeps appending to a folder (blair's gateway, running) holds a
     * snapshot: the folder's UID and MODSEQ counters cover every message it holds, and it holds no
     * fewer than before the backup began and no more than after it ended.
     */
    @Test
    void aBackupTakenWhileMailArrivesIsOneConsistentSnapshot() throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<Exception> failed = new AtomicReference<>();
        Thread appender = new Thread(() -> {
            try (Store store = MailClients.imap(pair.blair, "blair", "blair-pw")) {
                Folder inbox = store.getFolder("INBOX");
                for (int i = 0; writing.get(); i++) {
                    MimeMessage m = new MimeMessage(jakarta.mail.Session.getInstance(new java.util.Properties()));
                    m.setFrom(new InternetAddress("blair@" + pair.blair.domain));
                    m.setSubject("appended " + i);
                    m.setText("a body to copy, " + "x".repeat(2000) + "\r\n");
                    inbox.appendMessages(new Message[]{m});
                }
            } catch (Exception e) {
                failed.set(e);
            }
        });
        appender.start();
        await(DELIVERY, () -> inboxCount(pair.blair.db) >= 5, "the first appends");
        long atStart = inboxCount(pair.blair.db);
        Path during = dir.resolve("during.backup");
        InProcessCli.Run run = new InProcessCli(pair.blair.db, pair.blair.dataDir, pair.blair.domain)
                .run("backup", during.toString());
        long atEnd = inboxCount(pair.blair.db);
        writing.set(false);
        appender.join();
        assertEquals(0, run.code(), run.output());
        assertEquals(null, failed.get(), "the appends went on while the backup read");

        DatabaseLocation.External fresh = TestPostgres.available().get(0).freshLocation();
        InProcessCli.Run restored = new InProcessCli(fresh, pair.blair.dataDir, pair.blair.domain)
                .run("restore", during.toString());
        assertEquals(0, restored.code(), restored.output());
        long held = inboxCount(fresh);
        assertTrue(atStart <= held && held <= atEnd, atStart + " <= " + held + " <= " + atEnd);
        try (Connection c = DriverManager.getConnection(fresh.url(), fresh.user(), fresh.password());
             var s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT b.last_uid, b.highest_modseq, max(m.uid), max(m.modseq)"
                     + " FROM imap.mailbox b JOIN imap.message m ON m.mailbox_id = b.id"
                     + " WHERE b.owner = 'blair' AND b.name = 'INBOX' GROUP BY b.id")) {
            assertTrue(rs.next());
            assertTrue(rs.getLong(1) >= rs.getLong(3), "UIDNEXT above every UID held");
            assertTrue(rs.getLong(2) >= rs.getLong(4), "HIGHESTMODSEQ at or above every MODSEQ held");
        }
    }

    private static long inboxCount(DatabaseLocation.External db) {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             var s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM imap.message m JOIN imap.mailbox b ON m.mailbox_id = b.id"
                     + " WHERE b.owner = 'blair' AND b.name = 'INBOX'")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aDamagedBackupIsRefusedAndLeavesTheDatabaseEmpty() throws Exception {
        byte[] whole = Files.readAllBytes(backup);
        Map<String, byte[]> damaged = new LinkedHashMap<>();
        damaged.put("cut short", Arrays.copyOf(whole, whole.length * 3 / 4));
        byte[] flipped = whole.clone();
        int middle = offsetOfEntry(whole, "imap.message.copy") + 200; // inside the compressed messages
        flipped[middle] ^= 0x55;
        damaged.put("a byte altered", flipped);
        damaged.put("not a backup", "liaison-backup\t1\nsomething else\n".getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, byte[]> file : damaged.entrySet()) {
            Path path = dir.resolve("damaged.backup");
            Files.write(path, file.getValue());
            DatabaseLocation.External fresh = TestPostgres.available().get(0).freshLocation();
            InProcessCli.Run run = cli(fresh).run("restore", path.toString());
            assertEquals(1, run.code(), file.getKey() + ": " + run.output());
            assertTrue(run.output().contains("is damaged") && run.output().contains("nothing was restored"),
                    file.getKey() + ": " + run.output());
            assertEquals(0, rows(fresh), file.getKey() + ": the database is left without a row");
        }
    }

    @Test
    void aBackupOfANewerSchemaVersionIsRefusedNamingBoth() throws Exception {
        Map<String, byte[]> entries = entries(backup);
        String header = new String(entries.get("header"), StandardCharsets.UTF_8);
        String imapVersion = header.lines().filter(l -> l.startsWith("schema\timap\t")).findFirst().orElseThrow()
                .split("\t")[2];
        entries.put("header", header.replace("schema\timap\t" + imapVersion + "\n", "schema\timap\t99\n")
                .getBytes(StandardCharsets.UTF_8));
        Path newer = dir.resolve("newer.backup");
        try (OutputStream out = Files.newOutputStream(newer); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        DatabaseLocation.External fresh = TestPostgres.available().get(0).freshLocation();
        InProcessCli.Run run = cli(fresh).run("restore", newer.toString());
        assertEquals(1, run.code(), run.output());
        assertTrue(run.output().contains("schema imap at version 99 where this release's newest is " + imapVersion
                + ": a newer Liaison release took it"), run.output());
        assertEquals(0, rows(fresh));
    }

    @Test
    void aDatabaseInUseIsRefused() {
        // blair's gateway runs on its database: its connections are named liaison
        InProcessCli.Run run = cli(pair.blair.db).run("restore", backup.toString());
        assertEquals(1, run.code(), run.output());
        assertTrue(run.output().contains("the database is in use: liaison"), run.output());
    }

    private static InProcessCli cli(DatabaseLocation.External db) {
        return new InProcessCli(db, pair.alex.dataDir, pair.alex.domain);
    }

    /** Every row of every table in Liaison's schemas (Flyway's history tables aside). */
    private static long rows(DatabaseLocation.External db) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password()); var s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables"
                    + " WHERE table_schema IN ('mapping', 'imap', 'transport', 'relay', 'legacy')"
                    + " AND table_type = 'BASE TABLE' AND table_name <> 'flyway_history'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            long rows = 0;
            for (String table : tables) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                    rs.next();
                    rows += rs.getLong(1);
                }
            }
            return rows;
        }
    }

    private static Map<String, FolderState> folders(GatewayPair.Node node) throws Exception {
        Map<String, FolderState> folders = new LinkedHashMap<>();
        try (Store store = MailClients.imap(node, node.user, node.password)) {
            for (Folder f : store.getDefaultFolder().list("*")) {
                f.open(Folder.READ_ONLY);
                List<Long> uids = new ArrayList<>();
                List<byte[]> messages = new ArrayList<>();
                for (Message m : f.getMessages()) {
                    uids.add(((UIDFolder) f).getUID(m));
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    m.writeTo(out);
                    messages.add(out.toByteArray());
                }
                folders.put(f.getFullName(), new FolderState(((UIDFolder) f).getUIDValidity(), uids, messages));
                f.close(false);
            }
        }
        return folders;
    }

    private static List<String> subjects(GatewayPair.Node node, String folder) {
        try {
            return MailClients.subjects(node, folder);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(GatewayPair.Node node, String to, String subject) throws Exception {
        MimeMessage m = new MimeMessage(MailClients.smtp(node));
        m.setFrom(new InternetAddress(node.user + "@" + node.domain));
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject(subject);
        m.setText("Body of " + subject + "\r\n");
        m.saveChanges();
        MailClients.send(node, node.user, node.password, m);
    }

    /** Each entry's name and uncompressed bytes, in order. */
    private static Map<String, byte[]> entries(Path zipFile) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(zipFile); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                entries.put(e.getName(), zip.readAllBytes());
            }
        }
        return entries;
    }

    /** Where the local header of entry {@code name} starts in a ZIP file's bytes. */
    private static int offsetOfEntry(byte[] zip, String name) {
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + 30 + wanted.length < zip.length; i++) {
            if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 3 && zip[i + 3] == 4
                    && Arrays.equals(zip, i + 30, i + 30 + wanted.length, wanted, 0, wanted.length)) {
                return i;
            }
        }
        throw new AssertionError("no entry " + name);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }
}
