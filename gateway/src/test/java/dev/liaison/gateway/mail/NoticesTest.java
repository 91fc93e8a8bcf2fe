package dev.liaison.gateway.mail;

import static dev.liaison.gateway.mail.TestMail.latin1;
import static dev.liaison.gateway.mail.TestMail.octets;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NoticesTest {

    private static final String DOMAIN = "alex.example";
    private static final String ALIAS = "blair.k7q2xm@alex.example";
    private static final String USER = "alex@alex.example";
    private static final Instant DATE = Instant.parse("2025-06-03T10:15:30Z");

    @Test
    void connectedComesFromTheAliasSoThatReplyingWritesToThePeer() throws Exception {
        byte[] notice = Notices.connected(DOMAIN, "Blair", ALIAS, USER, DATE);

        MimeMessage message = TestMail.parse(notice);
        InternetAddress from = (InternetAddress) message.getFrom()[0];
        assertEquals(ALIAS, from.getAddress());
        assertEquals("Blair", from.getPersonal());
        assertEquals(USER, ((InternetAddress) message.getRecipients(Message.RecipientType.TO)[0]).getAddress());
        assertEquals("Connected with Blair", message.getSubject());
        assertEquals("You are now connected with Blair.\r\n\r\nReply to this message (or write to " + ALIAS
                + ") to write to them.\r\n", text(message));
        assertCommonFields(message, notice);
    }

    @Test
    void connectedWritesNonAsciiNamesAsEncodedWordsAndUtf8Text() throws Exception {
        MimeMessage message = TestMail.parse(Notices.connected(DOMAIN, "Zoë 東京", ALIAS, USER, DATE));

        assertEquals("Zoë 東京", ((InternetAddress) message.getFrom()[0]).getPersonal());
        assertEquals("Connected with Zoë 東京", message.getSubject());
        assertTrue(text(message).startsWith("You are now connected with Zoë 東京."));
    }

    @Test
    void connectedWithAHostileNameAddsNoFields() throws Exception {
        byte[] notice = Notices.connected(DOMAIN, "B\r\nBcc: all@corp.example\r\n\r\nfake body", ALIAS, USER, DATE);

        MimeMessage message = TestMail.parse(notice);
        assertNull(message.getHeader("Bcc"));
        assertEquals(1, message.getFrom().length);
        assertEquals("B Bcc: all@corp.example fake body", ((InternetAddress) message.getFrom()[0]).getPersonal());
        assertCommonFields(message, notice);
    }

    @Test
    void everyNoticeHasAFreshMessageId() throws Exception {
        String first = TestMail.parse(Notices.connected(DOMAIN, "B", ALIAS, USER, DATE)).getMessageID();
        String second = TestMail.parse(Notices.connected(DOMAIN, "B", ALIAS, USER, DATE)).getMessageID();

        assertNotEquals(first, second);
    }

    @Test
    void invitationHasTheTextWithLinkAndTokenOnTheirOwnLinesAndTheQrCodeAttached() throws Exception {
        String token = token(2048);
        String uri = "communicator:invitation/" + token;
        byte[] png = new byte[3000];
        new Random(5).nextBytes(png);
        Instant expires = Instant.parse("2025-06-10T10:15:00Z");

        byte[] notice = Notices.invitation(DOMAIN, USER, "Alex (running club)", token, uri, png, expires, DATE);

        MimeMessage message = TestMail.parse(notice);
        assertEquals("invite@" + DOMAIN, ((InternetAddress) message.getFrom()[0]).getAddress());
        assertEquals("Liaison", ((InternetAddress) message.getFrom()[0]).getPersonal());
        assertEquals("Liaison invitation from Alex (running club)", message.getSubject());
        assertTrue(message.isMimeType("multipart/mixed"));
        MimeMultipart parts = multipart(message);
        assertEquals(2, parts.getCount());
        String text = text(parts.getBodyPart(0));
        List<String> lines = text.lines().toList();
        assertTrue(lines.contains(uri), text);
        assertTrue(lines.contains(token), text);
        assertTrue(text.contains("accept@"), text);
        assertTrue(text.contains("liaison invite accept"), text);
        assertTrue(text.contains("10 June 2025"), text);
        BodyPart qr = parts.getBodyPart(1);
        assertTrue(qr.isMimeType("image/png"));
        assertEquals("invitation.png", qr.getFileName());
        assertArrayEquals(png, qr.getInputStream().readAllBytes());
        assertTrue(latin1(notice).lines().allMatch(line -> line.length() <= 78), "QP and base64 lines are short");
        assertCommonFields(message, notice);
    }

    @Test
    void invitationRefusesATokenThatIsNotBase64url() {
        assertThrows(IllegalArgumentException.class, () -> Notices.invitation(DOMAIN, USER, "A", "abc\r\nBcc: x@y",
                "communicator:invitation/abc", new byte[1], DATE, DATE));
        assertThrows(IllegalArgumentException.class, () -> Notices.invitation(DOMAIN, USER, "A", "abc",
                "communicator:invitation/abc def", new byte[1], DATE, DATE));
    }

    @Test
    void acceptFailedSaysWhyOnOneLine() throws Exception {
        byte[] notice = Notices.acceptFailed(DOMAIN, USER, "the invitation expired\r\nBcc: x@y", DATE);

        MimeMessage message = TestMail.parse(notice);
        assertEquals("accept@" + DOMAIN, ((InternetAddress) message.getFrom()[0]).getAddress());
        assertEquals("Liaison", ((InternetAddress) message.getFrom()[0]).getPersonal());
        assertTrue(text(message).startsWith("Your invitation could not be accepted: the invitation expired Bcc: x@y\r\n"));
        assertNull(message.getHeader("Bcc"));
        assertCommonFields(message, notice);
    }

    @Test
    void noticesRefuseADomainThatIsNotADnsName() {
        assertThrows(IllegalArgumentException.class, () -> Notices.acceptFailed("alex.example>\r\nBcc: x", USER, "r", DATE));
        assertThrows(IllegalArgumentException.class, () -> Notices.connected(DOMAIN, "B", ALIAS, "not an address", DATE));
    }

    @Test
    void undeliverableIsAnRfc3464ReportWithTheOriginalsHeaderAttachedByteForByte() throws Exception {
        byte[] original = eightBitOriginal();
        Instant since = Instant.parse("2025-05-29T09:00:00Z");

        byte[] notice = Notices.undeliverable(DOMAIN, USER, ALIAS, original, true, "connection refused", since, DATE);

        MimeMessage message = TestMail.parse(notice);
        assertEquals("MAILER-DAEMON@" + DOMAIN, ((InternetAddress) message.getFrom()[0]).getAddress(),
                "not postmaster@, which may have no mailbox");
        assertEquals("Mail Delivery System", ((InternetAddress) message.getFrom()[0]).getPersonal());
        assertEquals("Undeliverable: Läuft's? Sonntag", message.getSubject());
        ContentType type = new ContentType(message.getContentType());
        assertEquals("multipart/report", type.getBaseType());
        assertEquals("delivery-status", type.getParameter("report-type"));
        MimeMultipart parts = multipart(message);
        assertEquals(3, parts.getCount());
        assertTrue(parts.getBodyPart(0).isMimeType("text/plain"));
        assertTrue(text(parts.getBodyPart(0)).contains("29 May 2025"));
        assertTrue(parts.getBodyPart(1).isMimeType("message/delivery-status"));
        assertTrue(parts.getBodyPart(2).isMimeType("text/rfc822-headers"));
        assertEquals("8bit", ((MimeBodyPart) parts.getBodyPart(2)).getEncoding());
        byte[] header = ((MimeBodyPart) parts.getBodyPart(2)).getRawInputStream().readAllBytes();
        assertArrayEquals(java.util.Arrays.copyOf(original, headerLength(original)), header);
        assertArrayEquals(header, Notices.returnedHeader(original), "what is kept for a notice is what it returns");
        assertArrayEquals(header, Notices.returnedHeader(header), "a kept header is returned as it is");
        assertCommonFields(message, notice);
    }

    @Test
    void deliveryStatusSaysExpiredOrRejected() throws Exception {
        Instant since = Instant.parse("2025-05-29T09:00:00Z");
        byte[] original = octets("Subject: hi\r\nMessage-ID: <a@liaison.invalid>\r\n\r\nhi\r\n");

        String expired = status(Notices.undeliverable(DOMAIN, USER, ALIAS, original, true, "timed out", since, DATE));
        String rejected = status(Notices.undeliverable(DOMAIN, USER, ALIAS, original, false,
                "relationship ended\r\nAction: delivered", since, DATE));

        assertEquals("Reporting-MTA: dns; alex.example\r\nArrival-Date: Thu, 29 May 2025 09:00:00 +0000\r\n\r\n"
                + "Final-Recipient: rfc822; " + ALIAS + "\r\nAction: failed\r\nStatus: 4.4.7\r\n"
                + "Diagnostic-Code: x-liaison; timed out\r\nLast-Attempt-Date: Tue, 3 Jun 2025 10:15:30 +0000\r\n", expired);
        assertTrue(rejected.contains("\r\nStatus: 5.0.0\r\n"), rejected);
        assertTrue(rejected.contains("\r\nDiagnostic-Code: x-liaison; relationship ended Action: delivered\r\n"), rejected);
        assertFalse(rejected.contains("\r\nAction: delivered"), rejected);
    }

    @Test
    void plainEmailsNoticeGivesTheMailServersReplyAndItsStatusCode() throws Exception {
        Instant since = Instant.parse("2025-05-29T09:00:00Z");
        byte[] original = octets("Subject: hi\r\nMessage-ID: <a@liaison.invalid>\r\n\r\nhi\r\n");
        String reason = "refused: mx.example.org answered RCPT TO with 550 5.1.1 (address): no such user";
        java.util.Optional<String> reply = java.util.Optional.of("550 5.1.1 (address): no such user");

        String refused = status(Notices.undeliverablePlainEmail(DOMAIN, USER, ALIAS, original, false, reason, reply, since, DATE));
        assertTrue(refused.contains("\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 (address): no such user\r\n"),
                refused);
        String expired = status(Notices.undeliverablePlainEmail(DOMAIN, USER, ALIAS, original, true, reason,
                java.util.Optional.of("451 4.3.0 try later"), since, DATE));
        assertTrue(expired.contains("\r\nStatus: 4.4.7\r\nDiagnostic-Code: smtp; 451 4.3.0 try later\r\n"), expired);
        String bare = status(Notices.undeliverablePlainEmail(DOMAIN, USER, ALIAS, original, false, reason,
                java.util.Optional.of("554 go away"), since, DATE));
        assertTrue(bare.contains("\r\nStatus: 5.0.0\r\nDiagnostic-Code: smtp; 554 go away\r\n"), bare);
        MimeMessage notice = TestMail.parse(Notices.undeliverablePlainEmail(DOMAIN, USER, ALIAS, original, true, reason,
                java.util.Optional.of("451 4.3.0 try later"), since, DATE));
        String text = (String) ((jakarta.mail.internet.MimeMultipart) notice.getContent()).getBodyPart(0).getContent();
        assertTrue(text.contains("handed to the recipient's mail server") && !text.contains("gateway could not be reached"), text);
        MimeMessage unreachable = TestMail.parse(Notices.undeliverablePlainEmail(DOMAIN, USER, ALIAS, original, true,
                "connection refused", java.util.Optional.empty(), since, DATE));
        String noReply = (String) ((jakarta.mail.internet.MimeMultipart) unreachable.getContent()).getBodyPart(0).getContent();
        assertTrue(noReply.contains("handed to the recipient's mail server"), "no reply, still plain email: " + noReply);
    }

    @Test
    void undeliverableOfAnUnparseableOriginalStillAttachesItAndHasNoSubject() throws Exception { // no empty line: all of it
        byte[] original = octets("no header here\nat all\r\n");

        byte[] notice = Notices.undeliverable(DOMAIN, USER, ALIAS, original, false, "x", DATE, DATE);

        MimeMessage message = TestMail.parse(notice);
        assertEquals("Undeliverable: (no subject)", message.getSubject());
        assertEquals("7bit", ((MimeBodyPart) multipart(message).getBodyPart(2)).getEncoding());
        assertArrayEquals(original, ((MimeBodyPart) multipart(message).getBodyPart(2)).getRawInputStream().readAllBytes());
    }

    @Test
    void undeliverableKeepsAnEncodedSubjectReadable() throws Exception {
        byte[] original = octets("Subject: =?UTF-8?B?5p2x5Lqs?= trip\r\nMessage-ID: <a@liaison.invalid>\r\n\r\nhi\r\n");

        MimeMessage message = TestMail.parse(Notices.undeliverable(DOMAIN, USER, ALIAS, original, true, "x", DATE, DATE));

        assertEquals("Undeliverable: 東京 trip", message.getSubject());
    }

    /** Octets up to the empty line that ends the header section (its last CRLF included). */
    private static int headerLength(byte[] message) {
        String text = new String(message, java.nio.charset.StandardCharsets.ISO_8859_1);
        return text.indexOf("\r\n\r\n") + 2;
    }

    /** What every notice has, and that it is clean CRLF RFC 5322 with lines a transport accepts. */
    private static void assertCommonFields(MimeMessage message, byte[] raw) throws Exception {
        assertEquals(DATE, message.getSentDate().toInstant());
        assertTrue(message.getMessageID().matches("<[0-9a-f]{32}@" + DOMAIN.replace(".", "\\.") + ">"),
                message.getMessageID());
        assertEquals("1.0", message.getHeader("MIME-Version", null));
        String text = latin1(raw);
        assertFalse(text.replace("\r\n", "").contains("\n") || text.replace("\r\n", "").contains("\r"), "CRLF only");
        String header = TestMail.headerSection(raw);
        assertTrue(header.chars().allMatch(c -> c < 0x80), "header section is ASCII");
        assertTrue(text.lines().allMatch(line -> line.length() <= 998), "no line over RFC 5322's 998");
    }

    private static String text(jakarta.mail.Part part) throws Exception {
        assertTrue(part.isMimeType("text/plain"));
        assertEquals("UTF-8", new ContentType(part.getContentType()).getParameter("charset"));
        return new String(part.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static MimeMultipart multipart(MimeMessage message) throws Exception {
        return new MimeMultipart(message.getDataHandler().getDataSource());
    }

    private static String status(byte[] notice) throws Exception {
        return latin1(multipart(TestMail.parse(notice)).getBodyPart(1).getInputStream().readAllBytes());
    }

    private static String token(int octets) {
        byte[] invitation = new byte[octets];
        new Random(11).nextBytes(invitation);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(invitation);
    }

    /** An original in 8-bit UTF-8 with a subject written raw (RFC 6532) and lines looking like delimiters. */
    private static byte[] eightBitOriginal() {
        return ("Subject: Läuft's?\r\n Sonntag\r\nMessage-ID: <x@liaison.invalid>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + "Grüße\r\n--=_liaison_\r\n--\r\n.\r\n").getBytes(StandardCharsets.UTF_8);
    }
}
