package dev.liaison.smtp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.liaison.smtp.submission.ReversePath;
import dev.liaison.smtp.submission.Submission;
import dev.liaison.smtp.testing.RunningServer;
import dev.liaison.smtp.testing.SmtpWire;
import dev.liaison.smtp.testing.SmtpWire.Reply;
import dev.liaison.smtp.testing.TestDirectory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The protocol dialogue a well-behaved client has, checked reply by reply on a raw socket. */
class SubmissionDialogueTest {

    private static RunningServer smtp;

    @BeforeAll
    static void start() {
        smtp = new RunningServer();
    }

    @AfterAll
    static void stop() {
        smtp.close();
    }

    @BeforeEach
    void reset() {
        smtp.handler.clear();
    }

    @Test
    void ehloBeforeTlsOffersStartTlsButNoAuth() throws Exception {
        try (SmtpWire wire = smtp.starttls()) {
            wire.expect(220);
            Reply ehlo = wire.command("EHLO client.example").expect(250);
            assertEquals("250-submit.gw.example Hello client.example [127.0.0.1]", ehlo.lines().get(0));
            List<String> features = features(ehlo);
            assertTrue(features.contains("STARTTLS"), ehlo.text());
            assertTrue(features.contains("PIPELINING"), ehlo.text());
            assertTrue(features.contains("8BITMIME"), ehlo.text());
            assertTrue(features.contains("ENHANCEDSTATUSCODES"), ehlo.text());
            assertTrue(features.contains("SIZE 26214400"), ehlo.text());
            assertFalse(features.stream().anyMatch(f -> f.startsWith("AUTH")), ehlo.text());
        }
    }

    /** HELO's reply is one well-formed line (James writes a stray ")"), as EHLO's first line is. */
    @Test
    void heloReplyIsWellFormed() throws Exception {
        try (SmtpWire wire = smtp.starttls()) {
            wire.expect(220);
            assertEquals(List.of("250 submit.gw.example Hello client.example [127.0.0.1]"),
                    wire.command("HELO client.example").expect(250).lines());
        }
    }

    @Test
    void ehloAfterStartTlsOffersAuthPlainAndLoginButNoStartTls() throws Exception {
        try (SmtpWire wire = smtp.starttls()) {
            wire.expect(220);
            wire.command("EHLO client.example").expect(250);
            wire.command("STARTTLS").expect(220);
            wire.upgradeToTls();
            List<String> features = features(wire.command("EHLO client.example").expect(250));
            assertTrue(features.stream().anyMatch(f -> f.startsWith("AUTH ") && f.contains("PLAIN") && f.contains("LOGIN")),
                    features.toString());
            assertFalse(features.contains("STARTTLS"), features.toString());
        }
    }

    @Test
    void implicitTlsOffersAuthAtOnce() throws Exception {
        try (SmtpWire wire = smtp.implicitTls()) {
            wire.expect(220);
            List<String> features = features(wire.command("EHLO client.example").expect(250));
            assertTrue(features.stream().anyMatch(f -> f.startsWith("AUTH ")), features.toString());
            assertFalse(features.contains("STARTTLS"), features.toString());
        }
    }

