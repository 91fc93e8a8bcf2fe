package dev.liaison.smtp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.liaison.smtp.submission.Limits;
import dev.liaison.smtp.testing.RunningServer;
import dev.liaison.smtp.testing.SmtpWire;
import dev.liaison.smtp.testing.SmtpWire.Reply;
import dev.liaison.smtp.testing.TestDirectory;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every refusal: the exact reply (code and enhanced status) and, after it, proof that nothing
 * reached the handler. Small limits so the bounds are cheap to cross.
 */
class BadInputTest {

    private static final Limits SMALL = new Limits(4096, 1000, 10, 600, 3, 100, 50, Duration.ofMinutes(1),
            Limits.AuthThrottling.DEFAULT);
    private static final String ALIAS = TestDirectory.ALEX_ALIAS;

    private static RunningServer smtp;

    @BeforeAll
    static void start() {
        smtp = new RunningServer(SMALL);
    }

    @AfterAll
    static void stop() {
        smtp.close();
    }

    @BeforeEach
    void reset() {
        smtp.handler.clear();
    }

    @AfterEach
    void nothingReachedTheHandler() {
        assertEquals(0, smtp.handler.committed().size(), "a refused input reached the handler");
    }

    @Test
    void mailBeforeAuthIsRefusedWith530() throws Exception {
        try (SmtpWire wire = tlsWithoutAuth()) {
            assertReply(wire.command("MAIL FROM:<alex@gw.example>"), 530, "5.7.0");
        }
    }

    @Test
    void rcptBeforeAuthIsRefusedWith530() throws Exception {
        try (SmtpWire wire = tlsWithoutAuth()) {
            assertReply(wire.command("RCPT TO:<" + ALIAS + ">"), 530, "5.7.0");
            assertReply(wire.command("DATA"), 503, "5.5.0");
        }
    }

    @Test
    void authBeforeStartTlsIsRefusedWith538AndPasswordNeverChecked() throws Exception {
        int checkedBefore = smtp.directory.authenticationsChecked();
        try (SmtpWire wire = smtp.starttls()) {
            wire.expect(220);
            wire.command("EHLO client.example").expect(250);
            assertReply(wire.command("AUTH PLAIN " + SmtpWire.plainAuth("alex", TestDirectory.ALEX_PASSWORD)), 538, "5.7.11");
            assertReply(wire.command("MAIL FROM:<alex@gw.example>"), 530, "5.7.0");
        }
        assertEquals(checkedBefore, smtp.directory.authenticationsChecked());
    }

    @Test
    void plaintextEhloIsForgottenAfterStartTls() throws Exception {
        try (SmtpWire wire = smtp.starttls()) {
            wire.expect(220);
            wire.command("EHLO client.example").expect(250);
            wire.command("STARTTLS").expect(220);
            wire.upgradeToTls();
            assertReply(wire.command("AUTH PLAIN " + SmtpWire.plainAuth("alex", TestDirectory.ALEX_PASSWORD)), 503, "5.5.1");
            assertReply(wire.command("MAIL FROM:<alex@gw.example>"), 530, "5.7.0");
            wire.command("EHLO client.example").expect(250);
            wire.command("AUTH PLAIN " + SmtpWire.plainAuth("alex", TestDirectory.ALEX_PASSWORD)).expect(235);
            wire.command("MAIL FROM:<alex@gw.example>").expect(250);
            assertReply(wire.command("VRFY alex"), 502, "5.3.3");
            assertReply(wire.command("EXPN staff"), 502, "5.3.3");
        }
    }

    @Test
    void authLoginWithGarbageInsteadOfBase64IsRefused() throws Exception {
        try (SmtpWire wire = tlsWithoutAuth()) {
            wire.command("AUTH LOGIN").expect(334);
            assertReply(wire.command("!!not base64!!"), 501, "5.5.2");
            wire.command("AUTH LOGIN").expect(334);
            wire.command(java.util.Base64.getEncoder().encodeToString("alex".getBytes())).expect(334);
            assertReply(wire.command("*"), 501, "5.7.0");
            wire.command("AUTH LOGIN " + java.util.Base64.getEncoder().encodeToString("a@b@c".getBytes())).expect(334);
            assertReply(wire.command(java.util.Base64.getEncoder().encodeToString("pw".getBytes())), 535, "5.7.8");
            wire.command("NOOP").expect(250);
        }
    }

