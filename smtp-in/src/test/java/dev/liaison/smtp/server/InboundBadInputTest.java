package dev.liaison.smtp.server;

import static dev.liaison.smtp.server.BadInputTest.assertReply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.liaison.smtp.submission.Limits;
import dev.liaison.smtp.testing.RunningInbound;
import dev.liaison.smtp.testing.SmtpWire;
import dev.liaison.smtp.testing.SmtpWire.Reply;
import dev.liaison.smtp.testing.TestMailboxes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every refusal of the inbound MX: the exact reply (code and enhanced status) and, after it, proof
 * that the handler was never asked. Small limits so the bounds are cheap to cross. Every message
 * here would otherwise pass (bob@legacy.example from 127.0.0.1 passes SPF and DMARC).
 */
class InboundBadInputTest {

    private static final Limits SMALL = new Limits(4096, 1000, 10, 600, 3, 100, 50, Duration.ofMinutes(1),
            Limits.AuthThrottling.DEFAULT);
    private static final String FROM_BOB = "From: Bob <bob@legacy.example>\r\n";

    private static RunningInbound mx;

    @BeforeAll
    static void start() {
        mx = new RunningInbound(SMALL);
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

    @AfterEach
    void nothingReachedTheHandler() {
        assertEquals(0, mx.handler.calls(), "a refused input reached the handler");
    }

    @Test
    void mailBeforeEhloIsRefusedWith503() throws Exception {
        try (SmtpWire wire = SmtpWire.plain(mx.server.port())) {
            wire.expect(220);
            assertReply(wire.command("MAIL FROM:<" + TestMailboxes.BOB + ">"), 503, "5.5.1");
        }
    }

    @Test
    void rcptBeforeMailIsRefusedWith503() throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            assertReply(wire.command("RCPT TO:<" + TestMailboxes.PUBLISHED + ">"), 503, "5.5.1");
        }
    }

    @Test
    void dataWithoutRecipientsIsRefusedWith503() throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            wire.command("MAIL FROM:<" + TestMailboxes.BOB + ">").expect(250);
            assertReply(wire.command("DATA"), 503, "5.5.0");
        }
    }

    @Test
    void declaredSizeOverTheLimitIsRefusedWith552AtMail() throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            assertReply(wire.command("MAIL FROM:<" + TestMailboxes.BOB + "> SIZE=4097"), 552, "5.3.4");
        }
    }

    /** As on submission: a MAIL parameter given twice is malformed, 501, and sets no sender. */
    @Test
    void aMailParameterGivenTwiceIsRefusedWith501() throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            for (String parameters : new String[] {"SIZE=10 SIZE=20", "BODY=8BITMIME body=8bitmime"}) {
                assertReply(wire.command("MAIL FROM:<" + TestMailboxes.BOB + "> " + parameters), 501, "5.5.4");
                assertReply(wire.command("RCPT TO:<" + TestMailboxes.PUBLISHED + ">"), 503, "5.5.1");
            }
            wire.command("MAIL FROM:<" + TestMailboxes.BOB + "> SIZE=10").expect(250);
        }
    }

    @Test
    void messageOverTheSizeLimitIsRefusedWith552AfterTheData() throws Exception {
        try (SmtpWire wire = data()) {
            wire.send(FROM_BOB + "Subject: big\r\n\r\n");
            for (int i = 0; i < 60; i++) {
                wire.send("x".repeat(98) + "\r\n");
            }
            assertReply(wire.send(".\r\n"), 552, "5.3.4");
            wire.command("NOOP").expect(250);
        }
    }

    /**
     * Lines over 1000 octets are taken on the MX (see {@code InboundIndependentClientsTest}), but
     * never one longer than the message may be: it is refused as too big, and the session goes on.
     */
    @Test
    void aLineLongerThanTheMessageLimitIsRefusedAsTooBig() throws Exception {
        try (SmtpWire wire = data()) {
            wire.send(FROM_BOB + "\r\n");
            for (int i = 0; i < 5; i++) {
                wire.send("y".repeat(1000)); // one line, no CRLF yet
            }
            Reply reply = wire.send("\r\n.\r\n").reply();
            assertReply(reply, 552, "5.3.4");
            assertTrue(reply.text().contains("Message too big"), reply.text());
            wire.command("NOOP").expect(250);
        }
    }

    @Test
    void tooManyHeaderFieldsAreRefusedWith552() throws Exception {
        try (SmtpWire wire = data()) {
            wire.send(FROM_BOB);
            for (int i = 0; i < 10; i++) {
                wire.send("X-Field-" + i + ": v\r\n");
            }
            assertReply(wire.send("\r\nbody\r\n.\r\n"), 552, "5.3.4");
        }
    }

    @Test
    void hugeHeaderSectionIsRefusedWith552() throws Exception {
        try (SmtpWire wire = data()) {
            wire.send(FROM_BOB + "Subject: " + "s".repeat(400) + "\r\n\tfolded " + "t".repeat(300) + "\r\n");
            assertReply(wire.send("\r\nbody\r\n.\r\n"), 552, "5.3.4");
        }
    }

    /** RFC 6532 takes UTF-8 header text only; raw Latin-1 (here "Grüße", "grün", "Zoë") is refused. */
    @ParameterizedTest(name = "8-bit header line that is not UTF-8: {0}")
    @ValueSource(strings = {"Subject: Grüße", "Subject: ok\r\n\tgefaltet grün", "To: Zoë <alex@gw.example>"})
    void eightBitHeaderTextThatIsNotUtf8IsRefusedWith554(String field) throws Exception {
        try (SmtpWire wire = data()) {
            wire.send((FROM_BOB + field + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.ISO_8859_1));
            Reply reply = wire.send(".\r\n").reply();
            assertReply(reply, 554, "5.6.0");
            assertTrue(reply.text().contains("not UTF-8"), reply.text());
            wire.command("NOOP").expect(250);
        }
    }

    /** An overlong form and a lone continuation octet are not UTF-8 either (RFC 3629). */
    @ParameterizedTest(name = "malformed UTF-8 in the header: {0}")
    @ValueSource(strings = {"C0AF", "80", "EDA080", "E282"})
    void malformedUtf8InTheHeaderIsRefusedWith554(String hex) throws Exception {
        try (SmtpWire wire = data()) {
            wire.send(FROM_BOB + "Subject: x");
            wire.send(java.util.HexFormat.of().parseHex(hex));
            wire.send("y\r\n\r\nbody\r\n");
            assertReply(wire.send(".\r\n"), 554, "5.6.0");
        }
    }

    @Test
    void eightBitBodyIsAcceptedAs8BitMime() throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            wire.command("MAIL FROM:<" + TestMailboxes.BOB + "> BODY=8BITMIME").expect(250);
            wire.command("RCPT TO:<" + TestMailboxes.PUBLISHED + ">").expect(250);
            wire.command("DATA").expect(354);
            wire.send((FROM_BOB + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
                    + "\r\nGrüße\r\n.\r\n").getBytes(StandardCharsets.UTF_8)).expect(250);
        }
        assertEquals(1, mx.handler.committed().size());
        assertTrue(new String(mx.handler.committed().get(0).message().toByteArray(), StandardCharsets.UTF_8)
                .endsWith("\r\n\r\nGrüße\r\n"));
        mx.handler.clear();
    }

    @Test
    void recipientsBeyondTheLimitAreRefusedWith452BeforeThePolicyIsAsked() throws Exception {
        Limits one = new Limits(4096, 1000, 10, 600, 1, 100, 50, Duration.ofMinutes(1), Limits.AuthThrottling.DEFAULT);
        try (RunningInbound single = new RunningInbound(one); SmtpWire wire = single.greeted()) {
            wire.command("MAIL FROM:<" + TestMailboxes.BOB + ">").expect(250);
            wire.command("RCPT TO:<" + TestMailboxes.PUBLISHED + ">").expect(250);
            assertReply(wire.command("RCPT TO:<" + TestMailboxes.BOB_ALIAS + ">"), 452, "4.5.3");
            assertEquals(1, single.mailboxes.asked().size(), "the recipient over the limit reached the policy");
        }
    }

    @Test
    void messageWithoutFromIsRefusedWith550_571() throws Exception {
        assertRefusedAuthor("Subject: anonymous\r\n\r\nbody\r\n");
    }

    /** A client shows one From while DMARC checks the other: refused as malformed before any DNS question. */
    @Test
    void messageWithTwoFromFieldsIsRefusedWith554_560() throws Exception {
        try (SmtpWire wire = data()) {
            Reply reply = wire.send(FROM_BOB + "From: ceo@reject.example\r\n\r\nbody\r\n.\r\n").reply();
            assertReply(reply, 554, "5.6.0");
            assertTrue(reply.text().contains("more than one From field"), reply.text());
            wire.command("NOOP").expect(250);
        }
    }

    /** RFC 5322 §3.6: each of these at most once, compared in any letter case, white space before the colon or not. */
    @ParameterizedTest(name = "second field: {0}")
    @ValueSource(strings = {"Message-ID: <a@legacy.example>\r\nmessage-id : <b@legacy.example>",
            "Date: Thu, 26 Nov 2026 10:00:00 +0000\r\nDATE: Fri, 27 Nov 2026 10:00:00 +0000",
            "Subject: one\r\nX-Other: between\r\nSubject: two", "To: alex@gw.example\r\nTo: other@gw.example",
            "Cc: a@x.example\r\nCc: b@x.example", "Reply-To: a@x.example\r\nReply-To: b@x.example",
            "Sender: a@x.example\r\nSender: b@x.example", "Bcc: a@x.example\r\nBcc: b@x.example",
            "In-Reply-To: <a@x>\r\nIn-Reply-To: <b@x>", "References: <a@x>\r\nReferences:\r\n <b@x>"})
    void aSecondOnceOnlyFieldIsRefusedWith554_560(String fields) throws Exception {
        String name = fields.substring(0, fields.indexOf(':'));
        try (SmtpWire wire = data()) {
            Reply reply = wire.send(FROM_BOB + fields + "\r\n\r\nbody\r\n.\r\n").reply();
            assertReply(reply, 554, "5.6.0");
            assertTrue(reply.text().toLowerCase(Locale.ROOT).contains("more than one " + name.toLowerCase(Locale.ROOT) + " field"),
                    reply.text());
            wire.command("NOOP").expect(250);
        }
    }

    /** Resent-* fields come as one block per resending (RFC 5322 §3.6.6), and trace and other fields repeat freely. */
    @Test
    void repeatedResentBlocksAndOtherFieldsAreAccepted() throws Exception {
        try (SmtpWire wire = data()) {
            wire.send(FROM_BOB + "Subject: resent twice\r\n"
                    + "Resent-From: bob@legacy.example\r\nResent-Date: Thu, 26 Nov 2026 10:00:00 +0000\r\n"
                    + "Resent-From: bob@legacy.example\r\nResent-Date: Fri, 27 Nov 2026 10:00:00 +0000\r\n"
                    + "Received: from a\r\nReceived: from b\r\nComments: x\r\nComments: y\r\n"
                    + "\r\nbody\r\n.\r\n").expect(250);
        }
        assertEquals(1, mx.handler.committed().size());
        mx.handler.clear();
    }

    @Test
    void fromWithTwoMailboxesIsRefusedWith550_571() throws Exception {
        assertRefusedAuthor("From: bob@legacy.example, ceo@reject.example\r\n\r\nbody\r\n");
    }

    @Test
    void fromThatDoesNotParseIsRefusedWith550_571() throws Exception {
        assertRefusedAuthor("From: <bob@legacy.example\r\n\r\nbody\r\n");
        assertRefusedAuthor("From: Bob <bob@[127.0.0.1]>\r\n\r\nbody\r\n");
        assertRefusedAuthor("From: undisclosed-recipients:;\r\n\r\nbody\r\n");
    }

    @ParameterizedTest(name = "bare line ending in a command: {0}")
    @ValueSource(strings = {"NOOP\n", "NOOP\r", "NO\rOP\r\n", "NOOP\n\r\n"})
    void bareLineEndingInACommandIsRefusedWith500AndConnectionClosed(String raw) throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            wire.send(raw);
            if (raw.equals("NOOP\r")) {
                wire.send("X");
            }
            assertReply(wire.reply(), 500, "5.5.2");
            assertTrue(wire.isClosedByServer());
        }
    }

    /** The 2023 SMTP smuggling family, each followed by a smuggled second transaction. */
    @ParameterizedTest(name = "smuggled end of data: {0}")
    @ValueSource(strings = {"\\n.\\n", "\\r.\\r", "\\n.\\r\\n", "\\r.\\r\\n", "\\r\\n.\\n", "\\r\\n.\\r", "\\n.\\r", "\\r\\n.\\r\\r\\n"})
    void smuggledEndOfDataIsRefusedWith500AndNothingIsAccepted(String variant) throws Exception {
        String fakeEnd = variant.replace("\\r", "\r").replace("\\n", "\n");
        try (SmtpWire wire = data()) {
            wire.send(FROM_BOB + "Subject: first\r\n\r\nbody" + fakeEnd
                    + "MAIL FROM:<ceo@reject.example>\r\nRCPT TO:<" + TestMailboxes.PUBLISHED + ">\r\nDATA\r\n"
                    + "From: ceo@reject.example\r\nSubject: smuggled\r\n\r\nevil\r\n.\r\n");
            Reply reply = wire.reply();
            assertReply(reply, 500, "5.5.2");
            assertTrue(wire.isClosedByServer(), "connection must be closed after a framing violation");
        }
    }

    @Test
    void plaintextPipelinedAfterStartTlsIsRefusedAndNotExecuted() throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            wire.send("STARTTLS\r\nMAIL FROM:<" + TestMailboxes.BOB + ">\r\n");
            wire.expect(220);
            assertReply(wire.reply(), 500, "5.5.2");
            assertTrue(wire.isClosedByServer());
        }
    }

    @Test
    void overlongCommandLineIsRefusedWith500() throws Exception {
        try (SmtpWire wire = mx.greeted()) {
            assertReply(wire.command("NOOP " + "a".repeat(1200)), 500, "5.5.2");
            wire.command("NOOP").expect(250);
        }
    }

    @Test
    void connectionThatDropsBeforeTheFinalDotDeliversNothing() throws Exception {
        try (SmtpWire wire = data()) {
            wire.send(FROM_BOB + "Subject: cut off\r\n\r\nhalf a message\r\n");
        }
        try (SmtpWire wire = mx.greeted()) {
            wire.command("NOOP").expect(250);
        }
    }

    /**
     * The MX holds at most so many message octets at once (here one message's worth): a message
     * that finds them spent is refused with 452 4.3.1 at the end of DATA (from another address: the
     * budget refuses, not the first sender's share), and the octets go back when a transaction ends,
     * whether its message was committed or its connection closed mid-DATA.
     */
    @Test
    void messagesBeyondWhatTheServerHoldsAreRefusedWith452UntilTheOctetsGoBack() throws Exception {
        String start = FROM_BOB + "Subject: s\r\n\r\n" + "x".repeat(900) + "\r\n";
        try (RunningInbound small = new RunningInbound(SMALL.withMaxBufferedOctets(4096))) {
            try (SmtpWire holding = data(small); SmtpWire refused = data(small, "127.0.0.2")) {
                holding.send(start); // its first line takes the server's octets; no end of data yet
                awaitTrue(() -> small.server.bufferedOctets() == 4096, "the first message holds the octets");
                assertReply(refused.send(start + ".\r\n").reply(), 452, "4.3.1");
                try (SmtpWire declaring = SmtpWire.plain(small.server.port(), java.net.InetAddress.getByName("127.0.0.2"))) {
                    declaring.expect(220);
                    declaring.command("EHLO mta.legacy.example").expect(250);
                    assertReply(declaring.command("MAIL FROM:<" + TestMailboxes.BOB + "> SIZE=2000"), 452, "4.3.1");
                    declaring.command("MAIL FROM:<" + TestMailboxes.BOB + ">").expect(250); // undeclared: learnt at DATA's end
                }
                holding.send(".\r\n").expect(250);
                refused.command("RSET").expect(250);
                refused.command("MAIL FROM:<" + TestMailboxes.BOB + "> SIZE=2000").expect(250); // room again
                refused.command("RSET").expect(250);
            }
            assertEquals(1, small.handler.committed().size(), "only the message that held the octets");
            try (SmtpWire cut = data(small)) {
                cut.send(start); // then the connection closes mid-DATA
                awaitTrue(() -> small.server.bufferedOctets() == 4096, "the cut message holds the octets");
            }
            awaitTrue(() -> small.server.bufferedOctets() == 0, "the octets of the closed connection went back");
            try (SmtpWire after = data(small)) {
                after.send(start + ".\r\n").expect(250);
            }
            assertEquals(2, small.handler.committed().size(), "the octets of the closed connection went back");
        }
    }

    /** Polls {@code condition} for up to 10 s (the server reads on its own threads). */
    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "never: " + what);
            Thread.sleep(10);
        }
    }

    private static SmtpWire data(RunningInbound server) throws Exception {
        return data(server, "127.0.0.1");
    }

    private static SmtpWire data(RunningInbound server, String localAddress) throws Exception {
        SmtpWire wire = SmtpWire.plain(server.server.port(), java.net.InetAddress.getByName(localAddress));
        wire.expect(220);
        wire.command("EHLO mta.legacy.example").expect(250);
        wire.command("MAIL FROM:<" + TestMailboxes.BOB + ">").expect(250);
        wire.command("RCPT TO:<" + TestMailboxes.PUBLISHED + ">").expect(250);
        wire.command("DATA").expect(354);
        return wire;
    }

    private static void assertRefusedAuthor(String message) throws Exception {
        try (SmtpWire wire = data()) {
            Reply reply = wire.send(message + ".\r\n").reply();
            assertReply(reply, 550, "5.7.1");
            wire.command("NOOP").expect(250);
        }
    }

    private static SmtpWire data() throws Exception {
        return data(mx);
    }
}
