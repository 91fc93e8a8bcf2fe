package dev.liaison.gateway.legacy.delivery;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.liaison.gateway.config.LegacySmarthost;
import dev.liaison.gateway.keys.KeyEncryptionKey;
import dev.liaison.gateway.transport.TestClock;
import dev.liaison.gateway.transport.TestTls;
import dev.liaison.gateway.transport.send.Backoff;
import dev.liaison.gateway.transport.send.DeliverySettings;
import dev.liaison.gateway.transport.send.DeliveryWorker;
import dev.liaison.gateway.transport.send.OutboundStatus;
import dev.liaison.gateway.transport.EnvelopeId;
import dev.liaison.imap.delivery.Delivered;
import dev.liaison.imap.delivery.Delivery;
import dev.liaison.imap.delivery.DeliveryException;
import dev.liaison.imap.delivery.MailboxDelivery;
import dev.liaison.imap.server.ImapService;
import dev.liaison.imap.store.PostgresMailboxDelivery;
import dev.liaison.mapping.MappingSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.Schema;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.smtp.address.EmailAddress;
import dev.liaison.smtp.submission.Submission;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import javax.net.ssl.SSLContext;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Outbound legacy email end to end: the outbox in a real PostgreSQL database, the delivery worker
 * speaking SMTP over loopback sockets to real servers (GreenMail; Liaison's own smtp-in as a
 * smarthost with STARTTLS, implicit TLS and AUTH), failure notices filed in the sender's INBOX.
 */
@ParameterizedClass
@MethodSource("dev.liaison.mapping.database.TestPostgres#available")
class LegacyDeliveryTest {

    private static final String DOMAIN = "alex.example";
    private static final Duration BASE = Duration.ofSeconds(10);
    private static final EmailAddress SENDER = new EmailAddress("blair.q7k2", DOMAIN);
    private static final EmailAddress BOB = new EmailAddress("bob", "legacy.example");

    @Parameter
    TestPostgres postgres;

    @TempDir
    Path dir;

    @TempDir
    static Path shared;

    /** One certificate and one smarthost for the class: an smtp-in server takes seconds to stop. */
    private static TestTls tls;
    private static SubmissionSmarthost smarthost;

    private final TestClock clock = new TestClock();
    private final Deque<AutoCloseable> open = new ArrayDeque<>();
    private final List<Delivery> notices = new CopyOnWriteArrayList<>();
    private Database db;
    private KeyEncryptionKey kek;
    private LegacyDeliverySettings settings;
    private LegacyDelivery legacy;
    private DeliveryWorker worker;

    @BeforeEach
    void prepare() throws Exception {
        db = opened(postgres.freshDatabase());
        db.migrate(MappingSchema.SCHEMA);
        db.migrate(new Schema(ImapService.SCHEMA, ImapService.MIGRATIONS));
        LegacySchema.migrate(db);
        kek = KeyEncryptionKey.loadOrCreate(dir.resolve("data"));
        DeliverySettings queue = LegacyDeliverySettings.queueFrom(DeliverySettings.defaults().withClock(clock)
                .withBackoff(new Backoff(BASE, Duration.ofMinutes(5))).withPollInterval(Duration.ofMillis(50)));
        settings = new LegacyDeliverySettings(DOMAIN, new LegacyRoute.Off(), "liaison", queue, tls.clientContext(),
                domain -> { throw new MxLookupException("no DNS in this test", false); });
    }

    @BeforeAll
    static void startSmarthost() throws Exception {
        tls = TestTls.generate(shared.resolve("tls"));
        smarthost = new SubmissionSmarthost(tls.server().serverContext());
    }

    @AfterAll
    static void stopSmarthost() {
        smarthost.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        while (!open.isEmpty()) {
            open.pop().close();
        }
    }

    @Test
    void messageThroughAPlainSmarthostArrivesOnceWithAVerifiableSignature() throws Exception {
        GreenMail peer = greenMail(freePort());
        start(smarthost(peer.getSmtp().getPort(), LegacySmarthost.Security.NONE, false));

        EnvelopeId id = enqueue(BOB, "Lunch?");

        waitUntil(() -> state(id) == OutboundStatus.State.DELIVERED);
        assertEquals(1, status(id).attempts());
        assertEquals(1, peer.getReceivedMessages().length);
        byte[] received = octets(peer.getReceivedMessages()[0]);
        assertTrue(DkimVerifiers.jdkim(received, legacy.dkimKey(), DOMAIN), "jDKIM verifies what arrived");
        assertTrue(DkimVerifiers.dkimpy(received, legacy.dkimKey()), "dkimpy verifies what arrived");
        assertTrue(new String(received, StandardCharsets.US_ASCII).contains("\r\n.leading dot survives"),
                "dot-stuffing was undone by the receiver");
        assertEquals("<" + SENDER + ">", peer.getReceivedMessages()[0].getHeader("Return-Path", null));
    }

