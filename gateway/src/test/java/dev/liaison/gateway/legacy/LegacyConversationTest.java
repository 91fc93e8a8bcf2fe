package dev.liaison.gateway.legacy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.liaison.gateway.Gateway;
import dev.liaison.gateway.admin.Administration;
import dev.liaison.gateway.config.Configuration;
import dev.liaison.gateway.tls.TrustingClients;
import dev.liaison.mapping.database.DatabaseLocation;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.user.Login;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import dev.liaison.mapping.correspondent.LegacyCorrespondentStore;
import dev.liaison.mapping.correspondent.LegacyFrom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A conversation with a correspondent on plain email, end to end: alex writes from a mail client
 * to bob's plain address, the gateway sends it through its smarthost (GreenMail, standing for the
 * rest of the Internet) from an outward alias for bob only; bob's reply comes in through the MX
 * and is shown from bob's local alias; alex's answer to that alias goes out from the same outward
 * alias. A second correspondent sees a different address.
 */
class LegacyConversationTest {

    private static final String DOMAIN = "alex.example";

    @TempDir
    static Path dir;
    private static GreenMail internet;
    private static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        internet = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        internet.start();
        DatabaseLocation.External db = TestPostgres.available().get(0).freshLocation();
        Map<String, String> settings = new HashMap<>(Map.of("domain", DOMAIN, "data-dir", dir.toString(),
                "bind-address", "127.0.0.1", "smtp.submission.port", "0", "smtp.submissions.port", "0",
                "smtp.inbound.port", "0", "imap.port", "0", "imaps.port", "0", "http.port", "0"));
        settings.putAll(Map.of("database.url", db.url(), "database.user", db.user(), "database.password", db.password(),
                "legacy.relay.host", "127.0.0.1", "legacy.relay.port", String.valueOf(internet.getSmtp().getPort()),
                "legacy.relay.tls", "none"));
        gateway = Gateway.start(Configuration.defaultsWith(settings), Clock.systemUTC(), (name, type) -> List.of());
        new Administration(gateway.database(), DOMAIN).addUser(Login.of("alex"), "Alex", "alex-pw".toCharArray());
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
    void aPlainEmailConversationGoesOutFromOneOutwardAliasAndComesBackFromTheCorrespondentsAlias() throws Exception {
        String bob = "bob." + shortId() + "@legacy.example";
        String first = "dinner on friday? " + shortId();
        submit(bob, first, "Alex Doe");
        MimeMessage out1 = arrived(bob, first);
        String outward = ((InternetAddress) out1.getFrom()[0]).getAddress();
        assertTrue(outward.endsWith("@" + DOMAIN) && !outward.startsWith("alex@"),
                "bob sees an address of alex's for him alone, not alex's own: " + outward);
        assertEquals("Alex Doe", ((InternetAddress) out1.getFrom()[0]).getPersonal());
        assertEquals(bob, ((InternetAddress) out1.getRecipients(Message.RecipientType.TO)[0]).getAddress());
        assertNotEquals(null, out1.getHeader("DKIM-Signature"), "signed with the gateway's key");
        assertNull(out1.getHeader("User-Agent"), "nothing of the mail client's leaves");
        assertTrue(out1.getMessageID().endsWith("@liaison.invalid>"), "a neutral Message-ID: " + out1.getMessageID());

        String reply = "Re: " + first;
        mxSend(bob, "Bob", outward, reply, out1.getMessageID());
        MimeMessage in = inbox(reply);
        String bobsAlias = ((InternetAddress) in.getFrom()[0]).getAddress();
        assertTrue(bobsAlias.endsWith("@" + DOMAIN), "bob is shown from his local alias: " + bobsAlias);
        assertEquals("<" + bob + ">", in.getHeader("X-Original-From")[0].replaceAll(".*<", "<"));

        String answer = "Re: " + reply;
        String bobsId = in.getMessageID();
        String clientsOwn = "<draft." + shortId() + "@secret-laptop.local>"; // never received: stays neutral
        submit("alex", bobsAlias, answer, "Alex Doe", Map.of("In-Reply-To", bobsId,
                "References", out1.getMessageID() + " " + clientsOwn + " " + bobsId));
        MimeMessage out2 = arrived(bob, answer);
        assertEquals(outward, ((InternetAddress) out2.getFrom()[0]).getAddress(), "the same outward alias for bob");
        assertEquals(bobsId, out2.getHeader("In-Reply-To")[0].strip(), "bob's client threads the answer with his reply");
        String references = String.join(" ", out2.getHeader("References")).replaceAll("\\s+", " ").strip();
        assertTrue(references.startsWith(out1.getMessageID() + " <") && references.endsWith("@liaison.invalid> " + bobsId)
                && !references.contains("secret-laptop"), "the client's own id stays neutral: " + references);
        MimeMessage sent = folder("Sent", answer).get(0);
        assertEquals(bobsId, sent.getHeader("In-Reply-To")[0].strip(), "alex's client threads it with bob's reply too");

        String carol = "carol." + shortId() + "@elsewhere.example";
        submit(carol, "hello carol " + shortId(), "Alex Doe");
        MimeMessage toCarol = arrived(carol, null);
        assertNotEquals(outward, ((InternetAddress) toCarol.getFrom()[0]).getAddress(),
                "carol sees another address: the two cannot link alex's conversations");
        assertEquals(1, sentCopies(first), "one Sent copy of each message");
    }

    /**
     * After the relationship with a plain-email correspondent ended, writing to their plain address
     * starts a new one, from a new outward alias; the ended one stays final: its aliases refuse mail
     * both ways, and the refusal to alex tells him to write to the plain address.
     */
    @Test
    void writingToAPlainAddressAgainAfterTheEndStartsANewRelationshipFromANewAddress() throws Exception {
        String dora = "dora." + shortId() + "@legacy.example";
        String first = "before the end " + shortId();
        submit(dora, first, "Alex");
        String oldOutward = ((InternetAddress) arrived(dora, first).getFrom()[0]).getAddress();
        String reply = "Re: " + first;
        mxSend(dora, "Dora", oldOutward, reply, null);
        String oldAlias = ((InternetAddress) inbox(reply).getFrom()[0]).getAddress();
        long ended = relationshipOf("alex", oldAlias);
        gateway.database().inTransaction(c -> gateway.relay().control().end(c, Login.of("alex"), ended));

        String toOldAlias = refusal(() -> submit("alex", oldAlias, "to the ended alias " + shortId(), "Alex", Map.of()));
        assertTrue(toOldAlias.contains("550") && toOldAlias.contains("has ended")
                && toOldAlias.contains("write to their plain email address"), toOldAlias);
        assertTrue(refusal(() -> mxSend(dora, "Dora", oldOutward, "after the end " + shortId(), null)).contains("550"),
                "the ended relationship's outward alias takes no mail");

        String again = "after the end " + shortId();
        submit(dora, again, "Alex");
        String newOutward = ((InternetAddress) arrived(dora, again).getFrom()[0]).getAddress();
        assertNotEquals(oldOutward, newOutward, "a new address: the one dora knew from before stays dead");
        String reply2 = "Re: " + again;
        mxSend(dora, "Dora", newOutward, reply2, null);
        String newAlias = ((InternetAddress) inbox(reply2).getFrom()[0]).getAddress();
        assertNotEquals(oldAlias, newAlias);
        String stillDead = "to the old address " + shortId();
        assertTrue(refusal(() -> mxSend(dora, "Dora", oldOutward, stillDead, null)).contains("550"),
                "the old outward alias still refuses, though dora is a correspondent again");
        assertEquals(0, folder("INBOX", stillDead).size());
        String answer = "Re: " + reply2;
        submit("alex", newAlias, answer, "Alex", Map.of());
        assertEquals(newOutward, ((InternetAddress) arrived(dora, answer).getFrom()[0]).getAddress());
        assertEquals(1, sentCopies(again));
        var states = gateway.database().inTransaction(c -> gateway.relay().control().list(c, Login.of("alex"))).stream()
                .filter(r -> r.alias().filter(a -> a.equals(oldAlias) || a.equals(newAlias)).isPresent())
                .map(r -> r.state().dbValue()).sorted().toList();
        assertEquals(List.of("active", "ended"), states, "the ended relationship stays ended beside the new one");
    }