    @Test
    void authPlainEndsEachExchangeWithItsFirstAnswerAndNeverActsForAnotherIdentity() throws Exception {
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        try (SmtpWire wire = tlsWithoutAuth()) {
            wire.command("AUTH PLAIN").expect(334);
            assertReply(wire.command("!!!"), 501, "5.5.2");
            wire.command("NOOP").expect(250); // the exchange is over: the next command is a command
            wire.command("AUTH PLAIN").expect(334);
            assertReply(wire.command("*"), 501, "5.7.0");
            assertReply(wire.command("AUTH PLAIN " + b64.encodeToString("alex".getBytes())), 501, "5.5.2");
            assertReply(wire.command("AUTH CRAM-MD5"), 504, "5.5.4");
            assertReply(wire.command("AUTH"), 501, "5.5.4");
            String otherIdentity = "carol\0alex\0" + TestDirectory.ALEX_PASSWORD;
            assertReply(wire.command("AUTH PLAIN " + b64.encodeToString(otherIdentity.getBytes())), 535, "5.7.8");
            assertReply(wire.command("MAIL FROM:<alex@gw.example>"), 530, "5.7.0");
            wire.command("AUTH PLAIN").expect(334);
            wire.command(b64.encodeToString(("Alex\0alex\0" + TestDirectory.ALEX_PASSWORD).getBytes())).expect(235);
            wire.command("MAIL FROM:<alex@gw.example>").expect(250);
        }
    }

    @Test
    void wrongPasswordIsRefusedWith535() throws Exception {
        try (SmtpWire wire = tlsWithoutAuth()) {
            assertReply(wire.command("AUTH PLAIN " + SmtpWire.plainAuth("blair", "wrong")), 535, "5.7.8");
            assertReply(wire.command("MAIL FROM:<blair@gw.example>"), 530, "5.7.0");
        }
    }

    @Test
    void unknownRecipientIsRefusedWith550_511() throws Exception {
        try (SmtpWire wire = mailFrom()) {
            assertReply(wire.command("RCPT TO:<nobody@gw.example>"), 550, "5.1.1");
            assertReply(wire.command("DATA"), 503, "5.5.0");
        }
    }

    @Test
    void disabledAliasIsRefusedWith550_571() throws Exception {
        try (SmtpWire wire = mailFrom()) {
            assertReply(wire.command("RCPT TO:<" + TestDirectory.ALEX_DISABLED_ALIAS + ">"), 550, "5.7.1");
        }
    }

    @Test
    void anotherUsersAliasIsRefusedWith550_571() throws Exception {
        try (SmtpWire wire = mailFrom()) {
            assertReply(wire.command("RCPT TO:<" + TestDirectory.BLAIR_ALIAS + ">"), 550, "5.7.1");
        }
    }

    @Test
    void foreignDomainIsRefusedWith550_571() throws Exception {
        try (SmtpWire wire = mailFrom()) {
            assertReply(wire.command("RCPT TO:<someone@elsewhere.example>"), 550, "5.7.1");
        }
    }

    @Test
    void rcptParametersAreRefusedWith555() throws Exception {
        try (SmtpWire wire = mailFrom()) {
            assertReply(wire.command("RCPT TO:<" + ALIAS + "> NOTIFY=NEVER"), 555, "5.5.4");
        }
    }

    @Test
    void unknownMailParameterIsRefusedWith555() throws Exception {
        try (SmtpWire wire = smtp.authenticatedAlex()) {
            assertReply(wire.command("MAIL FROM:<alex@gw.example> SMTPUTF8"), 555, "5.5.4");
        }
    }

    /**
     * A parameter given twice would leave which value counts to the reading (the limit checked
     * against one SIZE, the message held to the other): the MAIL is refused as malformed and sets
     * no sender, whatever the case of the keywords and whether or not the values agree.
     */
    @Test
    void aMailParameterGivenTwiceIsRefusedWith501AndSetsNoSender() throws Exception {
        try (SmtpWire wire = smtp.authenticatedAlex()) {
            for (String parameters : new String[] {"SIZE=10 SIZE=20", "SIZE=10 size=10", "BODY=7BIT BODY=8BITMIME",
                    "AUTH=<> SIZE=5 AUTH=<>", "SIZE=" + (TestDirectory.SMALL_ALIAS_TAKES + 1) + " SIZE=1"}) {
                SmtpWire.Reply reply = wire.command("MAIL FROM:<alex@gw.example> " + parameters).reply();
                assertEquals(501, reply.code(), parameters + ": " + reply.text());
                assertEquals("5.5.4", reply.enhanced(), reply.text());
                assertTrue(reply.text().contains("more than once"), reply.text());
                assertReply(wire.command("RCPT TO:<" + ALIAS + ">"), 503, "5.5.1");
            }
            wire.command("MAIL FROM:<alex@gw.example> SIZE=1").expect(250);
            assertReply(wire.command("RCPT TO:<" + TestDirectory.ALEX_SMALL_ALIAS + ">"), 250, "2.1.5");
        }
    }