    @Test
    void startTlsSmarthostWithAuthGetsTheMessageFromTheConfiguredLogin() throws Exception {
        SubmissionSmarthost peer = smarthost;
        start(smarthost(peer.startTlsPort(), LegacySmarthost.Security.STARTTLS, true));

        String subject = "Over STARTTLS " + java.util.UUID.randomUUID(); // the smarthost serves every run of the class
        EnvelopeId id = enqueue(BOB, subject);

        waitUntil(() -> state(id) == OutboundStatus.State.DELIVERED);
        assertEquals(1, peer.acceptedWithSubject(subject).size());
        Submission submission = peer.acceptedWithSubject(subject).get(0);
        assertEquals(SubmissionSmarthost.USER, submission.user().id());
        assertEquals(SENDER, submission.sender().mailbox().orElseThrow());
        assertEquals(List.of(BOB), submission.recipients());
        assertTrue(DkimVerifiers.jdkim(submission.message().toByteArray(), legacy.dkimKey(), DOMAIN));
    }

    @Test
    void implicitTlsSmarthostWithAuthGetsTheMessage() throws Exception {
        SubmissionSmarthost peer = smarthost;
        start(smarthost(peer.implicitTlsPort(), LegacySmarthost.Security.TLS, true));

        String subject = "Over TLS " + java.util.UUID.randomUUID(); // the smarthost serves every run of the class
        EnvelopeId id = enqueue(BOB, subject);

        waitUntil(() -> state(id) == OutboundStatus.State.DELIVERED);
        assertEquals(1, peer.acceptedWithSubject(subject).size());
        assertTrue(DkimVerifiers.dkimpy(peer.acceptedWithSubject(subject).get(0).message().toByteArray(),
                legacy.dkimKey()));
    }

    @Test
    void aSmarthostWhoseCertificateIsNotTrustedGetsNothingAndTheMessageWaits() throws Exception {
        SubmissionSmarthost peer = smarthost;
        settings = settings.withSmarthostTrust(SSLContext.getDefault()); // the JDK's CAs: the test certificate is not among them
        start(smarthost(peer.startTlsPort(), LegacySmarthost.Security.STARTTLS, true));

        EnvelopeId id = enqueue(BOB, "Never in clear");

        waitUntil(() -> status(id).attempts() == 1 && !status(id).lastError().isEmpty());
        assertEquals(OutboundStatus.State.PENDING, state(id));
        assertTrue(peer.acceptedWithSubject("Never in clear").isEmpty());
        assertTrue(notices.isEmpty());
    }

    @Test
    void smarthostDownThenUpIsRetriedWithBackoffAndDeliversOnce() throws Exception {
        int port = freePort();
        start(smarthost(port, LegacySmarthost.Security.NONE, false));

        EnvelopeId id = enqueue(BOB, "Patience");
        waitUntil(() -> status(id).attempts() == 1 && !status(id).lastError().isEmpty());
        assertEquals(OutboundStatus.State.PENDING, state(id));
        assertTrue(status(id).nextAttemptAt().isAfter(clock.instant()), "the retry waits for the backoff");

        GreenMail peer = greenMail(port);
        clock.advance(BASE);
        worker.wake();

        waitUntil(() -> state(id) == OutboundStatus.State.DELIVERED);
        assertEquals(2, status(id).attempts());
        assertEquals(1, peer.getReceivedMessages().length);
    }

