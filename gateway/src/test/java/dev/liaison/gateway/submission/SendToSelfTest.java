package dev.liaison.gateway.submission;

import dev.liaison.mapping.alias.AliasState;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.user.Login;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sending to yourself, end to end through the real listeners of a whole gateway: SMTP
 * submission (smtp-in) → own-alias policy and self-delivery (gateway) → INBOX (imap-out) → IMAP;
 * on every PostgreSQL the tests can reach.
 */
@ParameterizedClass
@MethodSource("dev.liaison.mapping.database.TestPostgres#available")
class SendToSelfTest {

    @TempDir
    static Path dataDir;
    @Parameter
    TestPostgres postgres;
    private static TestPostgres startedOn;
    private static TestGateway gw;
    private static String alexAlias;
    private static String blairAlias;

    /** One gateway per database kind, started by the first test that runs on it. */
    @BeforeEach
    void startOnThisDatabase() throws Exception {
        if (postgres == startedOn) {
            return;
        }
        stop();
        startedOn = postgres;
        gw = new TestGateway(postgres, dataDir.resolve(postgres.toString()));
        gw.admin.addUser(Login.of("alex"), "Alex", "alex-pw".toCharArray());
        gw.admin.addUser(Login.of("blair"), "Blair", "blair-pw".toCharArray());
        alexAlias = gw.admin.createAlias(Login.of("alex")).address().value();
        blairAlias = gw.admin.createAlias(Login.of("blair")).address().value();
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
            gw = null;
        }
    }

    @Test
    void messageWithAttachmentSentOverStartTlsArrivesInInboxByteForByte() throws Exception {
        MimeMessage m = new MimeMessage(smtpSession(false));
        m.setFrom(alexAlias);
        m.setRecipients(Message.RecipientType.TO, alexAlias);
        m.setSubject("to myself, with a file");
        var text = new MimeBodyPart();
        text.setText("hello me\n", "UTF-8");
        var file = new MimeBodyPart();
        file.setContent(new byte[]{1, 2, 3, 4, 5}, "application/octet-stream");
        file.setFileName("five.bin");
        m.setContent(new MimeMultipart(text, file));
        m.saveChanges();
        String messageId = m.getMessageID();
        send(m, false);

        var sent = new java.io.ByteArrayOutputStream();
        m.writeTo(sent);

        MimeMessage received = findInInbox("alex", "alex-pw", messageId);
        var stored = new java.io.ByteArrayOutputStream();
        received.writeTo(stored);
        String storedText = stored.toString(StandardCharsets.ISO_8859_1);
        // Angus's SMTP transport sends CRLF line endings; writeTo() here leaves the text part's bare LF.
        String onTheWire = sent.toString(StandardCharsets.ISO_8859_1).replace("\r\n", "\n").replace("\n", "\r\n");
        assertTrue(storedText.startsWith("Received: "), storedText);
        assertTrue(storedText.endsWith(onTheWire), "stored = Received: trace + the submitted bytes, unchanged");
        var parts = (MimeMultipart) received.getContent();
        assertEquals("hello me\r\n", parts.getBodyPart(0).getContent());
        assertEquals("five.bin", parts.getBodyPart(1).getFileName());
        assertTrue(received.getHeader("Received")[0].contains("with ESMTPSA"));
    }

    @Test
    void implicitTlsSubmissionWorksAndBccNeverReachesTheMailbox() throws Exception {
        MimeMessage m = new MimeMessage(smtpSession(true));
        m.setFrom(alexAlias);
        m.setRecipients(Message.RecipientType.TO, alexAlias);
        m.setRecipients(Message.RecipientType.BCC, alexAlias);
        m.setSubject("implicit tls");
        m.setText("over 465\n");
        m.saveChanges();
        send(m, true);
        MimeMessage received = findInInbox("alex", "alex-pw", m.getMessageID());
        assertEquals(null, received.getHeader("Bcc"));
        assertEquals(1, countInInbox("alex", "alex-pw", m.getMessageID()), "one copy although listed twice");
    }

    /**
     * A client that lost the 250 sends the same message again: it is filed once. The message has
     * no Date, so the Date smtp-in adds (like its Received field) differs between the two
     * transactions; the client's octets do not.
     */
    @Test
    void aClientsRetryOfTheSameMessageIsFiledOnce() throws Exception {
        String id = "<retry-" + System.nanoTime() + "@alex.test>";
        byte[] message = raw(id, "sent twice", "the same octets both times\r\n");
        sendRaw(message);
        sendRaw(message);
        assertEquals(1, countInInbox("alex", "alex-pw", id), "a retry is not filed again");
    }

    /**
     * A different message that reuses a Message-ID the user sent before (a client that reuses ids,
     * a draft sent again after an edit) is delivered: it was answered 250. Each is still filed only
     * once however often it is retried, also after the other was sent.
     */
    @Test
    void anotherMessageUnderAMessageIdUsedBeforeIsDeliveredAndEachIsFiledOnce() throws Exception {
        String id = "<reused-" + System.nanoTime() + "@alex.test>";
        byte[] first = raw(id, "first version", "first body\r\n");
        byte[] second = raw(id, "second version", "second body\r\n");
        byte[] third = raw(id, "first version", "first body, edited\r\n");
        sendRaw(first);
        sendRaw(second);
        sendRaw(third);
        sendRaw(second);
        sendRaw(first);
        sendRaw(third);
        assertEquals(3, countInInbox("alex", "alex-pw", id), "three messages, three copies");
        try (Store store = imap("alex", "alex-pw")) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            java.util.List<String> bodies = new java.util.ArrayList<>();
            for (Message m : inbox.getMessages()) {
                String[] ids = m.getHeader("Message-ID");
                if (ids != null && ids[0].equals(id)) {
                    bodies.add(String.valueOf(m.getContent()).strip());
                }
            }
            inbox.close(false);
            assertEquals(java.util.List.of("first body", "second body", "first body, edited"), bodies);
        }
    }

    /** A message as a client writes it, without a Date (smtp-in adds one in each transaction). */
    private static byte[] raw(String messageId, String subject, String body) {
        return ("From: " + alexAlias + "\r\nTo: " + alexAlias + "\r\nSubject: " + subject + "\r\nMessage-ID: "
                + messageId + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends {@code message} octet for octet to Alex's alias. */
    private static void sendRaw(byte[] message) throws Exception {
        MimeMessage m = new MimeMessage(smtpSession(false), new java.io.ByteArrayInputStream(message));
        send(m, false);
    }

    @Test
    void anotherUsersAliasAndForeignAddressesAreRefusedAndNothingIsDelivered() throws Exception {
        var session = smtpSession(false);
        for (String to : new String[]{blairAlias, "someone@elsewhere.example", "nobody.aaaaaaaaaa@" + TestGateway.DOMAIN}) {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(alexAlias);
            m.setRecipients(Message.RecipientType.TO, to);
            m.setText("should not go\n");
            m.saveChanges();
            var e = assertThrows(MessagingException.class, () -> send(m, false));
            assertTrue(String.valueOf(e.getNextException()).contains("550"), to + ": " + e.getNextException());
            assertEquals(0, countInInbox("blair", "blair-pw", m.getMessageID()));
            assertEquals(0, countInInbox("alex", "alex-pw", m.getMessageID()));
        }
    }

    /** Failure notices come from MAILER-DAEMON@ (as Postfix's do); a user's reply is refused saying why, in any letter case. */
    @Test
    void aReplyToAFailureNoticeIsRefusedSayingTheAddressTakesNoMail() throws Exception {
        for (String to : new String[]{"MAILER-DAEMON@" + TestGateway.DOMAIN, "mailer-daemon@" + TestGateway.DOMAIN}) {
            MimeMessage m = new MimeMessage(smtpSession(false));
            m.setFrom(alexAlias);
            m.setRecipients(Message.RecipientType.TO, to);
            m.setSubject("Re: Undeliverable: hello");
            m.setText("why?\n");
            m.saveChanges();
            var e = assertThrows(MessagingException.class, () -> send(m, false));
            String reply = String.valueOf(e.getNextException());
            assertTrue(reply.contains("550 5.7.1") && reply.contains("takes no mail"), reply);
            assertEquals(0, countInInbox("alex", "alex-pw", m.getMessageID()));
        }
    }

    @Test
    void disabledAliasIsRefused() throws Exception {
        String alias = gw.admin.createAlias(Login.of("alex"), "paused").address().value();
        gw.admin.changeAliasState(dev.liaison.mapping.alias.AliasAddress.parse(alias), AliasState.DISABLED);
        MimeMessage m = new MimeMessage(smtpSession(false));
        m.setFrom(alexAlias);
        m.setRecipients(Message.RecipientType.TO, alias);
        m.setText("x\n");
        m.saveChanges();
        var e = assertThrows(MessagingException.class, () -> send(m, false));
        assertTrue(String.valueOf(e.getNextException()).contains("550 5.7.1"), String.valueOf(e.getNextException()));
    }

    @Test
    void aRelationshipAliasIsRefusedUntilTheRelayCanDeliverIt() throws Exception {
        var relationships = new dev.liaison.mapping.relationship.PostgresRelationshipStore();
        var aliases = new dev.liaison.mapping.alias.PostgresAliasStore();
        String address = "blair.rel" + System.nanoTime() % 1_000_000 + "@" + TestGateway.DOMAIN;
        gw.gateway.database().inTransaction(c -> {
            var r = relationships.create(c, Login.of("alex"), "Blair", new byte[]{1});
            return aliases.create(c, Login.of("alex"), dev.liaison.mapping.alias.AliasAddress.parse(address),
                    new dev.liaison.mapping.alias.AliasTarget.Relationship(r.id()));
        });
        MimeMessage m = new MimeMessage(smtpSession(false));
        m.setFrom(alexAlias);
        m.setRecipients(Message.RecipientType.TO, address);
        m.setText("not yet\n");
        m.saveChanges();
        var e = assertThrows(MessagingException.class, () -> send(m, false));
        assertTrue(String.valueOf(e.getNextException()).contains("550 5.7.1"), String.valueOf(e.getNextException()));
        assertEquals(0, countInInbox("alex", "alex-pw", m.getMessageID()));
    }

    @Test
    void pythonSmtplibAndImaplibAsIndependentClients() throws Exception {
        String script = """
                import smtplib, imaplib, ssl, sys
                ctx = ssl.create_default_context(cafile=sys.argv[5])
                alias = sys.argv[1]
                s = smtplib.SMTP('127.0.0.1', int(sys.argv[2]))
                s.starttls(context=ctx)
                s.login('alex', 'alex-pw')
                s.sendmail(alias, [alias], 'From: %s\\r\\nTo: %s\\r\\nSubject: from python\\r\\nMessage-ID: <py-1@test>\\r\\n\\r\\npython body\\r\\n' % (alias, alias))
                s.quit()
                i = imaplib.IMAP4('127.0.0.1', int(sys.argv[3]))
                i.starttls(ssl_context=ctx)
                i.login('alex', 'alex-pw')
                i.select('INBOX')
                typ, data = i.search(None, 'HEADER', 'Message-ID', '<py-1@test>')
                num = data[0].split()[0]
                typ, msg = i.fetch(num, '(BODY[TEXT])')
                print(msg[0][1].decode().strip())
                i.logout()
                """;
        Path py = dataDir.resolve("client.py");
        Files.writeString(py, script);
        Path ca = dataDir.resolve("ca.pem");
        Files.writeString(ca, "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(gw.gateway.tls().certificate().getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        Process p = new ProcessBuilder("python3", py.toString(), alexAlias, String.valueOf(gw.gateway.submissionPort()),
                String.valueOf(gw.gateway.imapPort()), "unused", ca.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertEquals("python body", out.trim());
    }

    private static void send(MimeMessage m, boolean implicitTls) throws Exception {
        try (Transport t = m.getSession().getTransport(implicitTls ? "smtps" : "smtp")) {
            t.connect("alex", "alex-pw");
            t.sendMessage(m, m.getAllRecipients());
        }
    }

    private static Session smtpSession(boolean implicitTls) throws Exception {
        Properties p = new Properties();
        String proto = implicitTls ? "smtps" : "smtp";
        p.put("mail.transport.protocol", proto);
        p.put("mail." + proto + ".host", "localhost");
        p.put("mail." + proto + ".port", String.valueOf(implicitTls ? gw.gateway.submissionsPort() : gw.gateway.submissionPort()));
        p.put("mail." + proto + ".auth", "true");
        p.put("mail." + proto + ".ssl.socketFactory", gw.trustingSocketFactory());
        p.put("mail." + proto + ".ssl.checkserveridentity", "true");
        if (!implicitTls) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
        }
        return Session.getInstance(p);
    }

    private static Store imap(String user, String password) throws Exception {
        Properties p = new Properties();
        p.put("mail.imaps.host", "localhost");
        p.put("mail.imaps.port", String.valueOf(gw.gateway.imapsPort()));
        p.put("mail.imaps.ssl.socketFactory", gw.trustingSocketFactory());
        p.put("mail.imaps.ssl.checkserveridentity", "true");
        Store store = Session.getInstance(p).getStore("imaps");
        store.connect(user, password);
        return store;
    }

    private static int countInInbox(String user, String password, String messageId) throws Exception {
        try (Store store = imap(user, password)) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            int n = 0;
            for (Message m : inbox.getMessages()) {
                String[] ids = m.getHeader("Message-ID");
                if (ids != null && ids[0].equals(messageId)) {
                    n++;
                }
            }
            inbox.close(false);
            return n;
        }
    }

    private static MimeMessage findInInbox(String user, String password, String messageId) throws Exception {
        try (Store store = imap(user, password)) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            for (Message m : inbox.getMessages()) {
                String[] ids = m.getHeader("Message-ID");
                if (ids != null && ids[0].equals(messageId)) {
                    MimeMessage copy = new MimeMessage((MimeMessage) m);
                    inbox.close(false);
                    return copy;
                }
            }
            StringBuilder seen = new StringBuilder();
            for (Message m : inbox.getMessages()) {
                seen.append(java.util.Arrays.toString(m.getHeader("Message-ID"))).append(' ');
            }
            throw new AssertionError("message " + messageId + " not in " + user + "'s INBOX; seen: " + seen);
        }
    }
}
