package dev.liaison.gateway.relationship;

import dev.liaison.gateway.submission.OwnAliasPolicy;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.user.Login;
import dev.liaison.smtp.address.EmailAddress;
import dev.liaison.smtp.submission.AuthenticatedUser;
import dev.liaison.smtp.submission.RecipientVerdict;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two gateways, each with its own database, relaying to each other: mail written by jakarta-mail at
 * one arrives over IMAP at the other from the relationship's alias, and replies thread.
 */
class RelayEndToEndTest {

    @TempDir
    static Path dir;
    private static GatewayPair pair;
    private static GatewayPair.Established link;

    @BeforeAll
    static void start() throws Exception {
        pair = new GatewayPair(TestPostgres.available().get(0), dir);
        pair.alex.admin.addUser(dev.liaison.mapping.user.Login.of("alex"), "Alex", "alex-pw".toCharArray());
        pair.blair.admin.addUser(dev.liaison.mapping.user.Login.of("blair"), "Blair", "blair-pw".toCharArray());
        link = pair.connect();
    }

    @AfterAll
    static void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void bothUsersGetAConnectedMessageFromTheirNewAlias() throws Exception {
        for (var end : List.of(List.of(pair.alex, link.alexAlias(), "Blair"), List.of(pair.blair, link.blairAlias(), "Alex"))) {
            long connected = MailClients.messages((GatewayPair.Node) end.get(0), "INBOX").stream()
                    .filter(m -> from(m).equals(end.get(1)) && subject(m).startsWith("Connected with")
                            && subject(m).contains((String) end.get(2)))
                    .count();
            assertEquals(1, connected, "connected messages from " + end.get(1));
        }
    }

    @Test
    void messageWithAttachmentArrivesFromTheAliasByteForByteAndTheReplyThreads() throws Exception {
        MimeMessage m = withAttachment("the plan, with a file", 5000);
        m.setFrom(new InternetAddress("alex@alex.test", "Alex Private"));
        m.setHeader("X-Originating-IP", "[192.0.2.7]");
        m.saveChanges();
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        m.writeTo(written);
        MailClients.send(pair.alex, "alex", "alex-pw", m);

        byte[] delivered = awaitMessage(pair.blair, "the plan, with a file");
        byte[] expected = MailClients.body(written.toByteArray());
        byte[] actual = MailClients.body(delivered);
        assertArrayEquals(expected, actual);
        MimeMessage arrived = new MimeMessage(null, new java.io.ByteArrayInputStream(delivered));
        InternetAddress from = (InternetAddress) arrived.getFrom()[0];
        assertEquals(link.blairAlias(), from.getAddress());
        assertEquals("Alex", from.getPersonal());
        assertEquals("blair@blair.test", ((InternetAddress) arrived.getRecipients(Message.RecipientType.TO)[0]).getAddress());
        String headers = new String(delivered, 0, delivered.length - MailClients.body(delivered).length,
                java.nio.charset.StandardCharsets.ISO_8859_1);
        for (String leak : List.of("alex@alex.test", "Alex Private", "192.0.2.7", "Received:", "alex.test", "localhost")) {
            assertTrue(!headers.contains(leak), "delivered headers reveal '" + leak + "':\n" + headers);
        }

        MimeMessage sent = only(MailClients.messages(pair.alex, "Sent"), "the plan, with a file");
        assertEquals(sent.getMessageID(), arrived.getMessageID(), "Sent copy and delivered message share the id");

        MimeMessage reply = (MimeMessage) arrived.reply(false);
        reply = new MimeMessage(MailClients.smtp(pair.blair)) {{
            setFrom(new InternetAddress("blair@blair.test"));
        }};
        reply.setRecipients(Message.RecipientType.TO, link.blairAlias());
        reply.setSubject("Re: the plan, with a file");
        reply.setHeader("In-Reply-To", arrived.getMessageID());
        reply.setHeader("References", arrived.getMessageID());
        reply.setText("Sounds good.\n");
        reply.saveChanges();
        MailClients.send(pair.blair, "blair", "blair-pw", reply);

        MimeMessage back = new MimeMessage(null, new java.io.ByteArrayInputStream(
                awaitMessage(pair.alex, "Re: the plan, with a file")));
        assertEquals(sent.getMessageID(), back.getHeader("In-Reply-To", null), "the reply threads under alex's Sent copy");
        assertEquals(link.alexAlias(), ((InternetAddress) back.getFrom()[0]).getAddress());
        assertEquals("Blair", ((InternetAddress) back.getFrom()[0]).getPersonal());
        assertNull(back.getHeader("Received"));
    }

