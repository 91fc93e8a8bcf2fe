package dev.liaison.gateway.legacy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.liaison.gateway.Gateway;
import dev.liaison.gateway.admin.Administration;
import dev.liaison.gateway.config.Configuration;
import dev.liaison.mapping.alias.Alias;
import dev.liaison.mapping.alias.AliasState;
import dev.liaison.mapping.database.DatabaseLocation;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.user.Login;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plain email between two users of one gateway: alex writes from his mail client to blake's
 * published address, as anyone on the Internet could. It reaches blake as if it had come through
 * the MX from an outward alias of alex's (a request in Requests, shown from blake's alias for that
 * correspondent), without going to the smarthost; blake's reply reaches alex the same way. A
 * disabled published address is refused at RCPT as the MX refuses it ({@code 550 5.2.1}); a
 * blocked sender's mail comes back to them as a failure notice.
 */
class LocalPlainEmailTest {

    private static final String DOMAIN = "office.example";

    @TempDir
    static Path dir;
    private static GreenMail internet;
    private static Gateway gateway;
    private static Administration admin;

    @BeforeAll
    static void start() throws Exception {
        internet = new GreenMail(new ServerSetup(dev.liaison.gateway.transport.ListenPorts.free(), "127.0.0.1",
                ServerSetup.PROTOCOL_SMTP));
        internet.start();
        DatabaseLocation.External db = TestPostgres.available().get(0).freshLocation();
        Map<String, String> settings = new HashMap<>(Map.of("domain", DOMAIN, "data-dir", dir.toString(),
                "bind-address", "127.0.0.1", "smtp.submission.port", "0", "smtp.submissions.port", "0",
                "smtp.inbound.port", "0", "imap.port", "0", "imaps.port", "0", "http.port", "0"));
        settings.putAll(Map.of("database.url", db.url(), "database.user", db.user(), "database.password", db.password(),
                "legacy.relay.host", "127.0.0.1", "legacy.relay.port", String.valueOf(internet.getSmtp().getPort()),
                "legacy.relay.tls", "none", "postmaster", "sam"));
        gateway = Gateway.start(Configuration.defaultsWith(settings), Clock.systemUTC(), (name, type) -> List.of());
        admin = new Administration(gateway.database(), DOMAIN);
        for (String login : List.of("alex", "blake", "casey", "dana", "sam")) {
            admin.addUser(Login.of(login), login.substring(0, 1).toUpperCase() + login.substring(1),
                    (login + "-pw").toCharArray());
        }
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (internet != null) {
            internet.stop();
        }
    }

    @Test
    void aUserWritesToAnotherUsersPublishedAddressAndTheReplyComesBack() throws Exception {
        String published = admin.createAlias(Login.of("blake"), "blake", true).address().toString();
        String first = "lunch? " + shortId();
        submit("alex", published, first);

        MimeMessage request = awaitOne("blake", "Requests", first);
        String alexForBlake = ((InternetAddress) request.getFrom()[0]).getAddress();
        assertEquals("Alex Doe", ((InternetAddress) request.getFrom()[0]).getPersonal());
        String outward = request.getHeader("X-Original-From")[0].replaceAll(".*<|>.*", "");
        assertTrue(outward.endsWith("@" + DOMAIN) && !outward.contains("alex"),
                "alex wrote from an outward alias, never his login: " + outward);
        assertTrue(alexForBlake.endsWith("@" + DOMAIN) && !alexForBlake.equals(outward)
                && !alexForBlake.equals("alex@" + DOMAIN), "blake sees alex from an alias of blake's own: " + alexForBlake);
        assertEquals(1, folder("alex", "Sent", first).size(), "one Sent copy");

        String reply = "Re: " + first;
        submit("blake", alexForBlake, reply); // answering the request accepts it
        MimeMessage back = awaitOne("alex", "INBOX", reply);
        String blakeForAlex = ((InternetAddress) back.getFrom()[0]).getAddress();
        assertTrue(blakeForAlex.endsWith("@" + DOMAIN) && !blakeForAlex.equals(published),
                "alex sees blake from alex's alias for that correspondent: " + blakeForAlex);
        assertTrue(back.getHeader("X-Original-From")[0].contains(published),
                "blake answered from the published address alex wrote to");

        String again = "Re: " + reply;
        submit("alex", blakeForAlex, again);
        assertEquals(1, awaitAll("blake", "INBOX", again).size(), "alex's answer reaches blake's INBOX once");
        assertEquals(0, folder("blake", "Requests", again).size(), "no second request: the same correspondent");
        assertEquals(0, internet.getReceivedMessages().length, "nothing went to the smarthost");
    }