    @Test
    void declaredSizeOverTheLimitIsRefusedWith552AtMail() throws Exception {
        try (SmtpWire wire = smtp.authenticatedAlex()) {
            assertReply(wire.command("MAIL FROM:<alex@gw.example> SIZE=4097"), 552, "5.3.4");
            assertReply(wire.command("MAIL FROM:<alex@gw.example> SIZE=99999999999999999999"), 501, "5.5.4");
        }
    }

    /**
     * RFC 1870: a declared size more than one recipient can take is refused at that RCPT, before
     * the client uploads anything; other recipients, and the same one without a declared size (the
     * handler then checks the message itself), are accepted.
     */
    @Test
    void aDeclaredSizeMoreThanARecipientTakesIsRefusedWith552AtRcpt() throws Exception {
        try (SmtpWire wire = smtp.authenticatedAlex()) {
            wire.command("MAIL FROM:<alex@gw.example> SIZE=" + (TestDirectory.SMALL_ALIAS_TAKES + 1)).expect(250);
            assertReply(wire.command("RCPT TO:<" + TestDirectory.ALEX_SMALL_ALIAS + ">"), 552, "5.3.4");
            assertReply(wire.command("RCPT TO:<" + ALIAS + ">"), 250, "2.1.5");
            wire.command("RSET").expect(250);
            wire.command("MAIL FROM:<alex@gw.example> SIZE=" + TestDirectory.SMALL_ALIAS_TAKES).expect(250);
            assertReply(wire.command("RCPT TO:<" + TestDirectory.ALEX_SMALL_ALIAS + ">"), 250, "2.1.5");
            wire.command("RSET").expect(250);
            wire.command("MAIL FROM:<alex@gw.example>").expect(250);
            assertReply(wire.command("RCPT TO:<" + TestDirectory.ALEX_SMALL_ALIAS + ">"), 250, "2.1.5");
        }
    }

    /**
     * A MAIL refused inside a transaction changes nothing, its declared size included (RFC 5321
     * §4.1.4); a MAIL without SIZE= after the transaction does not inherit it.
     */
    @Test
    void aMailWithoutSizeDoesNotInheritAnEarlierOnesSize() throws Exception {
        try (SmtpWire wire = smtp.authenticatedAlex()) {
            wire.command("MAIL FROM:<alex@gw.example> SIZE=" + (TestDirectory.SMALL_ALIAS_TAKES + 1)).expect(250);
            assertReply(wire.command("MAIL FROM:<alex@gw.example>"), 503, "5.5.1");
            assertReply(wire.command("RCPT TO:<" + TestDirectory.ALEX_SMALL_ALIAS + ">"), 552, "5.3.4");
            wire.command("RSET").expect(250);
            wire.command("MAIL FROM:<alex@gw.example>").expect(250);
            assertReply(wire.command("RCPT TO:<" + TestDirectory.ALEX_SMALL_ALIAS + ">"), 250, "2.1.5");
        }
    }

    @Test
    void messageOverTheSizeLimitIsRefusedWith552AfterTheData() throws Exception {
        try (SmtpWire wire = data()) {
            wire.send("Subject: big\r\n\r\n");
            for (int i = 0; i < 60; i++) {
                wire.send("x".repeat(98) + "\r\n");
            }
            assertReply(wire.send(".\r\n"), 552, "5.3.4");
            assertReply(wire.command("NOOP"), 250, "2.0.0");
        }
    }

    @Test
    void overlongLineInDataIsRefusedWith552AndSessionContinues() throws Exception {
        try (SmtpWire wire = data()) {
            wire.send("Subject: long\r\n\r\n" + "y".repeat(999) + "\r\nshort\r\n");
            assertReply(wire.send(".\r\n"), 552, "5.3.4");
            wire.command("MAIL FROM:<alex@gw.example>").expect(250);
        }
    }

    @Test
    void lineOfExactlyTheLimitIsAccepted() throws Exception {
        try (SmtpWire wire = data()) {
            wire.send("Subject: edge\r\n\r\n" + "z".repeat(998) + "\r\n.\r\n").expect(250);
        }
        assertEquals(1, smtp.handler.committed().size());
        smtp.handler.clear();
    }

