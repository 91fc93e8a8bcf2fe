package dev.liaison.smtp.server;

import static dev.liaison.smtp.server.BadInputTest.assertReply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.liaison.smtp.inbound.InboundMessage;
import dev.liaison.smtp.testing.RecordingInboundHandler;
import dev.liaison.smtp.testing.RunningInbound;
import dev.liaison.smtp.testing.SmtpWire;
import dev.liaison.smtp.testing.SmtpWire.Reply;
import dev.liaison.smtp.testing.TestMailboxes;
import dev.liaison.smtp.submission.Limits;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The inbound MX's dialogue over a real socket: what EHLO offers, AUTH never, STARTTLS optional,
 * and each recipient verdict with its exact reply.
 */
class InboundDialogueTest {

    private static final String MESSAGE = "From: Bob <bob@legacy.example>\r\nTo: alex@gw.example\r\n"
            + "Subject: hello\r\n\r\nHi Alex\r\n";

    private static RunningInbound mx;

    @BeforeAll
    static void start() {
        mx = new RunningInbound();
    }

    @AfterAll
    static void stop() {
        mx.close();
    }

    @BeforeEach
    void reset() {
        mx.handler.clear();
        mx.mailboxes.clear();
    }

    @Test
    void greetingAndEhloNameThisHostAndOfferStartTlsAndSmtpUtf8ButNeverAuth() throws Exception {
        try (SmtpWire wire = SmtpWire.plain(mx.server.port())) {
            assertTrue(wire.expect(220).text().startsWith("220 mx.gw.example ESMTP"));
            List<String> features = features(wire.command("EHLO mta.legacy.example").expect(250));
            assertTrue(features.contains("STARTTLS"), features.toString());
            assertTrue(features.contains("8BITMIME"), features.toString());
            assertTrue(features.contains("PIPELINING"), features.toString());
            assertTrue(features.contains("ENHANCEDSTATUSCODES"), features.toString());
            assertTrue(features.contains("SIZE " + dev.liaison.smtp.submission.Limits.DEFAULT.maxMessageOctets()),
                    features.toString());
            assertFalse(features.stream().anyMatch(f -> f.startsWith("AUTH")), features.toString());
            assertTrue(features.contains("SMTPUTF8"), features.toString()); // RFC 6531: UTF-8 headers and senders
            wire.command("STARTTLS").expect(220);
            wire.upgradeToTls();
            List<String> afterTls = features(wire.command("EHLO mta.legacy.example").expect(250));
            assertFalse(afterTls.contains("STARTTLS"), afterTls.toString());
            assertFalse(afterTls.stream().anyMatch(f -> f.startsWith("AUTH")), afterTls.toString());
        }
    }

    /** HELO and EHLO name this host and the client in a well-formed line (James writes a stray ")"). */
    @Test
    void heloAndEhloRepliesAreWellFormed() throws Exception {
        try (SmtpWire wire = SmtpWire.plain(mx.server.port())) {
            wire.expect(220);
            assertEquals(List.of("250 mx.gw.example Hello mta.legacy.example [127.0.0.1]"),
                    wire.command("HELO mta.legacy.example").expect(250).lines());
            assertEquals("250-mx.gw.example Hello mta.legacy.example [127.0.0.1]",
                    wire.command("EHLO mta.legacy.example").expect(250).lines().get(0));
            wire.command("MAIL FROM:<" + TestMailboxes.BOB + ">").expect(250);
        }
    }

