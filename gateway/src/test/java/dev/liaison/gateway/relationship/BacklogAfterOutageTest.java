package dev.liaison.gateway.relationship;

import dev.liaison.gateway.Limits;
import dev.liaison.gateway.transport.TestClock;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.user.Login;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static dev.liaison.gateway.relationship.GatewayPair.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A backlog larger than the receiving ratchet's skipped-key window, left by a peer gateway that was
 * down, reaches the peer whole: two gateways, real SMTP submission, real HTTPS, real PostgreSQL. Each
 * envelope retried on its own jittered timer brought such a backlog back shuffled: the receiver could
 * open a message at most 1,000 positions early and none whose skipped key it had evicted, so of 3,000
 * messages accepted with 250 and counted delivered by the sender, 1,975 were quarantined and lost.
 *
 * <p>Alex's relay runs on a clock the test moves, so the retry times arrive without waiting for them.
 */
class BacklogAfterOutageTest {

    /** Past {@link Limits#DEFAULT_MAX_SKIPPED_MESSAGE_KEYS}, the window the receiver opens out-of-order mail in. */
    private static final int BACKLOG = Limits.DEFAULT_MAX_SKIPPED_MESSAGE_KEYS + 300;
    private static final Duration DELIVERY = Duration.ofSeconds(180);

    @TempDir
    static Path dir;
    private static final TestClock clock = new TestClock();
    private static GatewayPair pair;
    private static GatewayPair.Established link;

    @BeforeAll
    static void start() throws Exception {
        pair = new GatewayPair(TestPostgres.available().get(0), dir, clock);
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
    void aBacklogBeyondTheSkippedKeyWindowIsFiledWholeOnceEachInOrderWhenThePeerReturns() throws Exception {
        String run = "backlog " + UUID.randomUUID().toString().substring(0, 8) + " ";
        List<String> subjects = IntStream.range(0, BACKLOG).mapToObj(i -> run + String.format("%04d", i)).toList();
        long before = (Long) pair.alex.value("SELECT coalesce(max(id), 0) FROM transport.outbound");
        pair.blair.stop();
        try {
            sendOverOneConnection(pair.alex, link.alexAlias(), subjects);
            // every envelope accepted with 250 is queued; wait until alex's gateway has tried blair's and
            // left nothing due (or in flight) at its relay's clock, which does not move meanwhile
            assertEquals((long) BACKLOG, newOutbound("true", before), "envelopes queued at alex's gateway");
            await(DELIVERY, () -> newOutbound("attempts > 0", before) > 0, "alex's gateway to try blair's and fail");
            await(DELIVERY, () -> newOutbound("(next_attempt_at <= ? OR leased_until > ?)", before,
                    clock.instant().atOffset(ZoneOffset.UTC), clock.instant().atOffset(ZoneOffset.UTC)) == 0,
                    "every envelope to wait for a retry");
            long attempts = ((Number) pair.alex.value("SELECT sum(attempts) FROM transport.outbound WHERE id > ?",
                    before)).longValue();
            assertTrue(attempts < 50, "a destination that is down is tried a few envelopes at a time, not by each of"
                    + " the " + BACKLOG + " on its own timer: " + attempts + " attempts");
        } finally {
            pair.blair.start();
        }
        clock.advance(Duration.ofMinutes(1)); // past the first retries' wait (at most 5 s each)

        await(DELIVERY, () -> newOutbound("state = 'pending'", before) == 0, "alex's backlog to be delivered");
        await(DELIVERY, () -> (Long) pair.blair.value("SELECT count(*) FROM transport.inbound WHERE state = 'pending'")
                == 0, "blair's gateway to process what it received");
        assertEquals((long) BACKLOG, newOutbound("state = 'delivered'", before), "delivered, as alex's gateway counts");
        List<Object[]> quarantined = pair.blair.rows("SELECT last_error FROM transport.inbound"
                + " WHERE state = 'quarantined' LIMIT 3");
        assertEquals(0L, pair.blair.value("SELECT count(*) FROM transport.inbound WHERE state = 'quarantined'"),
                "nothing quarantined at blair's gateway, e.g. "
                        + quarantined.stream().map(r -> String.valueOf(r[0])).toList());
        List<String> filed = MailClients.subjects(pair.blair, "INBOX").stream().filter(s -> s.startsWith(run)).toList();
        assertEquals(BACKLOG, filed.size(), "messages filed in blair's INBOX");
        assertEquals(subjects, filed.stream().sorted().toList(), "each message filed once");
        // a few at a time in flight at each end: order within a handful, far below the window (a shuffled
        // backlog put messages hundreds ahead); measured 25 on a loaded 2-core machine
        int ahead = furthestAhead(filed.stream().map(subjects::indexOf).toList());
        assertTrue(ahead < 100, "filed in submission order give or take a few, not " + ahead + " positions early");
    }

    /** The most positions by which a message came before the oldest one still to come. */
    private static int furthestAhead(List<Integer> positions) {
        java.util.BitSet seen = new java.util.BitSet();
        int oldestMissing = 0;
        int furthest = 0;
        for (int position : positions) {
            seen.set(position);
            oldestMissing = seen.nextClearBit(oldestMissing);
            furthest = Math.max(furthest, position - oldestMissing);
        }
        return furthest;
    }

    /** Rows queued at alex's gateway after row {@code after} that satisfy {@code condition} (with its parameters). */
    private static long newOutbound(String condition, long after, Object... parameters) {
        Object[] all = new Object[parameters.length + 1];
        all[0] = after;
        System.arraycopy(parameters, 0, all, 1, parameters.length);
        return (Long) pair.alex.value("SELECT count(*) FROM transport.outbound WHERE id > ? AND " + condition, all);
    }

    /** One SMTP session, as a mail client sending a batch would: the quickest way to queue many. */
    private static void sendOverOneConnection(GatewayPair.Node node, String to, List<String> subjects) throws Exception {
        Session session = MailClients.smtp(node);
        try (Transport t = session.getTransport("smtp")) {
            t.connect(node.user, node.password);
            for (String subject : subjects) {
                MimeMessage m = new MimeMessage(session);
                m.setFrom(new InternetAddress(node.user + "@" + node.domain));
                m.setRecipients(Message.RecipientType.TO, to);
                m.setSubject(subject);
                m.setText("Body of " + subject + ".\n");
                m.saveChanges();
                t.sendMessage(m, m.getAllRecipients()); // returns only on 250
            }
        }
    }
}