    /**
     * A photo or a document of several megabytes goes through a relationship as plain email does: a
     * 9 MB attachment (12 MB once encoded) arrives byte for byte. One that would not fit the protocol's
     * largest envelope (but is within the SIZE that SMTP advertises) is refused with 552 5.3.4, and
     * nothing of it is filed or sent.
     */
    @Test
    void aMessageOfSeveralMegabytesIsRelayedWholeAndOneOverTheRelationshipsLimitIsRefused() throws Exception {
        MimeMessage large = withAttachment("holiday photos", 9 * 1000 * 1000);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        large.writeTo(written);
        assertTrue(written.size() > 12_000_000 && written.size() < RelationshipMail.MAX_MESSAGE_BYTES, "size " + written.size());
        MailClients.send(pair.alex, "alex", "alex-pw", large);
        byte[] delivered = awaitMessage(pair.blair, "holiday photos");
        assertArrayEquals(MailClients.body(written.toByteArray()), MailClients.body(delivered));

        MimeMessage tooLarge = withAttachment("the whole film", 13 * 1000 * 1000);
        ByteArrayOutputStream over = new ByteArrayOutputStream();
        tooLarge.writeTo(over);
        assertTrue(over.size() > RelationshipMail.MAX_MESSAGE_BYTES && over.size() < 25 * 1024 * 1024, "size " + over.size());
        String refusal = MailClients.refusal(pair.alex, "alex", "alex-pw", tooLarge);
        assertTrue(refusal.contains("552") && refusal.contains("5.3.4"), refusal);
        assertEquals(List.of(), MailClients.withSubject(pair.alex, "Sent", "the whole film"), "no Sent copy of a refused message");
        MailClients.send(pair.alex, "alex", "alex-pw", toBlair("after the film", null));
        awaitMessage(pair.blair, "after the film");
        assertEquals(List.of(), MailClients.withSubject(pair.blair, "INBOX", "the whole film"), "nothing of it relayed");
    }

    /**
     * RFC 1870 at RCPT: a client that declares a size no relationship or plain email can carry is
     * told at the RCPT of a recipient its mail would leave for (a relationship's alias, a plain
     * address), before it uploads the message; its own mailbox's alias takes it, and a size at the
     * bound, or none declared, is left to the check of the message itself.
     */
    @Test
    void aDeclaredSizeThatCannotLeaveIsRefusedAtRcptOfARecipientItWouldLeaveFor() throws Exception {
        OwnAliasPolicy policy = new OwnAliasPolicy(pair.alex.gateway.database(), pair.alex.domain, () -> true);
        AuthenticatedUser alex = new AuthenticatedUser("alex");
        EmailAddress relationship = EmailAddress.parse(link.alexAlias());
        EmailAddress own = EmailAddress.parse(pair.alex.admin.createAlias(Login.of("alex")).address().value());
        EmailAddress plain = EmailAddress.parse("bob@example.net");
        OptionalLong over = OptionalLong.of(OwnAliasPolicy.MAX_DECLARED_LEAVING + 1);
        assertEquals(RecipientVerdict.TOO_LARGE, policy.check(alex, relationship, over));
        assertEquals(RecipientVerdict.TOO_LARGE, policy.check(alex, plain, over));
        assertEquals(RecipientVerdict.ACCEPT, policy.check(alex, own, over));
        assertEquals(RecipientVerdict.ACCEPT, policy.check(alex, relationship, OptionalLong.of(OwnAliasPolicy.MAX_DECLARED_LEAVING)));
        assertEquals(RecipientVerdict.ACCEPT, policy.check(alex, relationship, OptionalLong.empty()));
        assertTrue(OwnAliasPolicy.MAX_DECLARED_LEAVING < 25L * 1024 * 1024, "below the SIZE that SMTP advertises");
    }