    /**
     * blake blocks casey's request: casey's next message is accepted at submission, as plain email
     * to anywhere is, and the MX intake refuses it as the MX would; casey gets the failure notice
     * naming the refusal, blake nothing.
     */
    @Test
    void aBlockedSendersMailComesBackToThemAsAFailureNotice() throws Exception {
        String published = admin.createAlias(Login.of("blake"), "desk", true).address().toString();
        String first = "hello blake " + shortId();
        submit("casey", published, first);
        String caseyForBlake = ((InternetAddress) awaitOne("blake", "Requests", first).getFrom()[0]).getAddress();
        long id = gateway.database().inTransaction(c -> gateway.relay().control().list(c, Login.of("blake"))).stream()
                .filter(r -> r.alias().filter(caseyForBlake::equals).isPresent()).findFirst().orElseThrow().id();
        gateway.database().inTransaction(c -> gateway.relay().control().block(c, Login.of("blake"), id));

        String second = "are you there? " + shortId();
        submit("casey", published, second);
        String text = failureNotice("casey", second);
        assertTrue(text.contains("5.7.1") && text.contains("does not take mail from this sender"), text);
        assertEquals(0, folder("blake", "Requests", second).size() + folder("blake", "INBOX", second).size()
                + folder("blake", "Junk", second).size(), "nothing reached blake");
    }