    /** A queue row is short-lived: the message waits in it as is, not compressed, and leaves it whole. */
    @Test
    void aQueuedMessageWaitsUncompressedAndArrivesWhole() throws Exception {
        int port = freePort();
        start(smarthost(port, LegacySmarthost.Security.NONE, false));
        String text = "the same line again\r\n".repeat(1000);
        byte[] content = (new String(TestMessages.plain(SENDER.toString(), BOB.toString(), "Long"),
                StandardCharsets.US_ASCII) + text).getBytes(StandardCharsets.US_ASCII);
        EnvelopeId id = LegacyOutbox.deliveryId("blair", "Long", BOB.toString());
        assertTrue(queue(new LegacyMessage(id, new OutboundMail("blair", SENDER, BOB), content)));
        // the retry recorded, not only the attempt counted (that happens at the lease): a clock advanced before
        // the record would put the next attempt past the time this test moves it to (it failed once so)
        waitUntil(() -> status(id).attempts() == 1 && !status(id).lastError().isEmpty());

        assertEquals(1, count("SELECT count(*) FROM legacy.outbound WHERE envelope_id = '" + id.value() + "'"
                + " AND pg_column_compression(envelope) IS NULL AND pg_column_size(envelope) > " + content.length));
        GreenMail peer = greenMail(port);
        clock.advance(BASE);
        worker.wake();
        waitUntil(() -> state(id) == OutboundStatus.State.DELIVERED);
        // the receiver keeps the last line without its CRLF, which SMTP counts as the terminator's
        String received = new String(octets(peer.getReceivedMessages()[0]), StandardCharsets.US_ASCII);
        assertTrue(received.endsWith(text.stripTrailing()), "the message arrived whole");
    }

    @Test
    void permanentRefusalBouncesToTheSenderAndIsNeverRetried() throws Exception {
        SubmissionSmarthost peer = smarthost;
        start(smarthost(peer.startTlsPort(), LegacySmarthost.Security.STARTTLS, true));

        EnvelopeId id = enqueue(EmailAddress.parse(SubmissionSmarthost.UNKNOWN), "To nobody");

        waitUntil(() -> state(id) == OutboundStatus.State.REJECTED);
        assertTrue(status(id).lastError().contains("550"), status(id).lastError());
        waitUntil(() -> notices.size() == 1);
        assertNotice(notices.get(0), "Diagnostic-Code: smtp; 550 5.1.1", "5.1.1"); // the server's own words and code
        clock.advance(Duration.ofHours(1));
        worker.wake();
        Thread.sleep(300);
        assertEquals(1, status(id).attempts(), "a refused message is not tried again");
        assertEquals(1, notices.size());
        assertTrue(peer.acceptedWithSubject("To nobody").isEmpty());
    }

    @Test
    void temporaryRefusalIsRetriedLater() throws Exception {
        SubmissionSmarthost peer = smarthost;
        start(smarthost(peer.startTlsPort(), LegacySmarthost.Security.STARTTLS, true));

        EnvelopeId id = enqueue(EmailAddress.parse(SubmissionSmarthost.BUSY), "Busy");

        waitUntil(() -> status(id).attempts() == 1 && status(id).lastError().contains("451"));
        assertEquals(OutboundStatus.State.PENDING, state(id));
        assertTrue(notices.isEmpty());
    }

    @Test
    void aMessageNotAcceptedBeforeItExpiresBouncesToTheSender() throws Exception {
        start(smarthost(freePort(), LegacySmarthost.Security.NONE, false));

        EnvelopeId id = enqueue(BOB, "Too late");
        waitUntil(() -> status(id).attempts() == 1 && !status(id).lastError().isEmpty());
        clock.advance(settings.queue().expiry().plusMinutes(1));
        worker.wake();

        waitUntil(() -> state(id) == OutboundStatus.State.EXPIRED);
        waitUntil(() -> notices.size() == 1);
        assertNotice(notices.get(0), "in time", "4.4.7");
    }

    @Test
    void enqueueRolledBackWithTheCallersTransactionSendsNothing() throws Exception {
        GreenMail peer = greenMail(freePort());
        start(smarthost(peer.getSmtp().getPort(), LegacySmarthost.Security.NONE, false));
        EnvelopeId rolledBack = LegacyOutbox.deliveryId("blair", "<rolled-back@alex.example>", BOB.toString());

        assertThrows(IllegalStateException.class, () -> db.inTransaction(c -> {
            legacy.outbox().enqueue(c, message(rolledBack, BOB, "Rolled back"));
            throw new IllegalStateException("the submission's transaction failed after the enqueue");
        }));
        EnvelopeId control = enqueue(BOB, "Committed");

        waitUntil(() -> state(control) == OutboundStatus.State.DELIVERED);
        assertEquals(1, peer.getReceivedMessages().length);
        assertEquals("Committed", peer.getReceivedMessages()[0].getSubject());
        assertFalse(db.inTransaction(c -> legacy.outbox().status(c, rolledBack)).isPresent());
    }

