package dev.liaison.gateway.relationship;

import dev.liaison.gateway.transport.Limits;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.user.Login;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.liaison.gateway.relationship.GatewayPair.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The receiving gateway in trouble for longer than a retry or two: away for hours (past the
 * sender's 30-minute backoff ceiling), and out of disk space. Alex's gateway goes by a clock the
 * test moves, so hours of retries take seconds; blair's runs in real time. Every message that got
 * a {@code 250} must arrive exactly once, and nothing may end in quarantine or in a failure notice.
 */
class ReceiverTroubleTest {

    private static final Duration DELIVERY = Duration.ofSeconds(60);
    private static final AddressLifetimeTest.MovableClock ALEX_TIME = new AddressLifetimeTest.MovableClock();

    @TempDir
    static Path dir;
    private static GatewayPair pair;
    private static GatewayPair.Established link;

    @BeforeAll
    static void start() throws Exception {
        pair = new GatewayPair(TestPostgres.available().get(0), dir, ALEX_TIME);
        pair.alex.admin.addUser(Login.of("alex"), "Alex", "alex-pw".toCharArray());
        pair.blair.admin.addUser(Login.of("blair"), "Blair", "blair-pw".toCharArray());
        link = pair.connect();
    }

    @AfterAll
    static void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void aReceiverAwayForHoursPastTheBackoffCeilingGetsTheMailOnceItReturns() throws Exception {
        String subject = "through a long outage " + shortId();
        long before = lastOutboundRow();
        pair.blair.stop();
        List<Duration> waits = new ArrayList<>();
        try {
            send(subject);
            await(DELIVERY, () -> attempts(before) >= 1, "alex's gateway to try blair's and fail");
            // about four simulated hours: each step moves alex's clock past the next attempt; the
            // waits reach the 30-minute ceiling from the 10th attempt on (base 5 s, doubling)
            for (int step = 0; step < 12; step++) {
                int attempts = attempts(before);
                Duration wait = Duration.between(ALEX_TIME.instant(), nextAttempt(before));
                waits.add(wait);
                assertTrue(wait.compareTo(Limits.RETRY_CEILING.plusSeconds(5)) <= 0,
                        "attempt " + attempts + " waits " + wait + ", beyond the ceiling " + Limits.RETRY_CEILING);
                ALEX_TIME.advance(wait.plusSeconds(1));
                await(DELIVERY, () -> attempts(before) > attempts, "alex's gateway to try again after " + wait);
            }
        } finally {
            pair.blair.start();
        }
        System.out.println("[ReceiverTroubleTest] waits between attempts while blair was away: " + waits);
        Duration late = waits.get(waits.size() - 1);
        assertTrue(late.compareTo(Limits.RETRY_CEILING.dividedBy(2).minusSeconds(5)) >= 0,
                "past the ceiling the waits stay near it (jitter: half to all of it), not shrinking: " + waits);
        assertEquals("pending", outboundState(before), "still retried, not given up (expiry is days away)");

        ALEX_TIME.advance(Limits.RETRY_CEILING.plusMinutes(1));
        awaitInbox(List.of(subject));
        await(DELIVERY, () -> "delivered".equals(outboundState(before)), "the envelope to be recorded as delivered");
        assertEquals(1, MailClients.withSubject(pair.blair, "INBOX", subject).size(), "delivered exactly once");
        assertEquals(0, MailClients.withSubject(pair.alex, "INBOX", "Undeliverable: " + subject).size(),
                "no failure notice for mail that arrived");
    }

    /**
     * Blair's mailbox store and envelope store each live on a small file system, filled one after
     * the other. Mailbox store full: blair keeps the envelopes it accepted and retries them without
     * counting the failures towards quarantine. Envelope store full too: blair refuses new envelopes
     * and alex retries. Once there is space again, everything arrives, each message once.
     */
    @Test
    void aReceiverWhoseDiskIsFullDefersOrRefusesMailAndDeliversAllOfItOnceThereIsSpace() throws Exception {
        SmallDisk mailboxes = SmallDisk.mount("4m");
        SmallDisk envelopes = SmallDisk.mount("4m");
        try {
            moveTable("imap.message", "small_mailboxes", mailboxes);
            moveTable("transport.inbound", "small_envelopes", envelopes);
            long before = lastOutboundRow();
            String prefix = "full disk " + shortId() + " ";
            List<String> sent = new ArrayList<>();

            mailboxes.fill();
            sendUntil(prefix, sent, () -> pendingAtBlair() > 0);
            Thread.sleep(3000); // blair's worker tries them again, a few times
            assertTrue(pendingAtBlair() > 0, "accepted envelopes wait at blair while the mailbox store is full");
            assertEquals(0L, pair.blair.value("SELECT count(*) FROM transport.inbound WHERE attempts > 0"
                    + " OR state = 'quarantined'"), "a full disk is the database's trouble, not the envelopes':"
                    + " no failed attempt counted towards quarantine");
            long deferred = pendingAtBlair();

            envelopes.fill();
            sendUntil(prefix, sent, () -> refusedAtAlex(before) > 0);
            System.out.println("[ReceiverTroubleTest] full disk: " + sent.size() + " messages sent; " + deferred
                    + " accepted by blair and deferred, " + refusedAtAlex(before) + " refused by blair (alex retries)");

            mailboxes.free();
            envelopes.free();
            ALEX_TIME.advance(Limits.RETRY_CEILING.plusMinutes(1));
            awaitInbox(sent);
            for (String subject : sent) {
                assertEquals(1, MailClients.withSubject(pair.blair, "INBOX", subject).size(), subject);
            }
            assertEquals(0L, pair.blair.value("SELECT count(*) FROM transport.inbound WHERE state = 'quarantined'"));
            await(DELIVERY, () -> (Long) pair.alex.value("SELECT count(*) FROM transport.outbound WHERE id > ?"
                    + " AND state <> 'delivered'", before) == 0, "alex's queue to record every delivery");
        } finally {
            mailboxes.free();
            envelopes.free();
            for (String table : List.of("imap.message", "transport.inbound")) {
                execute(pair.blair, "ALTER TABLE " + table + " SET TABLESPACE pg_default");
            }
            execute(pair.blair, "DROP TABLESPACE IF EXISTS small_mailboxes");
            execute(pair.blair, "DROP TABLESPACE IF EXISTS small_envelopes");
            mailboxes.unmount();
            envelopes.unmount();
        }
    }

    private static void moveTable(String table, String tablespace, SmallDisk disk) throws Exception {
        execute(pair.blair, "CREATE TABLESPACE " + tablespace + " LOCATION '" + disk.path() + "'");
        execute(pair.blair, "ALTER TABLE " + table + " SET TABLESPACE " + tablespace);
    }

    /** Sends one message every half second until {@code done} (at most 40). */
    private static void sendUntil(String prefix, List<String> sent, java.util.function.BooleanSupplier done)
            throws Exception {
        for (int i = 0; i < 40 && !done.getAsBoolean(); i++) {
            String subject = prefix + sent.size();
            sent.add(subject);
            send(subject);
            Thread.sleep(500);
        }
        assertTrue(done.getAsBoolean(), "the full disk showed after " + sent.size() + " messages");
    }

    /** A tmpfs of a given size, mounted for the test (needs root, as the CI machine runs as). */
    private record SmallDisk(Path path, Path ballast) {

        static SmallDisk mount(String size) throws Exception {
            Path path = Files.createDirectories(Path.of("/tmp", "liaison-small-disk-" + shortId()));
            run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", path.toString());
            Path data = Files.createDirectory(path.resolve("pg"));
            return new SmallDisk(data, path.resolve("ballast"));
        }

        /** Writes ballast until the file system is full. */
        void fill() throws IOException {
            byte[] block = new byte[8192];
            try (OutputStream out = Files.newOutputStream(ballast)) {
                while (true) {
                    out.write(block);
                }
            } catch (IOException full) {
                // "No space left on device": exactly what we wanted
            }
        }

        void free() throws IOException {
            Files.deleteIfExists(ballast);
        }

        void unmount() throws Exception {
            run("umount", "-l", ballast.getParent().toString()); // PostgreSQL may still hold a closed table's file
            Files.delete(ballast.getParent());
        }

        private static void run(String... command) throws Exception {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (this test mounts a small"
                        + " tmpfs and must run as root): " + output);
            }
        }
    }

    private static long refusedAtAlex(long before) {
        return (Long) pair.alex.value("SELECT count(*) FROM transport.outbound WHERE id > ? AND last_error IS NOT NULL",
                before);
    }

    private static long pendingAtBlair() {
        return (Long) pair.blair.value("SELECT count(*) FROM transport.inbound WHERE state = 'pending'");
    }

    /** A statement that may not run in a transaction block (CREATE TABLESPACE), as the superuser. */
    private static void execute(GatewayPair.Node node, String sql) throws Exception {
        try (var c = java.sql.DriverManager.getConnection(node.db.url(), node.db.user(), node.db.password());
             var s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void send(String subject) throws Exception {
        MimeMessage m = new MimeMessage(MailClients.smtp(pair.alex));
        m.setFrom(new InternetAddress("alex@" + pair.alex.domain));
        m.setRecipients(Message.RecipientType.TO, link.alexAlias());
        m.setSubject(subject);
        m.setText("Body of " + subject + ".\n");
        m.saveChanges();
        MailClients.send(pair.alex, "alex", "alex-pw", m);
    }

    private static void awaitInbox(List<String> subjects) throws InterruptedException {
        await(DELIVERY, () -> {
            try {
                return MailClients.subjects(pair.blair, "INBOX").containsAll(subjects);
            } catch (Exception e) {
                return false; // blair's gateway is starting: ask again
            }
        }, subjects.size() + " message(s) in blair's INBOX");
    }

    private static long lastOutboundRow() {
        return (Long) pair.alex.value("SELECT coalesce(max(id), 0) FROM transport.outbound");
    }

    private static int attempts(long after) {
        return ((Number) pair.alex.value("SELECT attempts FROM transport.outbound WHERE id > ? ORDER BY id LIMIT 1",
                after)).intValue();
    }

    private static Instant nextAttempt(long after) {
        return ((java.sql.Timestamp) pair.alex.value("SELECT next_attempt_at FROM transport.outbound WHERE id > ?"
                + " ORDER BY id LIMIT 1", after)).toInstant();
    }

    private static String outboundState(long after) {
        return (String) pair.alex.value("SELECT state FROM transport.outbound WHERE id > ? ORDER BY id LIMIT 1", after);
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