    /**
     * A plain-email relationship offers an invitation in its mail (an issued invitation, like one
     * of invite create): the prune of invitations never accepted leaves it alone, ended or not,
     * however long ago its offer expired. It has aliases and a correspondent: it is no lapsed invitation.
     */
    @Test
    void thePruneOfInvitationsNeverAcceptedLeavesPlainEmailRelationshipsAlone() throws Exception {
        String erin = "erin." + shortId() + "@legacy.example";
        String first = "an offer inside " + shortId();
        submit(erin, first, "Alex");
        arrived(erin, first);
        long id = gateway.database().inTransaction(c -> {
            try (var s = c.prepareStatement("SELECT i.relationship_id FROM relay.issued_invitations i"
                    + " JOIN mapping.legacy_correspondents l ON l.relationship_id = i.relationship_id WHERE l.address = ?")) {
                s.setString(1, erin);
                try (var rs = s.executeQuery()) {
                    assertTrue(rs.next(), "the plain email offered an invitation");
                    return rs.getLong(1);
                }
            }
        });
        gateway.database().inTransaction(c -> gateway.relay().control().end(c, Login.of("alex"), id));

        java.time.Instant longAfter = java.time.Instant.now().plus(Duration.ofDays(400));
        assertEquals(0, (int) gateway.database().inTransaction(c ->
                dev.liaison.gateway.relationship.Invitations.forgetExpired(c, longAfter, 1000)));
        assertTrue(gateway.database().inTransaction(c -> gateway.relay().control().list(c, Login.of("alex"))).stream()
                .anyMatch(r -> r.id() == id), "the ended plain-email relationship is kept");
    }