    @Test
    void theSameDeliveryIdQueuedTwiceSendsOneMessage() throws Exception {
        GreenMail peer = greenMail(freePort());
        start(smarthost(peer.getSmtp().getPort(), LegacySmarthost.Security.NONE, false));
        EnvelopeId id = LegacyOutbox.deliveryId("blair", "<retried@alex.example>", BOB.toString());
        LegacyMessage message = message(id, BOB, "Retried submission");

        assertTrue(queue(message));
        assertFalse(queue(message), "the second enqueue changes nothing");
        EnvelopeId next = enqueue(BOB, "Next");

        waitUntil(() -> state(id) == OutboundStatus.State.DELIVERED && state(next) == OutboundStatus.State.DELIVERED);
        assertEquals(2, peer.getReceivedMessages().length);
        assertEquals(1, count("SELECT count(*) FROM legacy.outbound WHERE envelope_id = '" + id.value() + "'"));
    }

    @Test
    void directMxDeliversToTheNextExchangerWhenTheFirstIsDown() throws Exception {
        GreenMail peer = greenMail(freePort());
        InetAddress loopback = InetAddress.getLoopbackAddress();
        int closed = freePort();
        settings = settings.withMxLookup(domain -> List.of(new MailTarget("mx1." + domain, loopback, closed),
                new MailTarget("mx2." + domain, loopback, peer.getSmtp().getPort())));
        start(new LegacyRoute.DirectMx());

        EnvelopeId id = enqueue(BOB, "Straight to the MX");

        waitUntil(() -> state(id) == OutboundStatus.State.DELIVERED);
        assertEquals(1, status(id).attempts());
        assertEquals(1, peer.getReceivedMessages().length);
        assertTrue(DkimVerifiers.dkimpy(octets(peer.getReceivedMessages()[0]), legacy.dkimKey()));
    }

    @Test
    void directMxToADomainThatAcceptsNoMailBouncesAtOnce() throws Exception {
        settings = settings.withMxLookup(domain -> {
            throw new MxLookupException("domain " + domain + " accepts no mail (null MX, RFC 7505)", true);
        });
        start(new LegacyRoute.DirectMx());

        EnvelopeId id = enqueue(BOB, "Nowhere");

        waitUntil(() -> state(id) == OutboundStatus.State.REJECTED);
        waitUntil(() -> notices.size() == 1);
        assertNotice(notices.get(0), "RFC 7505", "5.0.0");
    }

    @Test
    void withLegacyEmailOffTheOutboxRefusesAndQueuesNothing() throws Exception {
        start(new LegacyRoute.Off());

        assertFalse(legacy.isEnabled());
        LegacyEmailDisabledException e = assertThrows(LegacyEmailDisabledException.class, () -> enqueue(BOB, "Off"));
        assertEquals("legacy email is not configured on this gateway", e.getMessage());
        assertEquals(0, count("SELECT count(*) FROM legacy.outbound"));
    }

    @Test
    void bccIsRemovedBeforeTheMessageIsSignedAndSent() throws Exception {
        GreenMail peer = greenMail(freePort());
        start(smarthost(peer.getSmtp().getPort(), LegacySmarthost.Security.NONE, false));
        EnvelopeId id = LegacyOutbox.deliveryId("blair", "<bcc@alex.example>", BOB.toString());
        String plain = new String(TestMessages.plain(SENDER.toString(), BOB.toString(), "With Bcc"),
                StandardCharsets.US_ASCII);
        byte[] withBcc = plain.replace("Subject: With Bcc\r\n", "Subject: With Bcc\r\nBcc: hidden@legacy.example\r\n")
                .getBytes(StandardCharsets.US_ASCII);

        assertTrue(queue(new LegacyMessage(id, new OutboundMail("blair", SENDER, BOB), withBcc)));

        waitUntil(() -> state(id) == OutboundStatus.State.DELIVERED);
        byte[] received = octets(peer.getReceivedMessages()[0]);
        assertFalse(new String(received, StandardCharsets.US_ASCII).contains("hidden@legacy.example"));
        assertTrue(DkimVerifiers.dkimpy(received, legacy.dkimKey()));
    }

