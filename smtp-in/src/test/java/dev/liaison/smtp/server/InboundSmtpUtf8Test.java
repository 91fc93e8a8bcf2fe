package dev.liaison.smtp.server;

import static dev.liaison.smtp.server.BadInputTest.assertReply;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.liaison.smtp.authentication.SpfResult;
import dev.liaison.smtp.inbound.InboundMessage;
import dev.liaison.smtp.submission.ReversePath;
import dev.liaison.smtp.testing.RecordingInboundHandler;
import dev.liaison.smtp.testing.RunningInbound;
import dev.liaison.smtp.testing.SmtpWire;
import dev.liaison.smtp.testing.TestMailboxes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SMTPUTF8 (RFC 6531) and UTF-8 header text (RFC 6532) at the inbound MX, over a real socket, as
 * Gmail sends them: the parameter with UTF-8 senders, raw UTF-8 subjects and display names with or
 * without it (Postfix takes both). Recipients stay ASCII: a UTF-8 one is no address here.
 */
class InboundSmtpUtf8Test {

    private static final String UTF8_HEADER = "From: Zoë Grünwald <bob@legacy.example>\r\n"
            + "To: Alex <alex@gw.example>\r\nSubject: Grüße aus Köln ☕\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nHallo Zoë\r\n";

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
        mx.mailboxes.clear();
        mx.handler.clear();
    }

    @ParameterizedTest(name = "MAIL FROM:<bob@legacy.example>{0}")
    @ValueSource(strings = {"", " SMTPUTF8", " SMTPUTF8 BODY=8BITMIME SIZE=900", " BODY=8BITMIME smtputf8"})
    void utf8HeaderTextIsTakenAsSentWithOrWithoutTheParameter(String parameters) throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            wire.command("MAIL FROM:<" + TestMailboxes.BOB + ">" + parameters).expect(250);
            wire.command("RCPT TO:<" + TestMailboxes.PUBLISHED + ">").expect(250);
            wire.command("DATA").expect(354);
            wire.send((UTF8_HEADER + ".\r\n").getBytes(StandardCharsets.UTF_8)).expect(250);
        }
        InboundMessage taken = mx.handler.committed().get(0);
        byte[] raw = taken.message().toByteArray();
        byte[] sent = UTF8_HEADER.getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(sent, Arrays.copyOfRange(raw, raw.length - sent.length, raw.length), "octets changed");
        assertEquals("pass", taken.authentication().dmarc().result().keyword(), "DMARC reads a UTF-8 display name's From");
    }

    @Test
    void aUtf8SenderIsTakenWithSmtpUtf8AndCheckedBySpfOnItsDomain() throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            wire.send("MAIL FROM:<Jörg.Müller@legacy.example> SMTPUTF8 BODY=8BITMIME SIZE=900\r\n"
                    .getBytes(StandardCharsets.UTF_8)).expect(250);
            wire.command("RCPT TO:<" + TestMailboxes.PUBLISHED + ">").expect(250);
            wire.command("DATA").expect(354);
            wire.send((UTF8_HEADER + ".\r\n").getBytes(StandardCharsets.UTF_8)).expect(250);
        }
        InboundMessage taken = mx.handler.committed().get(0);
        ReversePath.International sender = assertInstanceOf(ReversePath.International.class, taken.sender());
        assertEquals("jörg.müller@legacy.example", sender.address().toString());
        assertEquals(SpfResult.PASS, taken.authentication().spf().result());
        assertEquals("jörg.müller@legacy.example", taken.authentication().spf().subject());
        assertTrue(RecordingInboundHandler.text(taken).contains(" with UTF8SMTP id " + taken.id() + ";"),
                "RFC 6531 section 3.7.3: the trace says the transaction was SMTPUTF8");
    }

    @Test
    void aUtf8DomainIsKeptAsALabels() throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            wire.send("MAIL FROM:<jörg@bücher.example> SMTPUTF8\r\n".getBytes(StandardCharsets.UTF_8)).expect(250);
            wire.command("RCPT TO:<" + TestMailboxes.PUBLISHED + ">").expect(250);
            wire.command("DATA").expect(354);
            wire.send(("From: Jörg <joerg@nospf.example>\r\nSubject: Bücher\r\n\r\nhi\r\n.\r\n")
                    .getBytes(StandardCharsets.UTF_8)).expect(250);
        }
        assertEquals("<jörg@xn--bcher-kva.example>", mx.handler.committed().get(0).sender().toString());
    }

    @Test
    void aUtf8SenderWithoutSmtpUtf8IsRefusedWith553_567() throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            SmtpWire.Reply reply = wire.send("MAIL FROM:<jörg@legacy.example>\r\n".getBytes(StandardCharsets.UTF_8))
                    .reply();
            assertReply(reply, 553, "5.6.7");
            assertTrue(reply.text().contains("SMTPUTF8"), reply.text());
            assertReply(wire.command("RCPT TO:<" + TestMailboxes.PUBLISHED + ">"), 503, "5.5.1");
        }
    }

    @Test
    void senderOctetsThatAreNotUtf8AreRefusedWith501() throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            SmtpWire.Reply reply = wire.send("MAIL FROM:<jörg@legacy.example> SMTPUTF8\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1)).reply();
            assertReply(reply, 501, "5.1.7");
            assertTrue(reply.text().contains("UTF-8"), reply.text());
        }
    }

    /** The review's case: a Latin-1 last field of a message without a body was refused as having no From. */
    @Test
    void aLatin1LastHeaderFieldOfAMessageWithoutBodyIsRefusedAsNotUtf8() throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            wire.command("MAIL FROM:<bob@legacy.example>").expect(250);
            wire.command("RCPT TO:<" + TestMailboxes.PUBLISHED + ">").expect(250);
            wire.command("DATA").expect(354);
            SmtpWire.Reply reply = wire.send(("From: <bob@legacy.example>\r\nSubject: caf\u00e9\r\n.\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1)).reply();
            assertReply(reply, 554, "5.6.0");
            assertTrue(reply.text().contains("UTF-8"), reply.text());
        }
    }

    /** The review's case: Java's case mapping made {@code maıl} MAIL and {@code RſET} RSET. */
    @Test
    void aVerbWithNonAsciiLettersIsNoCommand() throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            assertEquals(500, wire.send("ma\u0131l FROM:<bob@legacy.example>\r\n".getBytes(StandardCharsets.UTF_8))
                    .reply().code());
            assertEquals(500, wire.send("R\u017fET\r\n".getBytes(StandardCharsets.UTF_8)).reply().code());
            assertReply(wire.command("RCPT TO:<" + TestMailboxes.PUBLISHED + ">"), 503, "5.5.1"); // no MAIL was taken
        }
    }

    @Test
    void relayFormsStayRefusedInUtf8Senders() throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            assertReply(wire.send("MAIL FROM:<jörg%relay.example@legacy.example> SMTPUTF8\r\n"
                    .getBytes(StandardCharsets.UTF_8)).reply(), 553, "5.1.7");
            assertReply(wire.send("MAIL FROM:<@relay.example:jörg@legacy.example> SMTPUTF8\r\n"
                    .getBytes(StandardCharsets.UTF_8)).reply(), 553, "5.1.7");
            assertReply(wire.send("MAIL FROM:<\"jörg\"@legacy.example> SMTPUTF8\r\n"
                    .getBytes(StandardCharsets.UTF_8)).reply(), 553, "5.1.7");
            assertReply(wire.send("MAIL FROM:<jörg\u0085@legacy.example> SMTPUTF8\r\n"
                    .getBytes(StandardCharsets.UTF_8)).reply(), 501, "5.1.7");
        }
    }

    @Test
    void smtpUtf8TakesNoValue() throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            assertReply(wire.command("MAIL FROM:<" + TestMailboxes.BOB + "> SMTPUTF8=yes"), 501, "5.5.4");
            assertReply(wire.command("MAIL FROM:<" + TestMailboxes.BOB + "> SMTPUTF8 SMTPUTF8"), 501, "5.5.4");
            wire.command("MAIL FROM:<" + TestMailboxes.BOB + "> SMTPUTF8").expect(250);
        }
    }

    @ParameterizedTest(name = "RCPT TO:{0}")
    @ValueSource(strings = {"<zoë@gw.example>", "<alex@gw.exämple>", "<\u0430lex@gw.example>", "<jörg@elsewhere.example>"})
    void aUtf8RecipientIsNoAddressHere550_511(String path) throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            wire.command("MAIL FROM:<" + TestMailboxes.BOB + "> SMTPUTF8").expect(250);
            assertReply(wire.send(("RCPT TO:" + path + "\r\n").getBytes(StandardCharsets.UTF_8)).reply(), 550, "5.1.1");
            assertReply(wire.command("DATA"), 503, "5.5.0");
            wire.command("NOOP").expect(250);
        }
        assertEquals(List.of(), mx.mailboxes.asked(), "a UTF-8 recipient reached the recipient policy");
        assertEquals(0, mx.handler.calls());
    }

    @Test
    void aLaterMailWithoutTheParameterDoesNotInheritIt() throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            wire.command("MAIL FROM:<" + TestMailboxes.BOB + "> SMTPUTF8").expect(250);
            wire.command("RSET").expect(250);
            wire.command("MAIL FROM:<" + TestMailboxes.BOB + ">").expect(250);
            assertReply(wire.send("RCPT TO:<zoë@gw.example>\r\n".getBytes(StandardCharsets.UTF_8)).reply(), 553, "5.6.7");
        }
    }
}