    /** Alex to Blair's alias: a line of text and {@code octets} of random bytes attached (base64 on the wire). */
    private static MimeMessage withAttachment(String subject, int octets) throws Exception {
        MimeMessage m = new MimeMessage(MailClients.smtp(pair.alex));
        m.setFrom(new InternetAddress("alex@alex.test"));
        m.setRecipients(Message.RecipientType.TO, link.alexAlias());
        m.setSubject(subject);
        var text = new MimeBodyPart();
        text.setText("Attached.\r\n", "UTF-8"); // CRLF: what SMTP carries
        var file = new MimeBodyPart();
        byte[] binary = new byte[octets];
        new java.util.Random(octets).nextBytes(binary);
        file.setContent(binary, "application/octet-stream");
        file.setFileName(subject.replace(' ', '-') + ".bin");
        m.setContent(new MimeMultipart(text, file));
        m.saveChanges();
        return m;
    }

    /**
     * A client that sends the same message again (its connection dropped before the 250, say)
     * relays it once: the retry is recognised by its Message-ID and nothing is sealed or filed
     * again. The message sent after it arrives, so the retry had its chance to arrive too.
     */
    @Test
    void aClientsRetryOfTheSameMessageIsRelayedAndFiledOnce() throws Exception {
        MimeMessage m = toBlair("sent twice by a client", "<retry-once@alex.test>");
        MailClients.send(pair.alex, "alex", "alex-pw", m);
        MailClients.send(pair.alex, "alex", "alex-pw", m);
        MailClients.send(pair.alex, "alex", "alex-pw", toBlair("sent after the retry", null));

        awaitMessage(pair.blair, "sent after the retry");
        awaitMessage(pair.blair, "sent twice by a client");
        assertEquals(1, MailClients.withSubject(pair.blair, "INBOX", "sent twice by a client").size(), "relayed once");
        assertEquals(1, MailClients.withSubject(pair.alex, "Sent", "sent twice by a client").size(), "filed once");
    }

    /**
     * Another message under a Message-ID the client used before is not a retry: it is relayed and
     * filed in Sent too (it was answered 250), and a retry of it is again relayed once.
     */
    @Test
    void anotherMessageUnderAMessageIdUsedBeforeIsRelayedAndFiled() throws Exception {
        MailClients.send(pair.alex, "alex", "alex-pw", toBlair("one message under an id", "<id-used-twice@alex.test>"));
        MimeMessage other = toBlair("another message under the same id", "<id-used-twice@alex.test>");
        MailClients.send(pair.alex, "alex", "alex-pw", other);
        MailClients.send(pair.alex, "alex", "alex-pw", other);
        MailClients.send(pair.alex, "alex", "alex-pw", toBlair("sent after both", null));

        awaitMessage(pair.blair, "sent after both");
        awaitMessage(pair.blair, "one message under an id");
        awaitMessage(pair.blair, "another message under the same id");
        assertEquals(1, MailClients.withSubject(pair.blair, "INBOX", "another message under the same id").size(),
                "relayed once although retried");
        assertEquals(1, MailClients.withSubject(pair.alex, "Sent", "one message under an id").size());
        assertEquals(1, MailClients.withSubject(pair.alex, "Sent", "another message under the same id").size());
    }