    @Test
    void overlongCommandLineIsRefusedWith500() throws Exception {
        try (SmtpWire wire = smtp.authenticatedAlex()) {
            assertReply(wire.command("NOOP " + "a".repeat(1200)), 500, "5.5.2");
            wire.command("NOOP").expect(250);
        }
    }

    @Test
    void dotStuffedLineOneOverTheLimitIsStillRefused() throws Exception {
        try (SmtpWire wire = data()) {
            // 999 octets of text after the transparency dot goes: one more than RFC 5321 allows.
            wire.send("Subject: long\r\n\r\n.." + "y".repeat(998) + "\r\n");
            assertReply(wire.send(".\r\n"), 552, "5.3.4");
        }
    }

    @Test
    void commandLineStartingWithADotGetsNoAllowance() throws Exception {
        try (SmtpWire wire = smtp.authenticatedAlex()) {
            assertReply(wire.command("." + "a".repeat(998)), 500, "5.5.2"); // 1001 octets: too long as a command
            wire.command("NOOP").expect(250);
        }
    }

    @Test
    void tooManyHeaderFieldsAreRefusedWith552() throws Exception {
        try (SmtpWire wire = data()) {
            for (int i = 0; i < 11; i++) {
                wire.send("X-Field-" + i + ": v\r\n");
            }
            assertReply(wire.send("\r\nbody\r\n.\r\n"), 552, "5.3.4");
        }
    }

    @Test
    void aHeaderLineThatIsNoFieldIsRefusedWith554SoTheFieldsAfterItNeverReachTheBody() throws Exception {
        try (SmtpWire wire = data()) {
            wire.send("From alex@gw.example Fri Nov 27 10:00:00 2026\r\nFrom: a@gw.example\r\n");
            wire.send("Bcc: secret@gw.example\r\nX-Originating-IP: [192.0.2.7]\r\n");
            assertReply(wire.send("\r\nbody\r\n.\r\n"), 554, "5.6.0");
            wire.command("NOOP").expect(250);
        }
    }

    /** RFC 5322 §3.6: no mail client writes two From or Message-ID fields; which one a reader takes is anyone's guess. */
    @Test
    void aSecondFromOrMessageIdFieldIsRefusedWith554() throws Exception {
        for (String fields : new String[] {"From: a@gw.example\r\nFrom: ceo@elsewhere.example\r\n",
                "Message-ID: <1@gw.example>\r\nSubject: s\r\nMESSAGE-ID: <2@gw.example>\r\n"}) {
            try (SmtpWire wire = data()) {
                wire.send(fields);
                assertReply(wire.send("\r\nbody\r\n.\r\n"), 554, "5.6.0");
                wire.command("NOOP").expect(250);
            }
        }
    }

    @Test
    void headerSectionOverItsLimitIsRefusedWith552() throws Exception {
        try (SmtpWire wire = data()) {
            wire.send("Subject: " + "s".repeat(400) + "\r\n\tfolded " + "t".repeat(300) + "\r\n");
            assertReply(wire.send("\r\nbody\r\n.\r\n"), 552, "5.3.4");
        }
    }

    @Test
    void recipientsBeyondTheLimitAreRefusedWith452() throws Exception {
        try (SmtpWire wire = mailFrom()) {
            wire.command("RCPT TO:<team.one@gw.example>").expect(250);
            wire.command("RCPT TO:<team.two@gw.example>").expect(250);
            wire.command("RCPT TO:<team.three@gw.example>").expect(250);
            // A repeated recipient does not count against the limit of 3.
            wire.command("RCPT TO:<Team.One@gw.example>").expect(250);
            assertReply(wire.command("RCPT TO:<team.four@gw.example>"), 452, "4.5.3");
            wire.command("RSET").expect(250);
        }
    }

    @Test
    void messageWhoseConnectionDropsBeforeTheFinalDotIsNeverCommitted() throws Exception {
        try (SmtpWire wire = data()) {
            wire.send("Subject: cut off\r\n\r\nhalf a message\r\n");
        }
        try (SmtpWire wire = data()) {
            wire.send("Subject: complete\r\n\r\nwhole\r\n.\r\n").expect(250);
        }
        assertEquals(1, smtp.handler.committed().size());
        assertTrue(SubmissionDialogueTest.text(smtp.handler.committed().get(0)).contains("Subject: complete"));
        smtp.handler.clear();
    }

    @Test
    void dataWithoutRecipientsIsRefusedWith503() throws Exception {
        try (SmtpWire wire = smtp.authenticatedAlex()) {
            wire.command("MAIL FROM:<alex@gw.example>").expect(250);
            assertReply(wire.command("DATA"), 503, "5.5.0");
        }
    }