    @Test
    void authLoginOverImplicitTlsThenSendCommitsOneSubmission() throws Exception {
        try (SmtpWire wire = smtp.implicitTls()) {
            wire.expect(220);
            wire.command("EHLO client.example").expect(250);
            wire.command("AUTH LOGIN").expect(334);
            wire.command(base64("alex")).expect(334);
            wire.command(base64(TestDirectory.ALEX_PASSWORD)).expect(235);
            wire.command("MAIL FROM:<alex@gw.example>").expect(250);
            wire.command("RCPT TO:<" + TestDirectory.ALEX_ALIAS + ">").expect(250);
            wire.command("DATA").expect(354);
            wire.send("Subject: hi\r\n\r\nhello\r\n..leading dot\r\n.\r\n");
            Reply accepted = wire.expect(250);
            assertEquals("2.0.0", accepted.enhanced());
            wire.command("QUIT").expect(221);
        }
        Submission submission = single();
        assertEquals("alex", submission.user().id());
        assertEquals("<alex@gw.example>", submission.sender().toString());
        assertEquals(TestDirectory.ALEX_ALIAS, submission.recipients().get(0).toString());
        String message = text(submission);
        assertTrue(message.startsWith("Received: from client.example ([127.0.0.1])\r\n\tby submit.gw.example with ESMTPSA id "
                + submission.id() + ";\r\n\t"), message);
        assertTrue(message.contains("Message-ID: <" + submission.id() + "@submit.gw.example>\r\n"), message);
        assertTrue(message.matches("(?s).*\r\nDate: \\w{3}, \\d{1,2} \\w{3} \\d{4} \\d{2}:\\d{2}:\\d{2} [+-]\\d{4}\r\n.*"),
                "the Date the client left out is added (RFC 6409 §8.2): " + message);
        assertTrue(message.endsWith("Subject: hi\r\n\r\nhello\r\n.leading dot\r\n"), message);
        assertEquals("Subject: hi\r\n\r\nhello\r\n.leading dot\r\n", clientText(submission),
                "the client's message, without the Received, Message-ID and Date smtp-in wrote");
    }

    @Test
    void pipelinedTransactionGetsEveryReplyInOrder() throws Exception {
        try (SmtpWire wire = smtp.authenticatedAlex()) {
            wire.send("MAIL FROM:<>\r\nRCPT TO:<" + TestDirectory.ALEX_ALIAS + ">\r\nRCPT TO:<"
                    + TestDirectory.ALEX_SECOND_ALIAS + ">\r\nRCPT TO:<nobody@gw.example>\r\nDATA\r\n");
            wire.expect(250);
            wire.expect(250);
            wire.expect(250);
            assertEquals("5.1.1", wire.expect(550).enhanced());
            wire.expect(354);
            wire.send("Message-ID: <own@client.example>\r\nBcc: hidden@elsewhere.example,\r\n second@elsewhere.example\r\n"
                    + "To: visible@gw.example\r\ndate: Fri, 27 Nov 2026 10:00:00 +0100\r\n\r\nbody\r\n.\r\n");
            wire.expect(250);
        }
        Submission submission = single();
        assertEquals(ReversePath.NULL, submission.sender());
        assertEquals(List.of(TestDirectory.ALEX_ALIAS, TestDirectory.ALEX_SECOND_ALIAS),
                submission.recipients().stream().map(Object::toString).toList());
        String message = text(submission);
        assertFalse(message.contains("hidden@"), message);
        assertFalse(message.contains("second@"), message);
        assertFalse(message.contains("Bcc"), message);
        assertTrue(message.contains("Message-ID: <own@client.example>\r\nTo: visible@gw.example\r\n"
                + "date: Fri, 27 Nov 2026 10:00:00 +0100\r\n\r\nbody\r\n"), message);
        assertEquals(1, message.split("Message-ID", -1).length - 1, message);
        assertEquals(1, message.toLowerCase(java.util.Locale.ROOT).split("\r\ndate:", -1).length - 1, "the client's Date stands alone: " + message);
        assertEquals("Bcc: hidden@elsewhere.example,\r\n second@elsewhere.example\r\n",
                new String(submission.blindCopyFields(), StandardCharsets.ISO_8859_1), "for the sender's own copy only");
        assertEquals("Message-ID: <own@client.example>\r\nTo: visible@gw.example\r\n"
                + "date: Fri, 27 Nov 2026 10:00:00 +0100\r\n\r\nbody\r\n", clientText(submission),
                "the client's message less its Bcc, without the Received field");
    }