    /**
     * Mail clients keep their own Sent copy: after the 250 they APPEND the message to Sent (without
     * selecting it), where the gateway has filed its copy already. That APPEND is answered with the
     * gateway's copy (APPENDUID names it) and stores nothing. That holds for a message with a blind
     * copy too: jakarta-mail, like most clients, leaves Bcc out of what it submits and keeps it in
     * its own copy; the gateway's copy names the blind recipient from RCPT, and the peer's copy
     * names nobody but its To. Stored as usual, because the gateway's copy is not the same or is on
     * its way out: a copy naming a blind recipient the gateway's does not (one of another
     * transaction), a message with the same Message-ID and another body (the gateway took it for a
     * retry of the first), a copy appended while the gateway's is marked \Deleted, a message the
     * gateway never sent, a copy appended to another folder.
     */
    @Test
    void aClientsOwnSentCopyIsAnsweredWithTheGatewaysAndNotStoredTwice() throws Exception {
        MimeMessage sent = toBlair("kept by the client too", null);
        MailClients.send(pair.alex, "alex", "alex-pw", sent);
        String ownAlias = pair.alex.admin.createAlias(dev.liaison.mapping.user.Login.of("alex")).address().toString();
        MimeMessage blind = toBlair("with a blind copy", null);
        blind.setRecipients(Message.RecipientType.BCC, ownAlias);
        blind.saveChanges();
        MailClients.send(pair.alex, "alex", "alex-pw", blind);
        MailClients.send(pair.alex, "alex", "alex-pw", toBlair("the first version", "<reused-id@alex.test>"));
        try (Store store = MailClients.imap(pair.alex, "alex", "alex-pw")) {
            IMAPFolder sentBox = (IMAPFolder) store.getFolder("Sent"); // not selected, as a client appends
            long filed = uidWithSubject(store, "Sent", "kept by the client too");

            AppendUID[] placed = sentBox.appendUIDMessages(new Message[] {sent});
            assertEquals(filed, placed[0].uid, "the APPEND names the gateway's copy");
            assertEquals(1, withSubject(store, "Sent", "kept by the client too"), "not stored twice");

            long filedBlind = uidWithSubject(store, "Sent", "with a blind copy");
            assertTrue(new String(bytes(blind), StandardCharsets.US_ASCII).contains("Bcc: " + ownAlias), "the client's copy");
            placed = sentBox.appendUIDMessages(new Message[] {blind});
            assertEquals(filedBlind, placed[0].uid, "the client's copy with its Bcc is the gateway's");
            assertEquals(1, withSubject(store, "Sent", "with a blind copy"), "not stored twice");
            MimeMessage gatewaysCopy = only(MailClients.messages(pair.alex, "Sent"), "with a blind copy");
            assertEquals(ownAlias, ((InternetAddress) gatewaysCopy.getRecipients(Message.RecipientType.BCC)[0]).getAddress());
            MimeMessage peers = new MimeMessage(null, new ByteArrayInputStream(awaitMessage(pair.blair, "with a blind copy")));
            assertNull(peers.getHeader("Bcc"), "the peer learns of no blind copy");
            assertEquals(1, MailClients.withSubject(pair.alex, "INBOX", "with a blind copy").size(), "the blind copy arrived");

            byte[] moreBlind = (new String(bytes(blind), StandardCharsets.US_ASCII)).replace("Bcc: " + ownAlias,
                    "Bcc: " + ownAlias + ", someone@example.org").getBytes(StandardCharsets.US_ASCII);
            sentBox.appendUIDMessages(new Message[] {new MimeMessage(null, new ByteArrayInputStream(moreBlind))});
            assertEquals(2, withSubject(store, "Sent", "with a blind copy"),
                    "a copy naming a blind recipient the gateway's does not (another transaction's) is kept");

            sentBox.appendUIDMessages(new Message[] {toBlair("the second version", "<reused-id@alex.test>")});
            assertEquals(1, withSubject(store, "Sent", "the second version"), "another body under the same id is kept");

            IMAPFolder selected = (IMAPFolder) store.getFolder("Sent");
            selected.open(Folder.READ_WRITE);
            selected.getMessageByUID(filed).setFlag(Flags.Flag.DELETED, true);
            placed = sentBox.appendUIDMessages(new Message[] {sent});
            assertTrue(placed[0].uid > filed, "stored while the gateway's copy is marked deleted: " + placed[0].uid);
            selected.expunge();
            selected.close(false);
            assertEquals(1, withSubject(store, "Sent", "kept by the client too"), "the client's copy survives the expunge");

            sentBox.appendUIDMessages(new Message[] {toBlair("never sent through the gateway", null)});
            assertEquals(1, withSubject(store, "Sent", "never sent through the gateway"));

            ((IMAPFolder) store.getFolder("Archive")).appendUIDMessages(new Message[] {blind});
            assertEquals(1, withSubject(store, "Archive", "with a blind copy"), "other folders store every APPEND");
        }
    }

    private static long uidWithSubject(Store store, String folder, String subject) throws Exception {
        IMAPFolder f = (IMAPFolder) store.getFolder(folder);
        f.open(Folder.READ_ONLY);
        try {
            for (Message m : f.getMessages()) {
                if (subject.equals(m.getSubject())) {
                    return f.getUID(m);
                }
            }
            throw new AssertionError("no message '" + subject + "' in " + folder);
        } finally {
            f.close(false);
        }
    }