    /**
     * Unlike the MX: submission takes raw 8-bit header text (scripts, printers, {@code mail -s}
     * write it); the gateway refuses it only where the message would leave as plain email.
     */
    @ParameterizedTest(name = "8-bit header line: {0}")
    @ValueSource(strings = {"Subject: Grüße", "Subject: ok\r\n\tgefaltet grün", "To: Zoë <alex@gw.example>"})
    void eightBitHeaderTextIsTakenBySubmission(String field) throws Exception {
        try (SmtpWire wire = data()) {
            wire.send((field + "\r\n\r\nbody\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            wire.send(".\r\n").expect(250);
        }
        assertEquals(1, smtp.handler.committed().size());
        smtp.handler.clear();
    }

    @ParameterizedTest(name = "bare line ending in a command: {0}")
    @ValueSource(strings = {"NOOP\n", "NOOP\r", "NO\rOP\r\n", "NOOP\n\r\n"})
    void bareLineEndingInACommandIsRefusedWith500AndConnectionClosed(String raw) throws Exception {
        try (SmtpWire wire = smtp.authenticatedAlex()) {
            wire.send(raw.replace("\\r", "\r").replace("\\n", "\n"));
            if (raw.equals("NOOP\r")) {
                wire.send("X");
            }
            assertReply(wire.reply(), 500, "5.5.2");
            assertTrue(wire.isClosedByServer());
        }
    }

    /**
     * The 2023 SMTP smuggling family: a fake end-of-data that a lenient parser honours, followed by
     * a second transaction. Each must be refused, the connection closed, and neither message taken.
     */
    @ParameterizedTest(name = "smuggled end of data: {0}")
    @ValueSource(strings = {"\\n.\\n", "\\r.\\r", "\\n.\\r\\n", "\\r.\\r\\n", "\\r\\n.\\n", "\\r\\n.\\r", "\\n.\\r", "\\r\\n.\\r\\r\\n"})
    void smuggledEndOfDataIsRefusedWith5xxAndNothingIsAccepted(String variant) throws Exception {
        String fakeEnd = variant.replace("\\r", "\r").replace("\\n", "\n");
        try (SmtpWire wire = data()) {
            wire.send("Subject: first\r\n\r\nbody" + fakeEnd
                    + "MAIL FROM:<alex@gw.example>\r\nRCPT TO:<" + ALIAS + ">\r\nDATA\r\nSubject: smuggled\r\n\r\nevil\r\n.\r\n");
            Reply reply = wire.reply();
            assertReply(reply, 500, "5.5.2");
            assertTrue(wire.isClosedByServer(), "connection must be closed after a framing violation");
        }
    }

    @Test
    void plaintextPipelinedAfterStartTlsIsRefusedAndNotExecuted() throws Exception {
        int checkedBefore = smtp.directory.authenticationsChecked();
        try (SmtpWire wire = smtp.starttls()) {
            wire.expect(220);
            wire.command("EHLO client.example").expect(250);
            wire.send("STARTTLS\r\nAUTH PLAIN " + SmtpWire.plainAuth("alex", TestDirectory.ALEX_PASSWORD) + "\r\n");
            wire.expect(220);
            assertReply(wire.reply(), 500, "5.5.2");
            assertTrue(wire.isClosedByServer());
        }
        assertEquals(checkedBefore, smtp.directory.authenticationsChecked(), "the injected AUTH must not run");
    }

    private static SmtpWire tlsWithoutAuth() throws Exception {
        SmtpWire wire = smtp.starttls();
        wire.expect(220);
        wire.command("EHLO client.example").expect(250);
        wire.command("STARTTLS").expect(220);
        wire.upgradeToTls();
        wire.command("EHLO client.example").expect(250);
        return wire;
    }

    private static SmtpWire mailFrom() throws Exception {
        SmtpWire wire = smtp.authenticatedAlex();
        wire.command("MAIL FROM:<alex@gw.example>").expect(250);
        return wire;
    }

    private static SmtpWire data() throws Exception {
        SmtpWire wire = mailFrom();
        wire.command("RCPT TO:<" + ALIAS + ">").expect(250);
        wire.command("DATA").expect(354);
        return wire;
    }

    static void assertReply(SmtpWire wire, int code, String enhanced) throws Exception {
        assertReply(wire.reply(), code, enhanced);
    }

    static void assertReply(Reply reply, int code, String enhanced) {
        assertEquals(code, reply.code(), reply.text());
        assertEquals(enhanced, reply.enhanced(), reply.text());
    }
}
