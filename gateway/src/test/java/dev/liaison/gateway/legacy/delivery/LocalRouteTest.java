package dev.liaison.gateway.legacy.delivery;

import dev.liaison.gateway.Gateway;
import dev.liaison.gateway.admin.Administration;
import dev.liaison.gateway.config.Configuration;
import dev.liaison.gateway.legacy.LegacyInbound;
import dev.liaison.gateway.transport.send.DeliveryOutcome;
import dev.liaison.imap.store.PostgresMailboxDelivery;
import dev.liaison.mapping.alias.Alias;
import dev.liaison.mapping.alias.AliasState;
import dev.liaison.mapping.database.DatabaseLocation;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.user.Login;
import dev.liaison.smtp.address.EmailAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-over of plain email between users of one gateway to its MX intake, against a real
 * database and the gateway's own intake: a second hand-over of the same octets (the queue's retry
 * after a crash between the intake's commit and the row's deletion) files nothing more; a refusal
 * is final with the MX's words; another domain goes the configured way.
 */
class LocalRouteTest {

    private static final String DOMAIN = "local.example";

    @TempDir
    static Path dir;
    private static Gateway gateway;
    private static LocalRoute route;
    private static Alias published;

    @BeforeAll
    static void start() throws Exception {
        DatabaseLocation.External db = TestPostgres.available().get(0).freshLocation();
        Map<String, String> settings = new HashMap<>(Map.of("domain", DOMAIN, "data-dir", dir.toString(),
                "bind-address", "127.0.0.1", "smtp.submission.port", "0", "smtp.submissions.port", "0",
                "smtp.inbound.port", "0", "imap.port", "0", "imaps.port", "0", "http.port", "0"));
        settings.putAll(Map.of("database.url", db.url(), "database.user", db.user(), "database.password", db.password()));
        gateway = Gateway.start(Configuration.defaultsWith(settings), Clock.systemUTC(), (name, type) -> List.of());
        Administration admin = new Administration(gateway.database(), DOMAIN);
        admin.addUser(Login.of("blake"), "Blake", "blake-pw".toCharArray());
        published = admin.createAlias(Login.of("blake"), "blake", true);
        LegacyInbound intake = new LegacyInbound(gateway.database(), new PostgresMailboxDelivery(Clock.systemUTC()),
                gateway.relay().legacyCorrespondents(), gateway.relay().legacyUpgrades(), DOMAIN, Optional.empty(),
                Clock.systemUTC());
        route = new LocalRoute(DOMAIN, intake, intake,
                (mail, message) -> new DeliveryOutcome.Retry("elsewhere: " + mail.recipient().domain(),
                        java.time.Duration.ZERO));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void theSameOctetsHandedOverTwiceAreFiledOnce() throws Exception {
        String subject = "twice " + shortId();
        OutboundMail mail = mail(published.address().toString());
        byte[] octets = message(mail, subject);
        assertInstanceOf(DeliveryOutcome.Delivered.class, route.carry(mail, octets));
        assertInstanceOf(DeliveryOutcome.Delivered.class, route.carry(mail, octets), "a retry is answered as done");
        assertEquals(1L, filed(subject), "filed once");
    }

    @Test
    void aDisabledPublishedAddressIsAFinalRefusalInTheMxsWords() throws Exception {
        Alias off = new Administration(gateway.database(), DOMAIN).createAlias(Login.of("blake"), "off", true);
        new Administration(gateway.database(), DOMAIN).changeAliasState(off.address(), AliasState.DISABLED);
        String subject = "to a disabled address " + shortId();
        OutboundMail mail = mail(off.address().toString());
        DeliveryOutcome outcome = route.carry(mail, message(mail, subject));
        DeliveryOutcome.Rejected rejected = assertInstanceOf(DeliveryOutcome.Rejected.class, outcome);
        assertTrue(rejected.reason().contains("answered RCPT TO with 550 5.2.1"), rejected.reason());
        assertEquals(Optional.of("550 5.2.1 this address is disabled"), SmtpReplies.replyIn(rejected.reason()),
                "the failure notice's Diagnostic-Code");
        assertEquals(0L, filed(subject));
    }

    @Test
    void anotherDomainGoesTheConfiguredWay() throws Exception {
        OutboundMail mail = mail("someone@elsewhere.example");
        DeliveryOutcome outcome = route.carry(mail, message(mail, "elsewhere " + shortId()));
        assertEquals("elsewhere: elsewhere.example", assertInstanceOf(DeliveryOutcome.Retry.class, outcome).reason());
    }

    private static OutboundMail mail(String to) throws Exception {
        return new OutboundMail("alex", EmailAddress.parse("mail." + shortId() + "@" + DOMAIN), EmailAddress.parse(to));
    }

    private static byte[] message(OutboundMail mail, String subject) {
        return ("From: Alex <" + mail.sender() + ">\r\nTo: <" + mail.recipient() + ">\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + shortId() + "@liaison.invalid>\r\nDate: Sat, 28 Nov 2026 03:00:00 +0000\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Messages with {@code subject} in any of blake's folders, read from the IMAP store's tables. */
    private static long filed(String subject) {
        return gateway.database().inTransaction(c -> {
            try (var s = c.prepareStatement("SELECT count(*) FROM imap.message m JOIN imap.mailbox b"
                    + " ON b.id = m.mailbox_id WHERE b.owner = 'blake' AND position(convert_to(?, 'UTF8') in m.content) > 0")) {
                s.setString(1, "Subject: " + subject);
                try (var rs = s.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