    private static long withSubject(Store store, String folder, String subject) throws Exception {
        Folder f = store.getFolder(folder);
        f.open(Folder.READ_ONLY);
        try {
            long n = 0;
            for (Message m : f.getMessages()) {
                n += subject.equals(m.getSubject()) ? 1 : 0;
            }
            return n;
        } finally {
            f.close(false);
        }
    }

    private static byte[] bytes(MimeMessage m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toByteArray();
    }

    /**
     * A disabled user may not log in or send, but keeps receiving (as on the MX): the peer's mail is
     * filed while they are disabled, and is there once they are enabled again.
     */
    @Test
    void aDisabledUsersRelationshipMailIsFiledAndWaitsForThemToBeEnabled() throws Exception {
        String subject = "to a disabled user " + System.nanoTime();
        pair.blair.admin.changeUserState(Login.of("blair"), dev.liaison.mapping.user.UserState.DISABLED);
        try {
            MailClients.send(pair.alex, "alex", "alex-pw", toBlair(subject, null));
            GatewayPair.await(Duration.ofSeconds(30), () -> filedInBlairsInbox(subject),
                    "the message filed in disabled blair's INBOX");
        } finally {
            pair.blair.admin.changeUserState(Login.of("blair"), dev.liaison.mapping.user.UserState.ACTIVE);
        }
        assertEquals(1, MailClients.withSubject(pair.blair, "INBOX", subject).size());
    }

    /** Read in the database: blair cannot log in to look while disabled. */
    private static boolean filedInBlairsInbox(String subject) {
        return pair.blair.gateway.database().inTransaction(c -> {
            try (var ps = c.prepareStatement("SELECT count(*) FROM imap.message m JOIN imap.mailbox b ON b.id ="
                    + " m.mailbox_id WHERE b.owner = 'blair' AND b.name = 'INBOX' AND position(? in m.content) > 0")) {
                ps.setBytes(1, ("Subject: " + subject).getBytes(StandardCharsets.US_ASCII));
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1) > 0;
                }
            }
        });
    }

    /** A plain message from Alex to Blair's alias; with {@code messageId} fixed, sending it again is a retry. */
    private static MimeMessage toBlair(String subject, String messageId) throws Exception {
        MimeMessage m = new MimeMessage(MailClients.smtp(pair.alex)) {
            @Override
            protected void updateMessageID() throws jakarta.mail.MessagingException {
                if (messageId == null) {
                    super.updateMessageID();
                } else {
                    setHeader("Message-ID", messageId);
                }
            }
        };
        m.setFrom(new InternetAddress("alex@alex.test"));
        m.setRecipients(Message.RecipientType.TO, link.alexAlias());
        m.setSubject(subject);
        m.setText(subject + ".\r\n");
        m.saveChanges();
        return m;
    }

    static String tail(byte[] b) {
        return new String(b, Math.max(0, b.length - 60), Math.min(60, b.length), java.nio.charset.StandardCharsets.ISO_8859_1)
                .replace("\r", "\\r").replace("\n", "\\n");
    }

    static String from(MimeMessage m) {
        try {
            return m.getFrom() == null ? "" : ((InternetAddress) m.getFrom()[0]).getAddress();
        } catch (jakarta.mail.MessagingException e) {
            throw new AssertionError(e);
        }
    }

    static String subject(MimeMessage m) {
        try {
            return String.valueOf(m.getSubject());
        } catch (jakarta.mail.MessagingException e) {
            throw new AssertionError(e);
        }
    }

    /** The message with this subject once it is in the node user's INBOX; only matching messages are downloaded. */
    static byte[] awaitMessage(GatewayPair.Node node, String subject) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<byte[]> found = MailClients.withSubject(node, "INBOX", subject);
            if (!found.isEmpty()) {
                return found.get(0);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no message '" + subject + "' reached " + node.user + "'s INBOX within 30 s");
    }

    /** The one message whose From address or subject contains {@code key}. */
    static MimeMessage only(List<MimeMessage> messages, String key) throws Exception {
        MimeMessage found = null;
        for (MimeMessage m : messages) {
            String from = m.getFrom() == null ? "" : ((InternetAddress) m.getFrom()[0]).getAddress();
            if (from.equals(key) || key.equals(m.getSubject())) {
                if (found != null) {
                    throw new AssertionError("two messages match " + key);
                }
                found = m;
            }
        }
        if (found == null) {
            throw new AssertionError("no message matches " + key);
        }
        return found;
    }
}