    /**
     * The relationship ends between alex's RCPT (accepted) and the end of his DATA: the handler's
     * re-check refuses the message, saying in words what happened and how to write to them again.
     */
    @Test
    void aRelationshipEndedBetweenRcptAndDataIsRefusedSayingHowToWriteAgain() throws Exception {
        String hal = "hal." + shortId() + "@legacy.example";
        String first = "hello hal " + shortId();
        submit(hal, first, "Alex");
        String outward = ((InternetAddress) arrived(hal, first).getFrom()[0]).getAddress();
        String reply = "Re: " + first;
        mxSend(hal, "Hal", outward, reply, null);
        String halsAlias = ((InternetAddress) inbox(reply).getFrom()[0]).getAddress();
        long id = relationshipOf("alex", halsAlias);
        String subject = "ended meanwhile " + shortId();
        try (var socket = (javax.net.ssl.SSLSocket) TrustingClients.trusting(gateway.tls().certificate())
                .getSocketFactory().createSocket("localhost", gateway.submissionsPort())) {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII));
            var out = socket.getOutputStream();
            assertTrue(smtpReply(in).startsWith("220"));
            assertTrue(smtpCommand(in, out, "EHLO client.example").startsWith("250"));
            String plain = java.util.Base64.getEncoder().encodeToString("\0alex\0alex-pw".getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII));
            assertTrue(smtpCommand(in, out, "AUTH PLAIN " + plain).startsWith("235"));
            assertTrue(smtpCommand(in, out, "MAIL FROM:<alex@" + DOMAIN + ">").startsWith("250"));
            assertTrue(smtpCommand(in, out, "RCPT TO:<" + halsAlias + ">").startsWith("250"));
            gateway.database().inTransaction(c -> gateway.relay().control().end(c, Login.of("alex"), id));
            assertTrue(smtpCommand(in, out, "DATA").startsWith("354"));
            String refused = smtpCommand(in, out, "From: Alex <alex@" + DOMAIN + ">\r\nTo: " + halsAlias
                    + "\r\nSubject: " + subject + "\r\nMessage-ID: <" + shortId() + "@client.example>\r\n\r\nbody\r\n.");
            assertTrue(refused.startsWith("550 5.7.1") && refused.contains("ended while the message was sent")
                    && refused.contains("write to their plain email address"), refused);
            assertFalse(refused.contains("The relationship " + halsAlias + " wrote to"), refused);
        }
        assertEquals(0, sentCopies(subject), "nothing was sent");
    }

    /**
     * A correspondent writing in UTF-8 as Gmail does to a server that offers SMTPUTF8 (RFC 6531/6532:
     * a raw subject and display name) and the user answering. The mail is filed from the
     * correspondent's alias, the original author's name as written; the answer, its subject encoded by the client
     * as mail clients do (Jakarta Mail here), leaves through the smarthost with an ASCII header. A raw
     * 8-bit answer is refused at submission instead ({@link #rawEightBitHeaderTextIsRefusedForPlainEmailOnlyAndNothingLeaves}).
     */
    @Test
    void aCorrespondentWritingInUtf8IsFiledUnderTheirNameAndAnsweredWithAnAsciiHeader() throws Exception {
        String zoe = "zoe." + shortId() + "@legacy.example";
        String first = "hello zoe " + shortId();
        submit(zoe, first, "Alex Doe");
        String outward = ((InternetAddress) arrived(zoe, first).getFrom()[0]).getAddress();
        String reply = "Re: " + first + " – schöne Grüße ☕";
        String messageId = "<" + shortId() + "@legacy.example>";
        try (var socket = new java.net.Socket("127.0.0.1", gateway.inboundPort())) {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII));
            var out = socket.getOutputStream();
            assertTrue(smtpReply(in).startsWith("220"));
            assertTrue(smtpCommand(in, out, "EHLO mx.legacy.example").contains("SMTPUTF8"));
            assertTrue(smtpCommand(in, out, "MAIL FROM:<" + zoe + "> SMTPUTF8 BODY=8BITMIME").startsWith("250"));
            assertTrue(smtpCommand(in, out, "RCPT TO:<" + outward + ">").startsWith("250"));
            assertTrue(smtpCommand(in, out, "DATA").startsWith("354"));
            out.write(("From: Zoë Grünwald <" + zoe + ">\r\nTo: " + outward + "\r\nSubject: " + reply
                    + "\r\nMessage-ID: " + messageId + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8"
                    + "\r\nContent-Transfer-Encoding: 8bit\r\n\r\nSchöne Grüße\r\n.\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.flush();
            String accepted = smtpReply(in);
            assertTrue(accepted.startsWith("250"), accepted);
        }
        MimeMessage filed = folder("INBOX", null).stream().filter(m -> {
            try {
                return messageId.equals(m.getMessageID());
            } catch (MessagingException e) {
                throw new AssertionError(e);
            }
        }).findFirst().orElseThrow(() -> new AssertionError("the UTF-8 reply is not in INBOX"));
        InternetAddress zoesAlias = (InternetAddress) filed.getFrom()[0];
        assertEquals("Zoë Grünwald <" + zoe + ">", jakarta.mail.internet.MimeUtility.decodeText(
                filed.getHeader("X-Original-From")[0]), "the name as written, encoded by the gateway");

        String answer = "Re: " + reply;
        submit("alex", zoesAlias.getAddress(), answer, "Alex Doe", Map.of("In-Reply-To", messageId));
        MimeMessage left = arrived(zoe, answer);
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        left.writeTo(raw);
        String octets = raw.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(octets.substring(0, octets.indexOf("\r\n\r\n")).chars().allMatch(c -> c < 0x80),
                "plain email leaves without SMTPUTF8: its header is ASCII");
        assertEquals(messageId, left.getHeader("In-Reply-To")[0].strip(), "threaded with zoe's message");
    }

    /** One reply, its continuation lines joined. */
    private static String smtpReply(java.io.BufferedReader in) throws IOException {
        StringBuilder reply = new StringBuilder();
        String line;
        do {
            line = in.readLine();
            reply.append(line).append('\n');
        } while (line != null && line.length() > 3 && line.charAt(3) == '-');
        return reply.toString();
    }

    private static String smtpCommand(java.io.BufferedReader in, java.io.OutputStream out, String command)
            throws IOException {
        out.write((command + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.flush();
        return smtpReply(in);
    }

    /**
     * Reply-All to a correspondent's plain email: bob wrote to alex's outward alias for him with carol
     * in Cc, and the message is filed {@code To:} that alias, which mail clients do not leave out of a
     * Reply-All (only the account's own address). The reply Jakarta Mail builds for alex
     * ({@code reply(true)}, as Thunderbird or mutt would: To bob's alias, Cc the outward alias and
     * carol) is accepted whole, all three RCPTs: bob and carol get it as before, each from an
     * address of alex's for them alone and naming no other recipient, nothing leaves for the outward
     * alias, and its copy is alex's own, in his INBOX once, as a mail server delivers mail to your
     * own address to you. Without the fix the outward alias was refused 550 5.7.1 and the client
     * aborted the whole send, so nobody got it.
     */
    @Test
    void aReplyToAllOfACorrespondentsPlainEmailReachesEveryoneAndItsCopyToTheOutwardAliasIsTheUsersOwn()
            throws Exception {
        String bob = "bob." + shortId() + "@legacy.example";
        String carol = "carol." + shortId() + "@elsewhere.example";
        String first = "the plan " + shortId();
        submit(bob, first, "Alex");
        String outward = ((InternetAddress) arrived(bob, first).getFrom()[0]).getAddress();
        String theirs = "and carol? " + shortId();
        mxSendCc(bob, "Bob", outward, carol, theirs);
        MimeMessage filed = inbox(theirs);
        assertEquals(outward, ((InternetAddress) filed.getRecipients(Message.RecipientType.TO)[0]).getAddress(),
                "filed To the outward alias bob wrote to");

        Session client = GatewayClients.submission(gateway);
        client.getProperties().setProperty("mail.from", "alex@" + DOMAIN); // the account's own: left out of Reply-All
        MimeMessage all = (MimeMessage) new MimeMessage(client, new java.io.ByteArrayInputStream(bytes(filed)))
                .reply(true);
        all.setFrom(new InternetAddress("alex@" + DOMAIN, "Alex"));
        all.setText("Count me in, and carol too\r\n");
        all.saveChanges();
        String subject = all.getSubject();
        assertEquals("Re: " + theirs, subject);
        List<String> named = Arrays.stream(all.getAllRecipients()).map(a -> ((InternetAddress) a).getAddress()).toList();
        String bobsAlias = ((InternetAddress) filed.getFrom()[0]).getAddress();
        assertEquals(List.of(bobsAlias, outward, carol), named, "what a Reply-All names");
        try (Transport t = all.getSession().getTransport("smtp")) {
            t.connect("alex", "alex-pw");
            t.sendMessage(all, all.getAllRecipients());
        }

        MimeMessage toBob = arrived(bob, subject);
        assertEquals(outward, ((InternetAddress) toBob.getFrom()[0]).getAddress(), "bob's copy as before");
        assertEquals(List.of(bob), Arrays.stream(toBob.getAllRecipients()).map(a -> ((InternetAddress) a).getAddress())
                .toList(), "bob's copy names bob alone");
        MimeMessage toCarol = arrived(carol, subject);
        assertNotEquals(outward, ((InternetAddress) toCarol.getFrom()[0]).getAddress(), "carol sees another address");
        long leftFor = Arrays.stream(internet.getReceivedMessages()).filter(m -> subjectIs(m, subject)).count();
        assertEquals(2, leftFor, "two copies left the gateway, bob's and carol's; none for the outward alias");
        assertEquals(1, folder("INBOX", subject).size(), "the copy to alex's own outward alias, in his INBOX once");
        assertEquals(1, sentCopies(subject), "one Sent copy");
    }

    private static boolean subjectIs(MimeMessage m, String subject) {
        try {
            return subject.equals(m.getSubject());
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(MimeMessage m) throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        m.writeTo(out);
        return out.toByteArray();
    }

    /** A block is not lifted by writing to the blocked address: refused, saying so and how, and nothing leaves. */
    @Test
    void writingToABlockedCorrespondentsAddressIsRefusedSayingWhy() throws Exception {
        String eve = "eve." + shortId() + "@legacy.example";
        String first = "hello eve " + shortId();
        submit(eve, first, "Alex");
        String outward = ((InternetAddress) arrived(eve, first).getFrom()[0]).getAddress();
        String reply = "Re: " + first;
        mxSend(eve, "Eve", outward, reply, null);
        long id = relationshipOf("alex", ((InternetAddress) inbox(reply).getFrom()[0]).getAddress());
        gateway.database().inTransaction(c -> gateway.relay().control().block(c, Login.of("alex"), id));
        String subject = "despite the block " + shortId();
        String refused = refusal(() -> submit(eve, subject, "Alex"));
        assertTrue(refused.contains("550") && refused.contains("You blocked " + eve)
                && refused.contains("liaison relationship unblock " + id), refused);
        assertEquals(0, sentCopies(subject), "nothing was sent");
    }

    /** The id of {@code login}'s relationship written to through {@code alias}. */
    private static long relationshipOf(String login, String alias) {
        return gateway.database().inTransaction(c -> gateway.relay().control().list(c, Login.of(login))).stream()
                .filter(r -> r.alias().filter(alias::equals).isPresent()).findFirst().orElseThrow().id();
    }

    private interface Sending {
        void send() throws Exception;
    }

    /** The replies of a refused send, all of them. */
    private static String refusal(Sending sending) throws Exception {
        try {
            sending.send();
        } catch (MessagingException e) {
            StringBuilder replies = new StringBuilder();
            for (Exception x = e; x != null; x = x instanceof MessagingException me ? me.getNextException() : null) {
                replies.append(x.getMessage()).append('\n');
            }
            return replies.toString();
        }
        throw new AssertionError("the gateway accepted it");
    }

    @Test
    void rawEightBitHeaderTextIsRefusedForPlainEmailOnlyAndNothingLeaves() throws Exception {
        String gus = "gus." + shortId() + "@legacy.example";
        String subject = "Grüße " + shortId(); // raw 8-bit octets: no RFC 2047 encoding
        jakarta.mail.MessagingException refused = org.junit.jupiter.api.Assertions.assertThrows(
                jakarta.mail.MessagingException.class, () -> submit("alex", gus, subject, "Alex", Map.of("Subject", subject)));
        assertTrue(String.valueOf(refused.getMessage()).contains("554") || String.valueOf(refused.getNextException())
                .contains("554"), refused.toString());
        assertEquals(0, sentCopies(subject), "nothing was filed in Sent");
        String self = "to myself " + shortId();
        String ownAlias = new Administration(gateway.database(), DOMAIN).createAlias(Login.of("alex"), "notes", false)
                .address().toString();
        submit("alex", ownAlias, self, "Alex", Map.of("Subject", self + " Grüße"));
        long mine = folder("alex", "INBOX", null).stream().filter(m -> {
            try {
                return m.getSubject() != null && m.getSubject().startsWith(self + " Gr");
            } catch (jakarta.mail.MessagingException e) {
                throw new AssertionError(e);
            }
        }).count();
        assertEquals(1, mine, "mail to oneself carries it");
        Thread.sleep(300);
        assertTrue(java.util.Arrays.stream(internet.getReceivedMessages()).noneMatch(m -> {
            try {
                return java.util.Arrays.stream(m.getAllRecipients()).anyMatch(a -> a.toString().contains(gus));
            } catch (jakarta.mail.MessagingException e) {
                throw new AssertionError(e);
            }
        }), "nothing reached the smarthost");
    }

    /**
     * Thunderbird and Apple Mail send text as {@code 8bit}; GreenMail offers no 8BITMIME, so the
     * body must reach it 7-bit (RFC 6152 §3): quoted-printable, the same text once decoded. The
     * user's Sent copy keeps what they wrote.
     */
    @Test
    void anEightBitBodyReachesASmarthostWithout8bitmimeAsQuotedPrintableAndSentKeepsItAsWritten() throws Exception {
        String hana = "hana." + shortId() + "@legacy.example";
        String subject = "8bit " + shortId();
        String text = "Schöne Grüße aus Köln — 5 €\r\n\r\n-- \r\nAlex\r\n";
        byte[] written = ("From: Alex <alex@" + DOMAIN + ">\r\nTo: <" + hana + ">\r\nSubject: " + subject + "\r\n"
                + "Date: Sat, 28 Nov 2026 10:00:00 +0000\r\nMessage-ID: <" + shortId() + "@" + DOMAIN + ">\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8; format=flowed\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\n" + text).getBytes(StandardCharsets.UTF_8);
        Session session = GatewayClients.submission(gateway);
        try (Transport t = session.getTransport("smtp")) {
            t.connect("alex", "alex-pw");
            t.sendMessage(new MimeMessage(session, new java.io.ByteArrayInputStream(written)),
                    new InternetAddress[]{new InternetAddress(hana)});
        }

        MimeMessage out = arrived(hana, subject);
        for (byte octet : bytes(out)) {
            assertTrue(octet >= 0, "no 8-bit octet reaches a server without 8BITMIME");
        }
        assertEquals("quoted-printable", out.getEncoding());
        // GreenMail keeps a message's last CRLF as part of the <CRLF>.<CRLF> that ends DATA
        assertEquals(text.substring(0, text.length() - 2), new String(out.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8), "decoded, the text alex wrote");
        assertEquals(1, sentCopies(subject), "one Sent copy");
        MimeMessage sent = folder("Sent", subject).get(0);
        assertEquals("8bit", sent.getEncoding(), "the Sent copy is what alex wrote");
        String sentText = new String(bytes(sent), StandardCharsets.UTF_8);
        assertTrue(sentText.endsWith("\r\n\r\n" + text), sentText);
    }

    /**
     * Writing back to a request while the MX files the correspondent's next message: both succeed
     * and both messages end in INBOX. The delivery holds the Requests row it filed into when the
     * foreign key of {@code mapping.legacy_received_ids} takes its share of the relationship row;
     * the answer locked the relationship row first and then wanted Requests, and PostgreSQL failed
     * one of them (the user's reply got 451). A lock on {@code legacy_received_ids} holds the
     * delivery at that point until the answer waits too.
     */
    @Test
    void answeringARequestWhileTheMxFilesTheCorrespondentsNextMessageFailsNeither() throws Exception {
        String published = new Administration(gateway.database(), DOMAIN).createAlias(Login.of("alex"), "hi", true)
                .address().toString();
        String dana = "dana." + shortId() + "@legacy.example";
        String request = "may I write? " + shortId();
        mxSend(dana, "Dana", published, request, null);
        String danasAlias = ((InternetAddress) folder("Requests", request).get(0).getFrom()[0]).getAddress();
        String again = "did you get my mail? " + shortId();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> sending;
            Future<?> answering;
            try (Connection hold = gateway.database().dataSource().getConnection()) {
                hold.setAutoCommit(false);
                try (Statement s = hold.createStatement()) {
                    s.execute("LOCK TABLE mapping.legacy_received_ids IN SHARE MODE");
                }
                sending = pool.submit(() -> { mxSend(dana, "Dana", published, again, null); return null; });
                waitForLockWaiters(1, sending); // the delivery filed in Requests and waits
                answering = pool.submit(() -> { submit(danasAlias, "Re: " + request, "Alex"); return null; });
                waitForLockWaiters(2, sending, answering);
                hold.rollback();
            }
            sending.get();
            answering.get();
        } finally {
            pool.shutdownNow();
        }
        arrived(dana, "Re: " + request);
        for (String subject : List.of(request, again)) {
            assertEquals(1, folder("INBOX", subject).size(), "answered: '" + subject + "' in INBOX");
            assertEquals(0, folder("Requests", subject).size());
        }
    }

    /**
     * Writing back to a request while a MOVE in the mail client takes Sent and then Requests (the
     * lower id first; Requests is created later): the answer takes Sent, where its copy goes, with
     * Requests and INBOX before the relationship, so the MOVE finishes and then the answer. It held
     * Requests and INBOX and wanted Sent for its copy last, the MOVE held Sent and wanted Requests.
     */
    @Test
    void answeringARequestWhileAMoveTakesSentAndRequestsFailsNeither() throws Exception {
        String published = new Administration(gateway.database(), DOMAIN).createAlias(Login.of("alex"), "hi", true)
                .address().toString();
        String fay = "fay." + shortId() + "@legacy.example";
        String request = "may I ask? " + shortId();
        mxSend(fay, "Fay", published, request, null);
        String faysAlias = ((InternetAddress) folder("Requests", request).get(0).getFrom()[0]).getAddress();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection move = gateway.database().dataSource().getConnection()) {
            move.setAutoCommit(false);
            lockFolder(move, "Sent"); // a MOVE from Sent to Requests: Sent's row first, the lower id
            Future<?> answering = pool.submit(() -> { submit(faysAlias, "Re: " + request, "Alex"); return null; });
            waitForLockWaiters(1, answering);
            lockFolder(move, "Requests"); // the MOVE's second row
            move.commit();
            answering.get();
        } finally {
            pool.shutdownNow();
        }
        arrived(fay, "Re: " + request);
        assertEquals(1, folder("INBOX", request).size(), "accepted by the answer");
        assertEquals(1, folder("Sent", "Re: " + request).size(), "the answer's copy");
    }

    private static void lockFolder(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM imap.mailbox WHERE owner = 'alex' AND name = ?"
                + " FOR UPDATE")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next(), name);
            }
        }
    }

    /** Until {@code n} sessions of the test database wait for a lock, or one of {@code running} ended (its get() says why). */
    private static void waitForLockWaiters(int n, Future<?>... running) throws Exception {
        while (java.util.Arrays.stream(running).noneMatch(Future::isDone)) {
            try (Connection c = gateway.database().dataSource().getConnection();
                 PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                         + " WHERE datname = current_database() AND wait_event_type = 'Lock'");
                 ResultSet rs = s.executeQuery()) {
                rs.next();
                if (rs.getLong(1) >= n) {
                    return;
                }
            }
            Thread.sleep(5);
        }
    }

    /** Answering accepts the correspondent: what they wrote that waits in Requests goes to INBOX with it. */
    @Test
    void answeringAStrangersRequestAcceptsIt() throws Exception {
        String published = new Administration(gateway.database(), DOMAIN).createAlias(Login.of("alex"), "hi", true)
                .address().toString();
        String dana = "dana." + shortId() + "@legacy.example";
        String request = "may I write? " + shortId();
        mxSend(dana, "Dana", published, request, null);
        String again = "did you get my mail? " + shortId();
        mxSend(dana, "Dana", published, again, null);
        String danasAlias = ((InternetAddress) folder("Requests", request).get(0).getFrom()[0]).getAddress();
        submit(danasAlias, "Re: " + request, "Alex");
        arrived(dana, "Re: " + request);
        for (String subject : List.of(request, again)) {
            assertEquals(1, folder("INBOX", subject).size(), "answered: '" + subject + "' moved to INBOX");
            assertEquals(0, folder("Requests", subject).size());
        }
        String next = "thanks " + shortId();
        mxSend(dana, "Dana", published, next, null);
        assertEquals(1, folder("INBOX", next).size(), "an answered request is a relationship: INBOX from now on");
    }

    /**
     * Nothing in plain email tells a correspondent the user's login (their SMTP/IMAP account): the
     * outward aliases of two correspondents have a neutral prefix and random parts that differ, and
     * a mail client's From without a name shows the user's display name, or none when that is the
     * login ({@code user add}'s default). Every octet the smarthost receives is scanned, and the
     * name carried in the {@code Communicator-Invite} invitation too.
     */
    @Test
    void noLoginReachesCorrespondentsAndTheirAddressesShareNothingOfTheUser() throws Exception {
        Administration admin = new Administration(gateway.database(), DOMAIN);
        admin.addUser(Login.of("zoltan7"), "Zed Quill", "zoltan7-pw".toCharArray());
        admin.addUser(Login.of("quinn8"), "quinn8", "quinn8-pw".toCharArray()); // user add without --display-name
        String ivy = "ivy." + shortId() + "@legacy.example";
        String jon = "jon." + shortId() + "@elsewhere.example";
        String toIvy = "no name given " + shortId();
        String toJon = "no name given either " + shortId();
        submit("zoltan7", ivy, toIvy, null);
        submit("zoltan7", jon, toJon, null);
        MimeMessage atIvy = arrived(ivy, toIvy);
        MimeMessage atJon = arrived(jon, toJon);
        assertEquals("Zed Quill", ((InternetAddress) atIvy.getFrom()[0]).getPersonal(), "the display name, not the login");
        String[] ivys = ((InternetAddress) atIvy.getFrom()[0]).getAddress().split("[.@]", 3);
        String[] jons = ((InternetAddress) atJon.getFrom()[0]).getAddress().split("[.@]", 3);
        assertEquals(dev.liaison.mapping.alias.LocalPartGenerator.NEUTRAL_PREFIX, ivys[0], "a prefix of no one's");
        assertEquals(ivys[0], jons[0], "the same for everyone");
        assertNotEquals(ivys[1], jons[1], "random parts: the two addresses share nothing of zoltan7's");

        String toKim = "from quinn " + shortId();
        String kim = "kim." + shortId() + "@legacy.example";
        submit("quinn8", kim, toKim, null);
        MimeMessage atKim = arrived(kim, toKim);
        assertNull(((InternetAddress) atKim.getFrom()[0]).getPersonal(), "a display name that is the login is no name");

        for (MimeMessage out : List.of(atIvy, atJon, atKim)) {
            java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
            out.writeTo(raw);
            String whole = raw.toString(java.nio.charset.StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
            assertFalse(whole.contains("zoltan7") || whole.contains("quinn8"), "a login left the gateway:\n" + whole);
            String token = String.join("", out.getHeader("Communicator-Invite")).replaceAll("\\s+", "");
            String invitedAs = dev.liaison.gateway.invitation.InvitationCodec.fromToken(token).displayName();
            assertFalse(invitedAs.contains("zoltan7") || invitedAs.contains("quinn8"), invitedAs);
        }
    }

    /**
     * A published address disabled while a relationship wrote from it (the alias commands refuse
     * that now; a database from before may hold it): alex's mail to that correspondent is refused
     * saying why and what to do, never sent from an address whose replies bounce.
     */
    @Test
    void mailIsNotSentFromADisabledPublishedAddressThatWouldRefuseTheReplies() throws Exception {
        String published = new Administration(gateway.database(), DOMAIN).createAlias(Login.of("alex"), "news", true)
                .address().toString();
        String ida = "ida." + shortId() + "@legacy.example";
        String request = "a question " + shortId();
        mxSend(ida, "Ida", published, request, null);
        String idasAlias = ((InternetAddress) folder("Requests", request).get(0).getFrom()[0]).getAddress();
        submit(idasAlias, "Re: " + request, "Alex");
        assertEquals(published, ((InternetAddress) arrived(ida, "Re: " + request).getFrom()[0]).getAddress());
        gateway.database().inTransaction(c -> new dev.liaison.mapping.alias.PostgresAliasStore().changeState(c,
                dev.liaison.mapping.alias.AliasAddress.parse(published), dev.liaison.mapping.alias.AliasState.DISABLED));

        String subject = "after the disable " + shortId();
        String refused = refusal(() -> submit(idasAlias, subject, "Alex"));
        assertTrue(refused.contains("550") && refused.contains(published + ", which is disabled")
                && refused.contains("liaison alias enable " + published), refused);
        assertEquals(0, sentCopies(subject), "nothing was sent");
        String bounced = refusal(() -> mxSend(ida, "Ida", published, "Re: " + subject, null));
        assertTrue(bounced.contains("550"), "the replies it would have had are refused: " + bounced);
    }

    @Test
    void aUserWhoChoseTheirPublishedAddressWritesEveryoneFromItAndRepliesReachTheInbox() throws Exception {
        Administration admin = new Administration(gateway.database(), DOMAIN);
        admin.addUser(Login.of("blake"), "Blake", "blake-pw".toCharArray());
        String published = admin.createAlias(Login.of("blake"), "blake", true).address().toString();
        gateway.database().inTransaction(c -> {
            new LegacyCorrespondentStore().setFrom(c, Login.of("blake"), Optional.of(LegacyFrom.PUBLISHED));
            return null;
        });
        String erin = "erin." + shortId() + "@legacy.example";
        String first = "from blake's known address " + shortId();
        submit("blake", erin, first, "Blake");
        MimeMessage toErin = arrived(erin, first);
        assertEquals(published, ((InternetAddress) toErin.getFrom()[0]).getAddress(), "the published address, by choice");
        String finn = "finn." + shortId() + "@elsewhere.example";
        submit("blake", finn, "hello finn " + shortId(), "Blake");
        assertEquals(published, ((InternetAddress) arrived(finn, null).getFrom()[0]).getAddress(),
                "every correspondent sees the same address");

        String reply = "Re: " + first;
        mxSend(erin, "Erin", published, reply, toErin.getMessageID());
        assertEquals(1, folder("blake", "INBOX", reply).size(), "blake wrote first: erin's reply is no request");
        assertEquals(0, folder("blake", "Requests", reply).size());
    }

    /**
     * A user subscribed to a mailing list (or known to a shop) by a published alias unsubscribes by
     * mail from it: when the mail client's {@code From} names one of the user's active published
     * aliases, the new relationship writes from it (MAIL FROM and From), not from a fresh outward
     * alias, nor from the oldest published one the user chose for everyone. The list's confirmation
     * from an address of its own follows the published alias's rules (a request), the list's own
     * answer reaches the INBOX, and the relationship keeps that address afterwards. A {@code From}
     * naming anything else (the login, an outward alias, another user's published alias, a disabled
     * one) is no choice: a fresh outward alias, as before.
     */
    @Test
    void aFirstMessageFromOneOfTheUsersPublishedAliasesLeavesFromItAndRepliesFollowItsRules() throws Exception {
        Administration admin = new Administration(gateway.database(), DOMAIN);
        admin.addUser(Login.of("gale"), "Gale", "gale-pw".toCharArray());
        admin.addUser(Login.of("hana"), "Hana", "hana-pw".toCharArray());
        String oldest = admin.createAlias(Login.of("gale"), "gale", true).address().toString();
        String lists = admin.createAlias(Login.of("gale"), "gale", true).address().toString();
        String list = "dev-request." + shortId() + "@lists.example";
        String unsubscribe = "unsubscribe " + shortId();
        submitFrom("gale", lists, list, unsubscribe);
        MimeMessage out = arrived(list, unsubscribe);
        assertEquals(lists, fromOf(out), "the alias the list knows, as the client's From names it");
        assertEquals("<" + lists + ">", out.getHeader("Return-Path", null), "MAIL FROM too");

        String confirm = "confirm " + shortId();
        mxSend("dev-confirm+" + shortId() + "@lists.example", "Dev list", lists, confirm, out.getMessageID());
        assertEquals(1, folder("gale", "Requests", confirm).size(), "another address of the list's: a request");
        String done = "you are unsubscribed " + shortId();
        mxSend(list, "Dev list", lists, done, null);
        assertEquals(1, folder("gale", "INBOX", done).size(), "gale wrote first: the list's answer is no request");
        String again = "subscribe " + shortId();
        submit("gale", list, again, "Gale");
        assertEquals(lists, fromOf(arrived(list, again)), "the relationship keeps the address its correspondent knows");

        String shop = "support." + shortId() + "@shop.example";
        String order = "my order " + shortId();
        submit("gale", shop, order, "Gale");
        String before = fromOf(arrived(shop, order));
        String named = "about my order " + shortId();
        submitFrom("gale", lists, shop, named);
        assertEquals(before, fromOf(arrived(shop, named)), "an existing relationship keeps its outward alias");
        long written = gateway.database().inTransaction(c -> {
            try (var s = c.prepareStatement("SELECT relationship_id FROM mapping.legacy_correspondents"
                    + " WHERE address = ? AND replaced_at IS NULL")) {
                s.setString(1, shop);
                try (var rs = s.executeQuery()) {
                    assertTrue(rs.next());
                    return rs.getLong(1);
                }
            }
        });
        gateway.database().inTransaction(c -> gateway.relay().control().end(c, Login.of("gale"), written));
        String anew = "my order again " + shortId();
        submitFrom("gale", lists, shop, anew);
        assertEquals(lists, fromOf(arrived(shop, anew)), "ended and written to again: from the published alias named");
        String ticket = "ticket 123 " + shortId();
        mxSend(shop, "Shop", lists, ticket, null);
        assertEquals(1, folder("gale", "INBOX", ticket).size());

        String ownOutward = outwardOf("gale", "gale@" + DOMAIN);
        String hanas = admin.createAlias(Login.of("hana"), "hana", true).address().toString();
        String disabled = admin.createAlias(Login.of("gale"), "gale", true).address().toString();
        admin.changeAliasState(dev.liaison.mapping.alias.AliasAddress.parse(disabled),
                dev.liaison.mapping.alias.AliasState.DISABLED);
        for (String claimed : List.of("gale@" + DOMAIN, ownOutward, hanas, disabled)) {
            String fresh = outwardOf("gale", claimed);
            assertTrue(fresh.startsWith("mail.") && !fresh.equals(ownOutward), claimed + " is no choice: " + fresh);
        }

        gateway.database().inTransaction(c -> {
            new LegacyCorrespondentStore().setFrom(c, Login.of("gale"), Optional.of(LegacyFrom.PUBLISHED));
            return null;
        });
        assertEquals(lists, outwardOf("gale", lists), "the named published alias, not the oldest");
        assertEquals(oldest, outwardOf("gale", "gale@" + DOMAIN), "none named: the oldest, as chosen");
    }

    /**
     * A mailing list's post comes from its author ({@code From: dave}) with {@code List-Post}
     * naming the list. Its id is remembered under dave's relationship; a reply to the list ("Reply
     * List") gives the list that id back, as written, to the smarthost and in the Sent copy, so
     * the list's members see the reply in the thread: the list delivered the post and knows its id.
     * A reply to someone else citing it, and another user's mail to the list, keep it neutral.
     */
    @Test
    void aReplyToAMailingListGivesTheListBackTheIdsOfThePostsItDelivered() throws Exception {
        Administration admin = new Administration(gateway.database(), DOMAIN);
        String published = admin.createAlias(Login.of("alex"), "lists", true).address().toString();
        String list = "dev." + shortId() + "@lists.example";
        String dave = "dave." + shortId() + "@legacy.example";
        String post = "release plans " + shortId();
        MimeMessage m = mxMessage(dave, "Dave", published, post);
        // as Mailman writes it: the list's address in another case, with a parameter
        m.setHeader("List-Post", "<mailto:" + list.toUpperCase(java.util.Locale.ROOT) + "?subject=post>");
        m.setHeader("List-Id", "Development <" + list.replace('@', '.') + ">");
        m.setText("Shall we release on Monday?\r\n");
        m.saveChanges();
        Transport.send(m);
        String postId = folder("Requests", post).get(0).getMessageID();
        assertFalse(postId.endsWith("@liaison.invalid>"), "the post's own id: " + postId);

        String reply = "Re: " + post;
        submit("alex", list, reply, "Alex", Map.of("In-Reply-To", postId, "References", postId));
        MimeMessage toList = arrived(list, reply);
        assertEquals(postId, toList.getHeader("In-Reply-To")[0].strip(), "the list's members thread the reply");
        assertEquals(postId, toList.getHeader("References")[0].strip());
        assertEquals(postId, folder("Sent", reply).get(0).getHeader("In-Reply-To")[0].strip(), "as alex's Sent copy");
        assertEquals(null, toList.getHeader("Communicator-Invite"),
                "no invitation to a list: every subscriber gets it, and the first to take it up would get alex's posts");

        String erin = "erin." + shortId() + "@elsewhere.example";
        String aside = "about dave's post " + shortId();
        submit("alex", erin, aside, "Alex", Map.of("In-Reply-To", postId, "References", postId));
        MimeMessage erins = arrived(erin, aside);
        assertTrue(erins.getHeader("Communicator-Invite") != null, "a person is offered the upgrade");
        String toErin = erins.getHeader("In-Reply-To")[0].strip();
        assertTrue(toErin.endsWith("@liaison.invalid>") && !toErin.equals(postId),
                "someone the list did not deliver it to gets a neutral id: " + toErin);

        admin.addUser(Login.of("fay"), "Fay", "fay-pw".toCharArray());
        String fays = "also about the release " + shortId();
        submit("fay", list, fays, "Fay", Map.of("In-Reply-To", postId, "References", postId));
        String fromFay = arrived(list, fays).getHeader("In-Reply-To")[0].strip();
        assertTrue(fromFay.endsWith("@liaison.invalid>") && !fromFay.equals(postId),
                "an id alex received is never given back in another user's mail: " + fromFay);
    }

    /** The address a first message from {@code login}, its client's From {@code from}, leaves from. */
    private static String outwardOf(String login, String from) throws Exception {
        String to = "shop." + shortId() + "@shop.example";
        String subject = "an order " + shortId();
        submitFrom(login, from, to, subject);
        MimeMessage out = arrived(to, subject);
        assertEquals("<" + fromOf(out) + ">", out.getHeader("Return-Path", null), "MAIL FROM as From");
        return fromOf(out);
    }

    /**
     * A display name with an address in it (a client without a configured name writes the
     * account's address there; a user choosing a published alias may leave its address there) is
     * not shown to a correspondent, who would learn an address of the user's they were not given:
     * the user's own display name is shown instead.
     */
    @Test
    void aDisplayNameWithAnAddressInItIsNotShownToTheCorrespondent() throws Exception {
        Administration admin = new Administration(gateway.database(), DOMAIN);
        admin.addUser(Login.of("ivo"), "Ivo Ng", "ivo-pw".toCharArray());
        String published = admin.createAlias(Login.of("ivo"), "ivo", true).address().toString();
        for (String name : List.of(published, "ivo@" + DOMAIN, "Ivo <" + published + ">")) {
            String to = "kim." + shortId() + "@elsewhere.example";
            String subject = "hello " + shortId();
            Session session = GatewayClients.submission(gateway);
            MimeMessage m = new MimeMessage(session);
            m.setFrom(new InternetAddress("ivo@" + DOMAIN, name));
            m.setRecipients(Message.RecipientType.TO, to);
            m.setSubject(subject);
            m.setText("Body of " + subject + "\r\n");
            m.saveChanges();
            try (Transport t = session.getTransport("smtp")) {
                t.connect("ivo", "ivo-pw");
                t.sendMessage(m, m.getAllRecipients());
            }
            MimeMessage out = arrived(to, subject);
            InternetAddress from = (InternetAddress) out.getFrom()[0];
            assertEquals("Ivo Ng", from.getPersonal(), "the name " + name + " is not shown");
            assertTrue(from.getAddress().startsWith("mail."), from.getAddress());
            String head = String.join("\n", java.util.Collections.list(out.getAllHeaderLines()));
            assertFalse(head.contains(published) || head.contains("ivo@" + DOMAIN), head);
        }
    }

    private static String fromOf(MimeMessage m) throws MessagingException {
        return ((InternetAddress) m.getFrom()[0]).getAddress();
    }

    /** As {@link #submit}, the mail client's From {@code from} (and envelope sender, as clients do). */
    private static void submitFrom(String login, String from, String to, String subject) throws Exception {
        Session session = GatewayClients.submission(gateway);
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(from, "Someone"));
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject(subject);
        m.setText("Body of " + subject + "\r\n");
        m.saveChanges();
        try (Transport t = session.getTransport("smtp")) {
            t.connect(login, login + "-pw");
            t.sendMessage(m, m.getAllRecipients());
        }
    }

    /**
     * A mail server's report (null reverse path, multipart/report) on plain email alex sent names its
     * Message-ID and is filed in INBOX. Anyone can write an id of the Liaison form: a report naming
     * one alex never sent, or one another user of this gateway sent, or alex's own past
     * {@code SENT_ID_MEMORY}, goes to Junk with a warning.
     */
    @Test
    void aReportReachesTheInboxOnlyWhenItNamesAMessageTheUserSentAsPlainEmail() throws Exception {
        String dora = "dora." + shortId() + "@legacy.example";
        String subject = "your parcel " + shortId();
        submit(dora, subject, "Alex");
        MimeMessage out = arrived(dora, subject);
        String outward = ((InternetAddress) out.getFrom()[0]).getAddress();

        String bounce = "Undelivered Mail Returned to Sender " + shortId();
        mxReport(outward, bounce, out.getMessageID());
        assertEquals(1, folder("INBOX", bounce).size(), "a report on alex's own message");

        String forged = "Delivery failure " + shortId();
        mxReport(outward, forged, "<abcdefghijklmnopqrstuvwxyz@liaison.invalid>");
        assertReportInJunk(forged);

        new Administration(gateway.database(), DOMAIN).addUser(Login.of("casey"), "Casey", "casey-pw".toCharArray());
        String fern = "fern." + shortId() + "@legacy.example";
        String casey = "from casey " + shortId();
        submit("casey", fern, casey, "Casey");
        String caseysId = arrived(fern, casey).getMessageID();
        String notAlexs = "Returned mail " + shortId();
        mxReport(outward, notAlexs, caseysId);
        assertReportInJunk(notAlexs);

        gateway.database().inTransaction(c -> {
            try (var s = c.prepareStatement("UPDATE mapping.legacy_sent_ids SET sent_at = sent_at - ?::interval"
                    + " WHERE neutral = ?")) {
                s.setString(1, dev.liaison.gateway.legacy.delivery.Limits.SENT_ID_MEMORY.plusDays(1).toSeconds() + " seconds");
                s.setString(2, out.getMessageID().replaceAll("[<>]", ""));
                assertEquals(1, s.executeUpdate());
            }
            return null;
        });
        String late = "Late bounce " + shortId();
        mxReport(outward, late, out.getMessageID());
        assertReportInJunk(late);
    }

    private static void assertReportInJunk(String subject) throws Exception {
        assertEquals(0, folder("INBOX", subject).size(), subject);
        List<MimeMessage> junk = folder("Junk", subject);
        assertEquals(1, junk.size(), subject + " in Junk");
        assertTrue(junk.get(0).getHeader("X-Liaison-Warning")[0].contains("names none of your messages"));
    }

    /** An RFC 3464 report from a mail server (null reverse path) returning the header of the message {@code id}. */
    private static void mxReport(String to, String subject, String id) throws Exception {
        String boundary = "b-" + shortId();
        String text = "From: Mail Delivery System <MAILER-DAEMON@mx.legacy.example>\r\nTo: " + to + "\r\n"
                + "Subject: " + subject + "\r\nMessage-ID: <" + shortId() + "@mx.legacy.example>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"" + boundary + "\"\r\n\r\n"
                + "--" + boundary + "\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
                + "--" + boundary + "\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.legacy.example\r\n\r\n"
                + "Final-Recipient: rfc822; nobody@legacy.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
                + "--" + boundary + "\r\nContent-Type: text/rfc822-headers\r\n\r\nSubject: hello\r\nMessage-ID: " + id
                + "\r\n\r\n--" + boundary + "--\r\n";
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(gateway.inboundPort()));
        p.put("mail.smtp.from", "<>");
        Session session = Session.getInstance(p);
        Transport.send(new MimeMessage(session, new java.io.ByteArrayInputStream(text.getBytes(
                java.nio.charset.StandardCharsets.US_ASCII))) {
            @Override
            protected void updateMessageID() {
                // sent as the mail server wrote it
            }
        });
    }

    private static void submit(String to, String subject, String name) throws Exception {
        submit("alex", to, subject, name);
    }

    private static void submit(String login, String to, String subject, String name) throws Exception {
        submit(login, to, subject, name, Map.of());
    }

    private static void submit(String login, String to, String subject, String name, Map<String, String> fields)
            throws Exception {
        Session session = GatewayClients.submission(gateway);
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(login + "@" + DOMAIN, name));
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject(subject);
        m.setHeader("User-Agent", "TestMail/1.0 (secret-laptop.local)");
        for (Map.Entry<String, String> field : fields.entrySet()) {
            m.setHeader(field.getKey(), field.getValue());
        }
        m.setText("Body of " + subject + "\r\n");
        m.saveChanges();
        try (Transport t = session.getTransport("smtp")) {
            t.connect(login, login + "-pw");
            t.sendMessage(m, m.getAllRecipients());
        }
    }

    /** A message from the Internet to the gateway's MX for {@code to}, naming {@code cc} (elsewhere) in Cc too. */
    private static void mxSendCc(String from, String name, String to, String cc, String subject) throws Exception {
        MimeMessage m = mxMessage(from, name, to, subject);
        m.setRecipients(Message.RecipientType.CC, cc);
        m.setText("Reply body\r\n");
        m.saveChanges();
        try (Transport t = m.getSession().getTransport("smtp")) {
            t.connect();
            t.sendMessage(m, new InternetAddress[]{new InternetAddress(to)}); // carol's server has her copy
        }
    }

    /** A message from the Internet to the gateway's MX. */
    private static void mxSend(String from, String name, String to, String subject, String inReplyTo) throws Exception {
        MimeMessage m = mxMessage(from, name, to, subject);
        if (inReplyTo != null) {
            m.setHeader("In-Reply-To", inReplyTo);
        }
        m.setText("Reply body\r\n");
        m.saveChanges();
        Transport.send(m);
    }

    /** A message from {@code from} to {@code to}, in a session that sends it to the gateway's MX. */
    private static MimeMessage mxMessage(String from, String name, String to, String subject) throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(gateway.inboundPort()));
        p.put("mail.smtp.from", from);
        MimeMessage m = new MimeMessage(Session.getInstance(p));
        m.setFrom(new InternetAddress(from, name));
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject(subject);
        return m;
    }

    /** The one message for {@code to} (with {@code subject}, if given) at the smarthost, waiting for it. */
    private static MimeMessage arrived(String to, String subject) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<MimeMessage> found = new ArrayList<>();
            for (MimeMessage m : internet.getReceivedMessages()) {
                boolean forTo = Arrays.stream(m.getAllRecipients()).anyMatch(a -> a.toString().contains(to));
                if (forTo && (subject == null || subject.equals(m.getSubject()))) {
                    found.add(m);
                }
            }
            if (!found.isEmpty()) {
                assertEquals(1, found.size(), "delivered once to " + to);
                return found.get(0);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("nothing for " + to + " (" + subject + ") reached the smarthost");
    }

    private static MimeMessage inbox(String subject) throws Exception {
        List<MimeMessage> found = folder("INBOX", subject);
        assertEquals(1, found.size(), subject + " in INBOX");
        return found.get(0);
    }

    private static int sentCopies(String subject) throws Exception {
        return folder("Sent", subject).size();
    }

    private static List<MimeMessage> folder(String name, String subject) throws Exception {
        return folder("alex", name, subject);
    }

    private static List<MimeMessage> folder(String login, String name, String subject) throws Exception {
        return GatewayClients.folder(gateway, login, name, subject);
    }

    private static int freePort() throws IOException {
        return dev.liaison.gateway.transport.ListenPorts.free();
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
