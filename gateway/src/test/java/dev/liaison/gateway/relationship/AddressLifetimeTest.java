package dev.liaison.gateway.relationship;

import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.user.Login;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Addresses age: alex's gateway lives 20 days in the future, rotates its service keys and sends
 * blair's gateway a keep-alive with fresh addresses; 40 days in, every address alex handed out at
 * the start has expired, yet blair's mail still arrives — through the addresses of the keep-alive.
 */
class AddressLifetimeTest {

    @TempDir
    static Path dir;
    private static final MovableClock ALEX_TIME = new MovableClock();
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
    void aQuietRelationshipGetsFreshAddressesBeforeTheOldOnesExpire() throws Exception {
        int generation = pair.alex.relay().keys().currentKey().generation();
        long processedAtBlair = processed(pair.blair);

        ALEX_TIME.advance(Duration.ofDays(20));
        pair.alex.relay().keepAlive().runOnce(); // (or the gateway's own keep-alive thread, whichever runs first)
        assertEquals(generation + 1, pair.alex.relay().keys().currentKey().generation(), "the service keys rotated");
        GatewayPair.await(Duration.ofSeconds(30), () -> processed(pair.blair) > processedAtBlair,
                "blair's gateway to process the keep-alive");
        assertEquals(0, pair.alex.relay().keepAlive().runOnce(), "nothing due right after a refresh");
        Thread.sleep(1000);
        assertEquals(processedAtBlair + 1, processed(pair.blair), "exactly one keep-alive for the one quiet relationship");

        ALEX_TIME.advance(Duration.ofDays(20)); // 40 days: the first addresses expired 10 days ago
        MimeMessage m = new MimeMessage(MailClients.smtp(pair.blair));
        m.setFrom("blair@blair.test");
        m.setRecipients(Message.RecipientType.TO, link.blairAlias());
        m.setSubject("forty days later");
        m.setText("still there?\r\n");
        m.saveChanges();
        MailClients.send(pair.blair, "blair", "blair-pw", m);
        RelayEndToEndTest.awaitMessage(pair.alex, "forty days later");
        assertTrue(processed(pair.alex) > 0);
    }

    /** Envelopes a node processed to the end (delivered or dropped on purpose). */
    private static long processed(GatewayPair.Node node) {
        return ((Number) node.value("SELECT count(*) FROM transport.inbound WHERE state = 'done'")).longValue();
    }

    /** A clock the test moves forward; the relay of alex's gateway goes by it. */
    static final class MovableClock extends Clock {
        private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

        void advance(Duration by) {
            offset.updateAndGet(d -> d.plus(by));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset.get());
        }
    }
}
