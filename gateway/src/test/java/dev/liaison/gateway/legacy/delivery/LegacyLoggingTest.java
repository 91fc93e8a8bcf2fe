package dev.liaison.gateway.legacy.delivery;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.liaison.gateway.config.LegacySmarthost;
import dev.liaison.gateway.keys.KeyEncryptionKey;
import dev.liaison.gateway.transport.EnvelopeId;
import dev.liaison.gateway.transport.TestTls;
import dev.liaison.gateway.transport.send.DeliverySettings;
import dev.liaison.gateway.transport.send.DeliveryWorker;
import dev.liaison.gateway.transport.send.OutboundStatus;
import dev.liaison.imap.server.ImapService;
import dev.liaison.imap.store.PostgresMailboxDelivery;
import dev.liaison.mapping.MappingSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.Schema;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.smtp.address.EmailAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delivering and refusing plain email logs ids, outcomes and hosts, never the smarthost password,
 * addresses, subjects, bodies or the DKIM key, even at DEBUG.
 */
class LegacyLoggingTest {

    private static final String MARKER = "BODY-MARKER-51d0";

    @TempDir
    Path dir;

    @Test
    void deliveryAndRefusalLogNeitherSecretsNorAddressesNorBodies() throws Exception {
        Logger gateway = (Logger) LoggerFactory.getLogger("dev.liaison.gateway");
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        gateway.addAppender(captured);
        Level before = gateway.getLevel();
        gateway.setLevel(Level.DEBUG);
        EmailAddress sender = new EmailAddress("blair.secret7", "alex.example");
        EmailAddress refused = EmailAddress.parse(SubmissionSmarthost.UNKNOWN);
        EmailAddress accepted = new EmailAddress("carol.private", "legacy.example");
        LegacyDelivery legacy;
        try (Database db = TestPostgres.EMBEDDED.freshDatabase()) {
            db.migrate(MappingSchema.SCHEMA);
            db.migrate(new Schema(ImapService.SCHEMA, ImapService.MIGRATIONS));
            LegacySchema.migrate(db);
            TestTls tls = TestTls.generate(dir.resolve("tls"));
            try (SubmissionSmarthost peer = new SubmissionSmarthost(tls.server().serverContext())) {
                LegacyDeliverySettings settings = new LegacyDeliverySettings("alex.example",
                        new LegacyRoute.Smarthost(new LegacySmarthost("localhost", peer.startTlsPort(),
                                LegacySmarthost.Security.STARTTLS, SubmissionSmarthost.USER, SubmissionSmarthost.PASSWORD)),
                        "liaison", LegacyDeliverySettings.queueFrom(DeliverySettings.defaults()
                                .withPollInterval(Duration.ofMillis(50))), tls.clientContext(), d -> List.of());
                legacy = LegacyDelivery.open(settings, db, KeyEncryptionKey.loadOrCreate(dir.resolve("data")),
                        new PostgresMailboxDelivery(Clock.systemUTC()));
                try (DeliveryWorker worker = legacy.start()) {
                    EnvelopeId bounced = enqueue(db, legacy, sender, refused);
                    EnvelopeId delivered = enqueue(db, legacy, sender, accepted);
                    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    while ((state(db, legacy, bounced) != OutboundStatus.State.REJECTED
                            || state(db, legacy, delivered) != OutboundStatus.State.DELIVERED)
                            && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                }
            }
        } finally {
            gateway.detachAppender(captured);
            gateway.setLevel(before);
        }
        List<String> lines;
        synchronized (captured) {
            lines = captured.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("outcome=rejected")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("outcome=delivered")), lines.toString());
        String privateKey = Base64.getEncoder().encodeToString(legacy.dkimKey().encodedPrivateKey()).substring(40, 80);
        for (String line : lines) {
            for (String secret : List.of(SubmissionSmarthost.PASSWORD, MARKER, "Subject-of-" + MARKER, sender.toString(),
                    refused.toString(), accepted.toString(), privateKey)) {
                assertFalse(line.contains(secret), "'" + secret + "' in log: " + line);
            }
        }
    }

    private static EnvelopeId enqueue(Database db, LegacyDelivery legacy, EmailAddress from, EmailAddress to)
            throws Exception {
        EnvelopeId id = LegacyOutbox.deliveryId("blair", to.toString());
        byte[] message = ("From: <" + from + ">\r\nTo: <" + to + ">\r\nSubject: Subject-of-" + MARKER
                + "\r\nMessage-ID: <" + id.value() + "@alex.example>\r\n\r\n" + MARKER + "\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        db.inTransaction(c -> legacy.outbox().enqueue(c, new LegacyMessage(id, new OutboundMail("blair", from, to),
                message)));
        return id;
    }

    private static OutboundStatus.State state(Database db, LegacyDelivery legacy, EnvelopeId id) throws Exception {
        return db.inTransaction(c -> legacy.outbox().status(c, id)).orElseThrow().state();
    }
}