    /**
     * dana writes to blake's published address front and blake blocks her; her mail to blake's other
     * published address shop, which leaves from a new outward alias of hers, is refused as well, as an
     * outside sender's is at every published address: a failure notice in the same words, nothing
     * reaches blake, and no request is opened through shop (none counts against its new senders of the
     * hour). Without the check by the sending user, it landed in blake's Requests.
     */
    @Test
    void aBlockHoldsAtEveryPublishedAddressForAnotherUser() throws Exception {
        String front = admin.createAlias(Login.of("blake"), "front", true).address().toString();
        String shop = admin.createAlias(Login.of("blake"), "shop", true).address().toString();
        String first = "hello front " + shortId();
        submit("dana", front, first);
        String danaForBlake = ((InternetAddress) awaitOne("blake", "Requests", first).getFrom()[0]).getAddress();
        long id = gateway.database().inTransaction(c -> gateway.relay().control().list(c, Login.of("blake"))).stream()
                .filter(r -> r.alias().filter(danaForBlake::equals).isPresent()).findFirst().orElseThrow().id();
        gateway.database().inTransaction(c -> gateway.relay().control().block(c, Login.of("blake"), id));

        String second = "hello shop " + shortId();
        submit("dana", shop, second);
        String text = failureNotice("dana", second);
        assertTrue(text.contains("5.7.1") && text.contains("does not take mail from this sender"), text);
        assertEquals(0, folder("blake", "Requests", second).size() + folder("blake", "INBOX", second).size()
                + folder("blake", "Junk", second).size(), "nothing reached blake");
        long requestsThroughShop = gateway.database().inTransaction(c -> {
            try (var ps = c.prepareStatement("SELECT count(*) FROM mapping.legacy_correspondents lc"
                    + " JOIN mapping.aliases a ON a.id = lc.via_alias WHERE a.address = ?")) {
                ps.setString(1, shop);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        assertEquals(0, requestsThroughShop, "no request opened through shop");
    }

    /** With no smarthost and no direct MX (plain email off), mail between users still works. */
    @Test
    void mailBetweenUsersNeedsNoPlainEmailConfigured() throws Exception {
        DatabaseLocation.External db = TestPostgres.available().get(0).freshLocation();
        Path data = java.nio.file.Files.createDirectory(dir.resolve("off-" + shortId()));
        Map<String, String> settings = new HashMap<>(Map.of("domain", DOMAIN, "data-dir", data.toString(),
                "bind-address", "127.0.0.1", "smtp.submission.port", "0", "smtp.submissions.port", "0",
                "smtp.inbound.port", "0", "imap.port", "0", "imaps.port", "0", "http.port", "0"));
        settings.putAll(Map.of("database.url", db.url(), "database.user", db.user(), "database.password", db.password()));
        Gateway main = gateway;
        try (Gateway off = Gateway.start(Configuration.defaultsWith(settings), Clock.systemUTC(),
                (name, type) -> List.of())) {
            gateway = off;
            Administration offAdmin = new Administration(off.database(), DOMAIN);
            offAdmin.addUser(Login.of("alex"), "Alex", "alex-pw".toCharArray());
            offAdmin.addUser(Login.of("blake"), "Blake", "blake-pw".toCharArray());
            String published = offAdmin.createAlias(Login.of("blake"), "blake", true).address().toString();
            String subject = "no smarthost here " + shortId();
            submit("alex", published, subject);
            awaitOne("blake", "Requests", subject);
            MessagingException refused = assertThrows(MessagingException.class,
                    () -> submit("alex", "someone@elsewhere.example", "leaves " + shortId()));
            assertTrue(cause(refused).getMessage().contains("legacy email is not configured"), refused.toString());
            // no postmaster setting here: the MX's answer
            SMTPAddressFailedException postmaster = cause(assertThrows(MessagingException.class,
                    () -> submit("alex", "postmaster@" + DOMAIN, "to nobody " + shortId())));
            assertTrue(postmaster.getReturnCode() == 550 && postmaster.getMessage().contains("5.1.1"),
                    postmaster.getMessage());
        } finally {
            gateway = main;
        }
    }

    @Test
    void aDisabledPublishedAddressIsRefusedAsTheMxRefusesIt() throws Exception {
        Alias casey = admin.createAlias(Login.of("casey"), "casey", true);
        admin.changeAliasState(casey.address(), AliasState.DISABLED);
        String subject = "to a disabled address " + shortId();
        MessagingException refused = assertThrows(MessagingException.class,
                () -> submit("alex", casey.address().toString(), subject));
        SMTPAddressFailedException rcpt = cause(refused);
        assertEquals(550, rcpt.getReturnCode());
        assertTrue(rcpt.getMessage().contains("5.2.1"), rcpt.getMessage());
        assertEquals(0, folder("alex", "Sent", subject).size(), "nothing was accepted");
    }

    /**
     * RFC 5321 §4.5.1: with postmaster set (sam), a user's mail to postmaster@ (any letter case) is
     * accepted at submission, as the MX accepts it, and lands in sam's INBOX as the MX files
     * postmaster mail; nothing goes to the smarthost. Without the setting the answer stays the MX's
     * 5.1.1 ({@link #mailBetweenUsersNeedsNoPlainEmailConfigured}).
     */
    @Test
    void mailToThePostmasterLandsWhereTheMxFilesIt() throws Exception {
        int before = internet.getReceivedMessages().length;
        String subject = "a question for the postmaster " + shortId();
        submit("alex", "PostMaster@" + DOMAIN, subject);
        assertEquals(1, awaitAll("sam", "INBOX", subject).size(), "in the postmaster's INBOX, once");
        assertEquals(1, folder("alex", "Sent", subject).size(), "one Sent copy");
        assertEquals(before, internet.getReceivedMessages().length, "nothing went to the smarthost");
    }

    /**
     * alex's own outward alias (towards blake's address counter) is his own address: his mail to it
     * (a Reply-All names it) lands in his own INBOX, once, and nothing of it reaches blake. Another
     * user writing to it is refused as before: an outward alias takes mail from its one
     * correspondent (blake's counter), so casey's comes back to her as a failure notice.
     */
    @Test
    void aUsersOwnOutwardAliasIsTheirOwnAddressAndStillNobodyElses() throws Exception {
        String counter = admin.createAlias(Login.of("blake"), "counter", true).address().toString();
        String subject = "at the counter " + shortId();
        submit("alex", counter, subject);
        String outward = awaitOne("blake", "Requests", subject).getHeader("X-Original-From")[0].replaceAll(".*<|>.*", "");

        String toSelf = "to myself " + shortId();
        submit("alex", outward, toSelf);
        assertEquals(1, awaitAll("alex", "INBOX", toSelf).size(), "in alex's own INBOX, once");
        assertEquals(0, folder("blake", "Requests", toSelf).size() + folder("blake", "INBOX", toSelf).size(),
                "nothing reached blake through it");

        String notAlexs = "to alex's address for the counter " + shortId();
        submit("casey", outward, notAlexs);
        String text = failureNotice("casey", notAlexs);
        assertTrue(text.contains("5.7.1") && text.contains("one correspondent only"), text);
        assertEquals(0, folder("alex", "INBOX", notAlexs).size() + folder("alex", "Requests", notAlexs).size()
                + folder("alex", "Junk", notAlexs).size(), "nothing reached alex");
    }

    @Test
    void aUserWritesToTheirOwnPublishedAddress() throws Exception {
        String own = admin.createAlias(Login.of("alex"), "alexpub", true).address().toString();
        String subject = "note to self " + shortId();
        submit("alex", own, subject);
        assertEquals(1, awaitAll("alex", "INBOX", subject).size(), "in alex's own INBOX, once");
    }

    private static SMTPAddressFailedException cause(MessagingException e) {
        for (Exception next = e; next != null;
             next = next instanceof MessagingException m ? m.getNextException() : null) {
            if (next instanceof SMTPAddressFailedException a) {
                return a;
            }
        }
        throw new AssertionError("no RCPT refusal in " + e);
    }

    private static void submit(String login, String to, String subject) throws Exception {
        Session session = GatewayClients.submission(gateway);
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(login + "@" + DOMAIN, login.equals("alex") ? "Alex Doe" : "Blake Roe"));
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject(subject);
        m.setText("Body of " + subject + "\r\n");
        m.saveChanges();
        try (Transport t = session.getTransport("smtp")) {
            t.connect(login, login + "-pw");
            t.sendMessage(m, m.getAllRecipients());
        }
    }

    /** The text of the failure notice in {@code login}'s INBOX for the message with {@code subject}, waiting for it. */
    private static String failureNotice(String login, String subject) throws Exception {
        MimeMessage notice = awaitOne(login, "INBOX", "Undeliverable: " + subject);
        return new String(notice.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static MimeMessage awaitOne(String login, String folder, String subject) throws Exception {
        List<MimeMessage> found = awaitAll(login, folder, subject);
        assertEquals(1, found.size(), subject + " in " + login + "'s " + folder + " once");
        return found.get(0);
    }

    /** Waits for the queue worker to hand the message to the MX intake (no timing is asserted). */
    private static List<MimeMessage> awaitAll(String login, String folder, String subject) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            List<MimeMessage> found = folder(login, folder, subject);
            if (!found.isEmpty()) {
                return found;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(subject + " never reached " + login + "'s " + folder);
    }

    private static List<MimeMessage> folder(String login, String name, String subject) throws Exception {
        return GatewayClients.folder(gateway, login, name, subject);
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