    @Test
    void anEightBitMessageReachesAServerWithout8bitmimeAs7bitWithAVerifiableSignature() throws Exception {
        GreenMail peer = greenMail(freePort());
        assertFalse(ehloReply(peer.getSmtp().getPort()).contains("8BITMIME"), "the peer must not offer 8BITMIME");
        start(smarthost(peer.getSmtp().getPort(), LegacySmarthost.Security.NONE, false));
        byte[] original = SevenBitBodyTest.thunderbirdStyle();
        EnvelopeId id = LegacyOutbox.deliveryId("blair", "<7bit@alex.example>", BOB.toString());

        assertTrue(queue(new LegacyMessage(id, new OutboundMail("blair", SENDER, BOB), original)));

        waitUntil(() -> state(id) == OutboundStatus.State.DELIVERED);
        byte[] received = octets(peer.getReceivedMessages()[0]);
        SevenBitBodyTest.assertSevenBitLines(received); // RFC 6152 §3: no 8-bit octet to a server without 8BITMIME
        assertTrue(DkimVerifiers.jdkim(received, legacy.dkimKey(), DOMAIN), "jDKIM verifies what arrived");
        assertTrue(DkimVerifiers.dkimpy(received, legacy.dkimKey()), "dkimpy verifies what arrived");
        assertEquals(SevenBitBodyTest.leaves(original), SevenBitBodyTest.leaves(received), "decoded, the same content");
    }

    @Test
    void aMessageTooLargeOnceEncodedIsRefusedAndQueuesNothing() throws Exception {
        start(new LegacyRoute.DirectMx());
        byte[] head = TestMessages.plain(SENDER.toString(), BOB.toString(), "Big");
        String header = new String(head, StandardCharsets.US_ASCII).split("\r\n\r\n")[0]
                .replace("Content-Transfer-Encoding: 7bit", "Content-Transfer-Encoding: 8bit") + "\r\n\r\n";
        // nearly all 8-bit, so base64: 4 octets for every 3, and four fifths of the limit grow past it
        byte[] line = ("ü".repeat(60) + "\r\n").getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream big = new ByteArrayOutputStream();
        big.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        while (big.size() + line.length < Limits.MAX_MESSAGE_BYTES / 5 * 4) {
            big.writeBytes(line);
        }

        OversizedMessageException e = assertThrows(OversizedMessageException.class, () -> queue(message(big.toByteArray(), "4")));
        assertTrue(e.getMessage().contains("once its 8-bit parts are encoded"), e.getMessage());
        assertEquals(0, count("SELECT count(*) FROM legacy.outbound"));
    }

    @Test
    void messagesThatCannotBeSignedOrAreTooLargeAreRefusedAndQueueNothing() throws Exception {
        start(new LegacyRoute.DirectMx());
        byte[] bareLf = "From: <blair.q7k2@alex.example>\nTo: <bob@legacy.example>\n\nhi\n".getBytes(StandardCharsets.US_ASCII);
        byte[] noFrom = "To: <bob@legacy.example>\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] huge = new byte[Limits.MAX_MESSAGE_BYTES + 1];

        assertThrows(MalformedMessageException.class, () -> queue(message(bareLf, "1")));
        assertThrows(MalformedMessageException.class, () -> queue(message(noFrom, "2")));
        OversizedMessageException e = assertThrows(OversizedMessageException.class, () -> queue(message(huge, "3")));
        assertTrue(e.getMessage().contains(Integer.toString(Limits.MAX_MESSAGE_BYTES)), e.getMessage());
        assertEquals(0, count("SELECT count(*) FROM legacy.outbound"));
        assertEquals(0, count("SELECT count(*) FROM legacy.outbound_mail"));
    }

