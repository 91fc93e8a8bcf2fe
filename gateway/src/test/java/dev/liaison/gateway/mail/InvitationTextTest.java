package dev.liaison.gateway.mail;

import static dev.liaison.gateway.mail.TestMail.latin1;
import static dev.liaison.gateway.mail.TestMail.octets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InvitationTextTest {

    private static final String LINK = "communicator:invitation/";
    private static final String TOKEN = token(400, 1);

    @Test
    void findsTheTokenInAQuotedPrintableBodyWhereSoftBreaksSplitIt() throws Exception {
        byte[] message = written(text("Hi! Here is my invitation:\n\n" + LINK + TOKEN + "\n\ncheers", "quoted-printable"));

        assertFalse(latin1(message).contains(TOKEN), "the raw message has the token split by soft line breaks");
        assertEquals(Optional.of(TOKEN), InvitationText.findInvitationToken(message));
    }

    @Test
    void findsABareTokenInABase64Body() throws Exception {
        byte[] message = written(text("Token:\n" + TOKEN + "\n", "base64"));

        assertFalse(latin1(message).contains(TOKEN.substring(0, 20)), "the raw message has the token base64-encoded");
        assertEquals(Optional.of(TOKEN), InvitationText.findInvitationToken(message));
    }

    @Test
    void aBase64AttachmentBeforeTheTextIsNotMistakenForAToken() throws Exception {
        MimeMultipart mixed = new MimeMultipart();
        MimeBodyPart attachment = new MimeBodyPart();
        byte[] noise = new byte[20_000];
        new Random(9).nextBytes(noise);
        attachment.setContent(noise, "application/octet-stream");
        attachment.setHeader("Content-Transfer-Encoding", "base64");
        mixed.addBodyPart(attachment);
        MimeBodyPart body = new MimeBodyPart();
        body.setText("the token, as promised:\n" + TOKEN + "\n", "UTF-8");
        mixed.addBodyPart(body);
        MimeMessage message = message();
        message.setContent(mixed);

        assertEquals(Optional.of(TOKEN), InvitationText.findInvitationToken(written(message)));
    }

    @Test
    void findsTheTokenInTheInvitationNoticeItselfAndInItForwardedAsAnAttachment() throws Exception {
        String token = token(2048, 2);
        byte[] notice = Notices.invitation("alex.example", "alex@alex.example", "Alex", token, LINK + token,
                new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Instant.parse("2025-06-10T00:00:00Z"), Instant.now());
        MimeMultipart mixed = new MimeMultipart();
        MimeBodyPart note = new MimeBodyPart();
        note.setText("Blair, this is for you.", "UTF-8");
        mixed.addBodyPart(note);
        MimeBodyPart forwarded = new MimeBodyPart();
        forwarded.setContent(TestMail.parse(notice), "message/rfc822");
        mixed.addBodyPart(forwarded);
        MimeMessage forward = message();
        forward.setContent(mixed);

        assertEquals(Optional.of(token), InvitationText.findInvitationToken(notice));
        assertEquals(Optional.of(token), InvitationText.findInvitationToken(written(forward)));
    }

    @Test
    void aLinkWinsOverAnEarlierBareRun() throws Exception {
        String other = token(60, 3);
        byte[] message = written(text("reference " + other + "\nsee " + LINK + TOKEN + "\n", "7bit"));

        assertEquals(Optional.of(TOKEN), InvitationText.findInvitationToken(message));
    }

    @Test
    void findsALinkInAnHtmlOnlyMessage() throws Exception {
        MimeMessage message = message();
        message.setText("<p><a href=\"" + LINK + TOKEN + "\">accept</a></p>", "UTF-8", "html");

        assertEquals(Optional.of(TOKEN), InvitationText.findInvitationToken(written(message)));
    }

    @Test
    void searchesTheRawOctetsForALinkWhenAPartCannotBeDecoded() {
        String qp = (LINK + TOKEN).replaceAll("(.{70})", "$1=\r\n");
        byte[] message = octets("Subject: x\r\nMessage-ID: <a@b>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain\r\nContent-Transfer-Encoding: x-unheard-of\r\n\r\n" + qp + "\r\n");

        assertEquals(Optional.of(TOKEN), InvitationText.findInvitationToken(message));
    }

    @Test
    void findsNothingInOrdinaryText() throws Exception {
        byte[] message = written(text("Dear all,\n" + "-".repeat(72) + "\n" + "_".repeat(80) + "\n"
                + "https://example.com/a/b/c?d=e\nThanks\n", "quoted-printable"));

        assertEquals(Optional.empty(), InvitationText.findInvitationToken(message));
    }

    @Test
    void bareRunsOutsideTheTokenLengthsAreIgnored() throws Exception {
        String tooShort = token(47, 4); // 63 characters
        String tooLong = "A".repeat(MailLimits.MAX_TOKEN_CHARS + 1);
        String shortest = token(48, 5); // 64 characters
        byte[] message = written(text(tooShort + "\n" + tooLong + "\n" + shortest + "\n", "quoted-printable"));

        assertEquals(MailLimits.MIN_TOKEN_CHARS, shortest.length());
        assertEquals(Optional.of(shortest), InvitationText.findInvitationToken(message));
    }

    @Test
    void garbageGivesNoTokenAndNoException() {
        assertEquals(Optional.empty(), InvitationText.findInvitationToken(new byte[0]));
        assertEquals(Optional.empty(), InvitationText.findInvitationToken(octets("\r\n\r\n--\r\n\0\0\0")));
        assertEquals(Optional.empty(), InvitationText.findInvitationToken(octets(
                "Content-Type: multipart/mixed; boundary=\"\r\n\r\n--\r\n--\r\n")));
    }

    private static MimeMessage text(String text, String transferEncoding) throws Exception {
        MimeMessage message = message();
        message.setText(text, "UTF-8");
        message.setHeader("Content-Transfer-Encoding", transferEncoding);
        return message;
    }

    private static MimeMessage message() throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(new InternetAddress("blair@blair.example"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("accept@blair.example"));
        message.setSubject("Fwd: Liaison invitation from Alex");
        return message;
    }

    private static byte[] written(MimeMessage message) throws Exception {
        message.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    private static String token(int octets, long seed) {
        byte[] invitation = new byte[octets];
        new Random(seed).nextBytes(invitation);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(invitation);
    }
}