    @Test
    void authIsRefusedWith502WithAndWithoutTls() throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            assertReply(wire.command("AUTH PLAIN " + SmtpWire.plainAuth("alex", "guess")), 502, "5.5.1");
            assertReply(wire.command("AUTH LOGIN"), 502, "5.5.1");
            wire.command("NOOP").expect(250);
        }
        try (SmtpWire wire = mx.greetedOverTls()) {
            assertReply(wire.command("AUTH PLAIN " + SmtpWire.plainAuth("alex", "guess")), 502, "5.5.1");
            assertReply(wire.command("MAIL FROM:<bob@legacy.example> AUTH=<>"), 555, "5.5.4");
        }
    }

    @Test
    void mailIsAcceptedWithoutStartTls() throws Exception {
        Reply reply = mx.send(TestMailboxes.BOB, MESSAGE, TestMailboxes.PUBLISHED);
        assertEquals(250, reply.code(), reply.text());
        InboundMessage message = single();
        assertFalse(message.tls());
        assertTrue(RecordingInboundHandler.text(message).contains(" with ESMTP id " + message.id() + ";"),
                RecordingInboundHandler.text(message));
        var octets = message.clientMessage();
        byte[] client = new byte[octets.remaining()];
        octets.get(client);
        assertEquals(MESSAGE, new String(client, java.nio.charset.StandardCharsets.US_ASCII),
                "the sender's message, without the Received and Authentication-Results written here");
    }

    /**
     * A long message line goes past the framer in parts that James never sees; they are input all
     * the same, so a line still arriving after the idle timeout (1 s here) is not cut off.
     */
    @Test
    void aLongLineStillArrivingAfterTheIdleTimeoutIsNotCutOff() throws Exception {
        Limits d = Limits.DEFAULT;
        Limits quick = new Limits(d.maxMessageOctets(), d.maxLineOctets(), d.maxHeaderFields(), d.maxHeaderOctets(),
                d.maxRecipients(), d.maxConnections(), d.maxConnectionsPerAddress(), Duration.ofSeconds(1),
                d.authThrottling());
        try (RunningInbound slow = new RunningInbound(quick); SmtpWire wire = slow.greeted()) {
            wire.command("MAIL FROM:<" + TestMailboxes.BOB + ">").expect(250);
            wire.command("RCPT TO:<" + TestMailboxes.PUBLISHED + ">").expect(250);
            wire.command("DATA").expect(354);
            wire.send("From: Bob <bob@legacy.example>\r\n\r\n" + "x".repeat(1200));
            for (int i = 0; i < 8; i++) { // 3.2 s of one line, a piece every 0.4 s
                Thread.sleep(400);
                wire.send("y".repeat(600));
            }
            wire.send("\r\n.\r\n").expect(250);
            assertTrue(RecordingInboundHandler.text(slow.handler.committed().get(0))
                    .endsWith("\r\n\r\n" + "x".repeat(1200) + "y".repeat(4800) + "\r\n"));
        }
    }

    @Test
    void mailOverStartTlsIsMarkedAsSuch() throws Exception {
        try (SmtpWire wire = mx.greetedOverTls()) {
            wire.command("MAIL FROM:<" + TestMailboxes.BOB + ">").expect(250);
            wire.command("RCPT TO:<" + TestMailboxes.BOB_ALIAS + ">").expect(250);
            wire.command("DATA").expect(354);
            wire.send(MESSAGE + ".\r\n").expect(250);
        }
        InboundMessage message = single();
        assertTrue(message.tls());
        assertTrue(RecordingInboundHandler.text(message).contains(" with ESMTPS id " + message.id() + ";"));
    }

    @Test
    void plaintextEhloIsForgottenAfterStartTls() throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            wire.command("STARTTLS").expect(220);
            wire.upgradeToTls();
            assertReply(wire.command("MAIL FROM:<" + TestMailboxes.BOB + ">"), 503, "5.5.1");
        }
    }

    @Test
    void unknownRecipientIsRefusedWith550_511() throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            wire.command("MAIL FROM:<" + TestMailboxes.BOB + ">").expect(250);
            assertReply(wire.command("RCPT TO:<nobody@gw.example>"), 550, "5.1.1");
            assertReply(wire.command("DATA"), 503, "5.5.0");
        }
        assertEquals(List.of("nobody@gw.example"), mx.mailboxes.asked());
    }

    @Test
    void blockedCorrespondentIsRefusedWith550_571AndThePolicysText() throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            wire.command("MAIL FROM:<" + TestMailboxes.BLOCKED + ">").expect(250);
            Reply reply = wire.command("RCPT TO:<" + TestMailboxes.PUBLISHED + ">").reply();
            assertReply(reply, 550, "5.7.1");
            assertTrue(reply.text().contains("the recipient does not accept mail from this sender"), reply.text());
        }
    }

    @Test
    void correspondentAliasRefusesOtherSendersWith550_571() throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            wire.command("MAIL FROM:<carol@legacy.example>").expect(250);
            assertReply(wire.command("RCPT TO:<" + TestMailboxes.BOB_ALIAS + ">"), 550, "5.7.1");
        }
    }

    @Test
    void tooManyNewSendersForAPublishedAddressAreDeferredWith450() throws Exception {
        for (int i = 0; i < TestMailboxes.NEW_SENDERS_PER_ADDRESS; i++) {
            try (SmtpWire wire = mx.greeted()) {
                wire.command("MAIL FROM:<sender" + i + "@legacy.example>").expect(250);
                wire.command("RCPT TO:<" + TestMailboxes.PUBLISHED + ">").expect(250);
            }
        }
        try (SmtpWire wire = mx.greeted()) {
            wire.command("MAIL FROM:<one.too.many@legacy.example>").expect(250);
            assertReply(wire.command("RCPT TO:<" + TestMailboxes.PUBLISHED + ">"), 450, "4.2.1");
            wire.command("RSET").expect(250);
            wire.command("MAIL FROM:<sender0@legacy.example>").expect(250);
            wire.command("RCPT TO:<" + TestMailboxes.PUBLISHED + ">").expect(250);
        }
    }

    @Test
    void failingPolicyIsDeferredWith451_430() throws Exception {
        mx.mailboxes.setUnavailable(true);
        try (SmtpWire wire = mx.greeted()) {
            wire.command("MAIL FROM:<" + TestMailboxes.BOB + ">").expect(250);
            assertReply(wire.command("RCPT TO:<" + TestMailboxes.PUBLISHED + ">"), 451, "4.3.0");
            assertReply(wire.command("DATA"), 503, "5.5.0");
        }
        assertEquals(0, mx.handler.calls());
    }

    /** RFC 5321 §4.1.4: a MAIL inside a transaction is refused and the transaction goes on unchanged. */
    @Test
    void aSecondMailIsRefusedAndTheFirstTransactionContinues() throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            wire.command("MAIL FROM:<" + TestMailboxes.BOB + ">").expect(250);
            assertReply(wire.command("MAIL FROM:<>"), 503, "5.5.1");
            wire.command("RCPT TO:<" + TestMailboxes.PUBLISHED + ">").expect(250);
            wire.command("DATA").expect(354);
            wire.send(MESSAGE + ".\r\n").expect(250);
        }
        assertEquals("<" + TestMailboxes.BOB + ">", single().sender().toString());
    }

    @Test
    void nullSenderIsAcceptedForBounces() throws Exception {
        Reply reply = mx.send("", "From: MAILER-DAEMON@nospf.example\r\nSubject: bounce\r\n\r\nreturned\r\n",
                TestMailboxes.PUBLISHED);
        assertEquals(250, reply.code(), reply.text());
        assertEquals("<>", single().sender().toString());
    }

    private static InboundMessage single() {
        List<InboundMessage> committed = mx.handler.committed();
        assertEquals(1, committed.size(), committed.toString());
        return committed.get(0);
    }

    private static List<String> features(Reply ehlo) {
        return ehlo.lines().stream().skip(1).map(l -> l.substring(4)).toList();
    }
}