    @Test
    void aPlainEmailDestinationCannotEnterTheRelaysQueue() {
        var relayQueue = new dev.liaison.gateway.transport.send.OutboundQueue(settings.queue());
        var envelope = new dev.liaison.gateway.transport.send.OutboundEnvelope(EnvelopeId.random(),
                java.net.URI.create("smtp://legacy.example"), dev.liaison.gateway.transport.EnvelopeBytes.copyOf(new byte[]{1}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> db.inTransaction(c -> relayQueue.enqueue(c, envelope)));
        assertTrue(e.getMessage().contains("transport.outbound"), e.getMessage());
    }

    @Test
    void theDkimKeyIsGeneratedOnceAndSurvivesARestart() throws Exception {
        start(new LegacyRoute.Off());
        DkimKey first = legacy.dkimKey();

        LegacyDelivery again = LegacyDelivery.open(settings, db, KeyEncryptionKey.loadOrCreate(dir.resolve("data")), recordingMailboxes());

        assertEquals(first.record(), again.dkimKey().record());
        byte[] sealed = db.inTransaction(c -> {
            try (var s = c.prepareStatement("SELECT private_key FROM legacy.dkim_keys"); var rs = s.executeQuery()) {
                rs.next();
                return rs.getBytes(1);
            }
        });
        assertFalse(contains(sealed, first.encodedPrivateKey()), "the stored private key is sealed");
    }

    // --- helpers ---------------------------------------------------------------------------------

    private void start(LegacyRoute route) throws Exception {
        settings = settings.withRoute(route);
        legacy = LegacyDelivery.open(settings, db, kek, recordingMailboxes());
        worker = opened(legacy.start());
    }

    private MailboxDelivery recordingMailboxes() {
        MailboxDelivery real = new PostgresMailboxDelivery(Clock.systemUTC());
        return new MailboxDelivery() {
            @Override
            public Delivered deliver(Connection c, Delivery delivery) throws DeliveryException, SQLException {
                var delivered = real.deliver(c, delivery);
                notices.add(delivery);
                return delivered;
            }

            @Override
            public int forget(Connection c, Instant before, int max) throws SQLException {
                return real.forget(c, before, max);
            }

            @Override
            public int move(Connection c, String owner, String from, String to, String mentioning,
                            java.util.function.Predicate<byte[]> which) throws SQLException {
                return real.move(c, owner, from, to, mentioning, which);
            }

            @Override
            public void lock(Connection c, String owner, java.util.List<String> folders) throws SQLException {
                real.lock(c, owner, folders);
            }
        };
    }

    private static LegacyRoute smarthost(int port, LegacySmarthost.Security security, boolean auth) {
        return new LegacyRoute.Smarthost(new LegacySmarthost("localhost", port, security,
                auth ? SubmissionSmarthost.USER : "", auth ? SubmissionSmarthost.PASSWORD : ""));
    }

    private EnvelopeId enqueue(EmailAddress recipient, String subject) throws Exception {
        EnvelopeId id = LegacyOutbox.deliveryId("blair", subject, recipient.toString());
        assertTrue(queue(message(id, recipient, subject)));
        return id;
    }

    private boolean queue(LegacyMessage message) throws Exception {
        Boolean queued = db.inTransaction(c -> legacy.outbox().enqueue(c, message));
        return queued;
    }

    private int count(String sql) {
        Integer count = db.inTransaction(c -> {
            try (var s = c.prepareStatement(sql); var rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
        return count;
    }

    private static LegacyMessage message(EnvelopeId id, EmailAddress recipient, String subject) {
        return new LegacyMessage(id, new OutboundMail("blair", SENDER, recipient),
                TestMessages.plain(SENDER.toString(), recipient.toString(), subject));
    }

    private static LegacyMessage message(byte[] content, String n) {
        return new LegacyMessage(LegacyOutbox.deliveryId("bad", n), new OutboundMail("blair", SENDER, BOB), content);
    }

    private void assertNotice(Delivery notice, String reason, String status) {
        String text = new String(notice.message(), StandardCharsets.UTF_8);
        assertEquals("blair", notice.owner());
        assertEquals("INBOX", notice.folder());
        assertTrue(text.contains("Subject: Undeliverable:"), text);
        assertTrue(text.contains(reason), text);
        assertTrue(text.contains("Status: " + status), text);
        assertTrue(text.contains("DKIM-Signature: v=1;"), "the signed original is attached");
    }

    private OutboundStatus status(EnvelopeId id) {
        return db.inTransaction(c -> legacy.outbox().status(c, id)).orElseThrow();
    }

    private OutboundStatus.State state(EnvelopeId id) {
        return status(id).state();
    }

    private GreenMail greenMail(int port) {
        GreenMail mail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        open.push(mail::stop);
        return mail;
    }

    /** The server's EHLO reply, read over a socket of this test's own. */
    private static String ehloReply(int port) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            in.readLine(); // the greeting
            socket.getOutputStream().write("EHLO test.example\r\n".getBytes(StandardCharsets.US_ASCII));
            StringBuilder reply = new StringBuilder();
            String line;
            do {
                line = in.readLine();
                reply.append(line).append('\n');
            } while (line != null && line.startsWith("250-"));
            socket.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            return reply.toString();
        }
    }

    private static byte[] octets(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static int freePort() throws Exception {
        return dev.liaison.gateway.transport.ListenPorts.free();
    }

    private <T extends AutoCloseable> T opened(T resource) {
        open.push(resource);
        return resource;
    }

    private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 20 s");
            }
            Thread.sleep(20);
        }
    }
}
