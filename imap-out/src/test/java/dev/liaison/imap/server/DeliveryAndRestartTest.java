package dev.liaison.imap.server;

import dev.liaison.imap.delivery.Delivered;
import dev.liaison.imap.delivery.Delivery;
import dev.liaison.imap.delivery.DeliveryException;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeliveryAndRestartTest {

    private static Delivery delivery(String id, String owner, String folder, String subject) {
        return new Delivery(id, owner, folder, MailClient.simple(subject, "x").getBytes(StandardCharsets.UTF_8), false,
                Instant.parse("2025-06-03T09:05:30Z"));
    }

    private static String status(TestImap imap, String user, String folder) throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(user);
            return c.command("STATUS " + folder + " (MESSAGES UIDNEXT UIDVALIDITY)").get(0);
        }
    }

    @Test
    void aRetriedDeliveryCreatesNoSecondCopy() throws Exception {
        try (TestImap imap = TestImap.start(TestPostgres.EMBEDDED)) {
            Delivered first = DeliveryHelper.deliver(imap, delivery("d-1", "alice", "INBOX", "once"));
            Delivered again = DeliveryHelper.deliver(imap, delivery("d-1", "alice", "INBOX", "once"));
            assertFalse(first.duplicate());
            assertTrue(again.duplicate());
            assertEquals(first.uid(), again.uid());
            assertEquals(first.uidValidity(), again.uidValidity());
            assertTrue(status(imap, "alice", "INBOX").contains("MESSAGES 1 "), status(imap, "alice", "INBOX"));
        }
    }

    @Test
    void aConcurrentRetryWaitsForTheFirstAttemptThenFindsItsCopy() throws Exception {
        try (TestImap imap = TestImap.start(TestPostgres.EMBEDDED)) {
            DeliveryHelper.deliver(imap, delivery("d-0", "alice", "INBOX", "before")); // folders provisioned
            java.util.concurrent.CountDownLatch filed = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch commit = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                var first = pool.submit(() -> imap.database.inTransaction(c -> {
                    Delivered d = ImapService.delivery().deliver(c, delivery("d-5", "alice", "INBOX", "raced"));
                    filed.countDown();
                    commit.await(); // still uncommitted while the retry starts
                    return d;
                }));
                assertTrue(filed.await(10, TimeUnit.SECONDS));
                var retry = pool.submit(() -> imap.database.inTransaction(c ->
                        ImapService.delivery().deliver(c, delivery("d-5", "alice", "INBOX", "raced"))));
                Thread.sleep(300);
                assertFalse(retry.isDone(), "the retry waits for the first attempt to end");
                commit.countDown();
                Delivered a = first.get(10, TimeUnit.SECONDS);
                Delivered b = retry.get(10, TimeUnit.SECONDS);
                assertFalse(a.duplicate());
                assertTrue(b.duplicate(), "the retry finds the first attempt's copy, it does not fail or file another");
                assertEquals(a.uid(), b.uid());
                assertTrue(status(imap, "alice", "INBOX").contains("MESSAGES 2 "), status(imap, "alice", "INBOX"));
            } finally {
                commit.countDown();
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aDeliveryRolledBackWithTheCallersTransactionLeavesNothing() throws Exception {
        try (TestImap imap = TestImap.start(TestPostgres.EMBEDDED)) {
            assertThrows(IllegalStateException.class, () -> imap.database.inTransaction(c -> {
                ImapService.delivery().deliver(c, delivery("d-2", "alice", "INBOX", "rolled back"));
                throw new IllegalStateException("the caller's later step failed");
            }));
            assertTrue(status(imap, "alice", "INBOX").contains("MESSAGES 0 "));
            Delivered retried = DeliveryHelper.deliver(imap, delivery("d-2", "alice", "INBOX", "rolled back"));
            assertFalse(retried.duplicate());
            assertTrue(status(imap, "alice", "INBOX").contains("MESSAGES 1 "));
        }
    }

    /**
     * The delivery's one statement also sends the notification other processes learn of the
     * message from: once, on commit, with the numbers the database gave the message; none for a
     * retry or a rolled-back delivery.
     */
    @Test
    void aDeliveryIsAnnouncedOnceOnCommitWithTheNumbersTheDatabaseGaveIt() throws Exception {
        try (TestImap imap = TestImap.start(TestPostgres.EMBEDDED);
             java.sql.Connection listener = imap.database.dataSource().getConnection()) {
            try (var s = listener.createStatement()) {
                s.execute("LISTEN " + dev.liaison.imap.events.PostgresEventBus.CHANNEL);
            }
            var pg = listener.unwrap(org.postgresql.PGConnection.class);
            assertThrows(IllegalStateException.class, () -> imap.database.inTransaction(c -> {
                ImapService.delivery().deliver(c, delivery("n-0", "carol", "Archive.2025", "rolled back"));
                throw new IllegalStateException("the caller's later step failed");
            }));
            Delivery d = delivery("n-1", "carol", "Archive.2025", "announced");
            Delivered delivered = DeliveryHelper.deliver(imap, d);
            DeliveryHelper.deliver(imap, d); // a retry: filed before, announced before
            List<String> payloads = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                var notes = pg.getNotifications(200);
                if (notes != null) {
                    for (var note : notes) {
                        payloads.add(note.getParameter());
                    }
                }
            }
            assertEquals(1, payloads.size(), "one announcement, for the committed first attempt: " + payloads);
            String[] f = payloads.get(0).split("\\|", -1);
            String[] m = f[7].split(":", -1);
            try (var c = imap.database.dataSource().getConnection();
                 var s = c.prepareStatement("SELECT x.id, m.modseq, m.message_id, m.thread_id FROM imap.message m"
                         + " JOIN imap.mailbox x ON x.id = m.mailbox_id WHERE x.owner = 'carol' AND x.name = ?"
                         + " AND m.uid = ?")) {
                s.setString(1, "Archive.2025");
                s.setLong(2, delivered.uid());
                try (var rs = s.executeQuery()) {
                    assertTrue(rs.next(), "the announced message is stored");
                    assertEquals(List.of("v1", "delivery", "A", rs.getString(1), "carol", "%23private", "Archive.2025"), // URL-encoded fields
                            List.of(f).subList(0, 7));
                    assertEquals(List.of(Long.toString(delivered.uid()), rs.getString(2), "R",
                            Integer.toString(d.message().length), Long.toString(d.receivedAt().toEpochMilli()),
                            rs.getString(3), rs.getString(4)), List.of(m));
                }
            }
        }
    }

    /**
     * pglz cost a quarter of the database's CPU per 10 KB message and 40 % of the machine's in a relay
     * of 1 MB ones: a message is compressed with lz4 where the server has it, else stored as is.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("dev.liaison.mapping.database.TestPostgres#available")
    void aMessageIsCompressedWithLz4WhereTheServerHasItAndElseStoredAsIs(TestPostgres server) throws Exception {
        try (TestImap imap = TestImap.start(server)) {
            String text = MailClient.simple("compressible", "the same line again\r\n".repeat(600));
            Delivered delivered = DeliveryHelper.deliver(imap, new Delivery("z-1", "dora", "INBOX",
                    text.getBytes(StandardCharsets.UTF_8), false, Instant.now()));
            try (var c = imap.database.dataSource().getConnection();
                 var s = c.prepareStatement("SELECT pg_column_compression(m.content), octet_length(m.content),"
                         + " pg_column_size(m.content)"
                         + " FROM imap.message m JOIN imap.mailbox x ON x.id = m.mailbox_id"
                         + " WHERE x.owner = 'dora' AND m.uid = ?")) {
                s.setLong(1, delivered.uid());
                try (var rs = s.executeQuery()) {
                    assertTrue(rs.next());
                    boolean lz4 = server.hasLz4();
                    assertEquals(lz4 ? "lz4" : null, rs.getString(1), "how the message was compressed");
                    assertEquals(text.length(), rs.getInt(2));
                    if (lz4) {
                        assertTrue(rs.getInt(3) < text.length() / 4, "compressed to " + rs.getInt(3) + " bytes");
                    } else {
                        assertTrue(rs.getInt(3) >= text.length(), "stored in " + rs.getInt(3) + " bytes");
                    }
                }
            }
            imap.users.put("dora", TestImap.PASSWORD);
            try (RawImap client = RawImap.tls(imap.imapsPort())) {
                client.login("dora");
                client.command("SELECT INBOX");
                String fetched = String.join("\r\n", client.command("UID FETCH " + delivered.uid() + " (BODY.PEEK[])"));
                assertTrue(fetched.contains("{" + text.length() + "}\r\n" + text), "the message as delivered");
            }
        }
    }

    @Test
    void deliveryToANewFolderCreatesItAndOversizedMessagesAreRefused() throws Exception {
        try (TestImap imap = TestImap.start(TestPostgres.EMBEDDED)) {
            DeliveryHelper.deliver(imap, delivery("d-3", "bob", "Lists.runners", "club news"));
            assertTrue(status(imap, "bob", "Lists.runners").contains("MESSAGES 1 "));
            byte[] huge = new byte[Limits.MESSAGE_OCTETS + 1];
            Delivery tooBig = new Delivery("d-4", "bob", "INBOX", huge, false, Instant.now());
            assertThrows(DeliveryException.Refused.class,
                    () -> imap.database.inTransaction(c -> ImapService.delivery().deliver(c, tooBig)));
        }
    }

    @Test
    void aRestartKeepsUidsAndUidValidity() throws Exception {
        try (TestImap imap = TestImap.start(TestPostgres.EMBEDDED)) {
            DeliveryHelper.deliver(imap, "alice", "INBOX", MailClient.simple("before restart", "x"));
            DeliveryHelper.deliver(imap, "alice", "INBOX", MailClient.simple("before restart 2", "x"));
            String before = status(imap, "alice", "INBOX");
            String uidsBefore;
            try (RawImap c = RawImap.tls(imap.imapsPort())) {
                c.login("alice");
                c.command("EXAMINE INBOX");
                uidsBefore = String.join("\n", c.command("FETCH 1:* (UID)"));
            }
            imap.restart();
            assertEquals(before, status(imap, "alice", "INBOX"));
            try (RawImap c = RawImap.tls(imap.imapsPort())) {
                c.login("alice");
                c.command("EXAMINE INBOX");
                assertEquals(uidsBefore, String.join("\n", c.command("FETCH 1:* (UID)")));
            }
            Delivered next = DeliveryHelper.deliver(imap, "alice", "INBOX", MailClient.simple("after restart", "x"));
            assertEquals(3, next.uid());
        }
    }

    @Test
    void anAppendThroughOneServerWakesAnIdlerOnAnotherServerOfTheSameDatabase() throws Exception {
        try (TestImap first = TestImap.start(TestPostgres.EMBEDDED);
             TestImap second = TestImap.sharing(first.database);
             RawImap idler = RawImap.tls(second.imapsPort());
             RawImap writer = RawImap.tls(first.imapsPort())) {
            idler.login("alice");
            idler.command("SELECT INBOX");
            String tag = idler.nextTag();
            idler.send(tag + " IDLE\r\n");
            assertTrue(idler.line().startsWith("+"));
            BlockingQueue<String> pushed = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try {
                    pushed.add(idler.line());
                } catch (Exception e) {
                    pushed.add("error " + e);
                }
            });
            reader.start();
            writer.login("alice");
            String message = MailClient.simple("across servers", "x");
            List<String> append = writer.command("APPEND INBOX {" + message.length() + "+}\r\n" + message);
            assertTrue(RawImap.last(append).contains("OK"), append.toString());
            long start = System.nanoTime();
            String line = pushed.poll(5, TimeUnit.SECONDS);
            assertNotNull(line, "the idling client on the other server heard nothing");
            assertEquals("* 1 EXISTS", line);
            System.out.printf("cross-server IDLE notice after %d ms%n", (System.nanoTime() - start) / 1_000_000);
            idler.send("DONE\r\n");
            assertTrue(RawImap.last(idler.until(tag)).contains("OK"));
        }
    }

    @Test
    void aFlagChangeOnOneServerReachesAnIdlerOnAnother() throws Exception {
        try (TestImap first = TestImap.start(TestPostgres.EMBEDDED);
             TestImap second = TestImap.sharing(first.database)) {
            DeliveryHelper.deliver(first, "alice", "INBOX", MailClient.simple("to flag", "x"));
            try (RawImap idler = RawImap.tls(second.imapsPort()); RawImap writer = RawImap.tls(first.imapsPort())) {
                idler.login("alice");
                idler.command("SELECT INBOX");
                String tag = idler.nextTag();
                idler.send(tag + " IDLE\r\n");
                assertTrue(idler.line().startsWith("+"));
                writer.login("alice");
                writer.command("SELECT INBOX");
                assertTrue(RawImap.last(writer.command("STORE 1 +FLAGS (\\Flagged)")).contains("OK"));
                String line = idler.line();
                assertTrue(line.startsWith("* 1 FETCH (FLAGS (") && line.contains("\\Flagged"), line);
                idler.send("DONE\r\n");
                idler.until(tag);
            }
        }
    }
}