    /**
     * RFC 5322 §3.6 allows one Bcc field, and a second one of any once-only field is refused with
     * 554 5.6.0 (BadInputTest); Bcc alone is exempt at submission, where it is removed before the
     * message goes anywhere (a client that splits a long list over two fields loses nothing).
     */
    @Test
    void twoBccFieldsAtSubmissionAreTakenAndBothKeptForTheSendersCopyOnly() throws Exception {
        try (SmtpWire wire = smtp.authenticatedAlex()) {
            wire.command("MAIL FROM:<alex@gw.example>").expect(250);
            wire.command("RCPT TO:<" + TestDirectory.ALEX_ALIAS + ">").expect(250);
            wire.command("DATA").expect(354);
            wire.send("From: alex@gw.example\r\nBcc: one@elsewhere.example\r\nSubject: two blind lists\r\n"
                    + "BCC: two@elsewhere.example\r\n\r\nbody\r\n.\r\n");
            assertEquals(250, wire.reply().code());
        }
        Submission submission = single();
        String message = text(submission);
        assertFalse(message.toLowerCase(java.util.Locale.ROOT).contains("bcc") || message.contains("@elsewhere"), message);
        assertEquals("Bcc: one@elsewhere.example\r\nBCC: two@elsewhere.example\r\n",
                new String(submission.blindCopyFields(), StandardCharsets.ISO_8859_1), "both, for the sender's own copy");
    }

    @Test
    void mixedCaseRecipientIsAcceptedInCanonicalForm() throws Exception {
        try (SmtpWire wire = smtp.authenticatedAlex()) {
            wire.command("MAIL FROM:<Alex@GW.Example>").expect(250);
            wire.command("RCPT TO:<Blair.K7Q2XM@Gw.EXAMPLE>").expect(250);
            wire.command("DATA").expect(354);
            wire.send("Subject: case\r\n\r\nx\r\n.\r\n").expect(250);
        }
        Submission submission = single();
        assertEquals(TestDirectory.ALEX_ALIAS, submission.recipients().get(0).toString());
        assertEquals("<alex@gw.example>", submission.sender().toString());
    }

    /** RFC 5321 §4.1.4: a MAIL inside a transaction is refused and the transaction goes on unchanged. */
    @Test
    void aSecondMailIsRefusedAndTheFirstTransactionContinues() throws Exception {
        try (SmtpWire wire = smtp.authenticatedAlex()) {
            wire.command("MAIL FROM:<alex@gw.example>").expect(250);
            Reply again = wire.command("MAIL FROM:<other@gw.example>").reply();
            assertEquals(503, again.code(), again.text());
            assertEquals("5.5.1", again.enhanced(), again.text());
            wire.command("RCPT TO:<" + TestDirectory.ALEX_ALIAS + ">").expect(250);
            wire.command("DATA").expect(354);
            wire.send("Subject: first\r\n\r\nbody\r\n.\r\n").expect(250);
        }
        assertEquals("<alex@gw.example>", single().sender().toString());
    }

    @Test
    void secondTransactionOnSameConnectionIsIndependent() throws Exception {
        try (SmtpWire wire = smtp.authenticatedAlex()) {
            for (int i = 0; i < 2; i++) {
                wire.command("MAIL FROM:<alex@gw.example>").expect(250);
                wire.command("RCPT TO:<" + (i == 0 ? TestDirectory.ALEX_ALIAS : TestDirectory.ALEX_SECOND_ALIAS) + ">").expect(250);
                wire.command("DATA").expect(354);
                wire.send("Subject: n" + i + "\r\n\r\nbody " + i + "\r\n.\r\n").expect(250);
            }
        }
        List<Submission> committed = smtp.handler.committed();
        assertEquals(2, committed.size());
        assertEquals(List.of(TestDirectory.ALEX_SECOND_ALIAS), committed.get(1).recipients().stream().map(Object::toString).toList());
        assertTrue(text(committed.get(1)).endsWith("body 1\r\n"));
    }

    private static Submission single() {
        List<Submission> committed = smtp.handler.committed();
        assertEquals(1, committed.size(), committed.toString());
        return committed.get(0);
    }

    static String text(Submission submission) {
        return new String(submission.message().toByteArray(), StandardCharsets.ISO_8859_1);
    }

    static String clientText(Submission submission) {
        var octets = submission.clientMessage();
        byte[] copy = new byte[octets.remaining()];
        octets.get(copy);
        return new String(copy, StandardCharsets.ISO_8859_1);
    }

    private static List<String> features(Reply ehlo) {
        return ehlo.lines().stream().skip(1).map(l -> l.substring(4)).toList();
    }

    private static String base64(String text) {
        return java.util.Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
