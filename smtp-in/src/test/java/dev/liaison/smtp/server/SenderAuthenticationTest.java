package dev.liaison.smtp.server;

import static dev.liaison.smtp.server.BadInputTest.assertReply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.liaison.smtp.authentication.DkimCheck;
import dev.liaison.smtp.authentication.DkimResult;
import dev.liaison.smtp.authentication.DmarcAction;
import dev.liaison.smtp.authentication.DmarcDisposition;
import dev.liaison.smtp.authentication.DmarcResult;
import dev.liaison.smtp.authentication.SenderAuthentication;
import dev.liaison.smtp.authentication.SpfIdentity;
import dev.liaison.smtp.authentication.SpfResult;
import dev.liaison.smtp.inbound.InboundMessage;
import dev.liaison.smtp.testing.DkimTestKey;
import dev.liaison.smtp.testing.RecordingInboundHandler;
import dev.liaison.smtp.testing.RunningInbound;
import dev.liaison.smtp.testing.SmtpWire;
import dev.liaison.smtp.testing.SmtpWire.Reply;
import dev.liaison.smtp.testing.TestMailboxes;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SPF, DKIM and DMARC on the inbound MX, over real sockets, against the DNS records of
 * {@link RunningInbound#standardZone()} (the client is always 127.0.0.1). Each accepted case checks
 * both the results handed to the handler and the {@code Authentication-Results:} field written
 * into the message; each refused case checks the reply and that the handler was never asked.
 */
class SenderAuthenticationTest {

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
    void spfPassIsRecordedForTheMailFromIdentity() throws Exception {
        SenderAuthentication results = accepted("bob@legacy.example", message("bob@legacy.example"));
        assertEquals(SpfResult.PASS, results.spf().result());
        assertEquals(SpfIdentity.MAILFROM, results.spf().identity());
        assertEquals("legacy.example", results.spf().domain());
        assertEquals(List.of(), results.dkim());
        assertEquals(DmarcResult.PASS, results.dmarc().result());
        assertEquals(DmarcAction.REJECT, results.dmarc().policy());
        assertFalse(results.quarantine());
        assertEquals("Authentication-Results: mx.gw.example;\r\n"
                + "\tspf=pass smtp.mailfrom=bob@legacy.example;\r\n"
                + "\tdkim=none;\r\n"
                + "\tdmarc=pass (p=reject dis=deliver) header.from=legacy.example\r\n", authenticationResults());
    }

    @Test
    void spfFailIsRecorded() throws Exception {
        SenderAuthentication results = accepted("someone@fail.example", message("someone@fail.example"));
        assertEquals(SpfResult.FAIL, results.spf().result());
        assertEquals(DmarcResult.NONE, results.dmarc().result());
        assertTrue(authenticationResults().contains("\tspf=fail smtp.mailfrom=someone@fail.example;\r\n"));
    }

    @Test
    void spfSoftfailIsRecorded() throws Exception {
        SenderAuthentication results = accepted("someone@softfail.example", message("someone@softfail.example"));
        assertEquals(SpfResult.SOFTFAIL, results.spf().result());
        assertTrue(authenticationResults().contains("\tspf=softfail smtp.mailfrom=someone@softfail.example;\r\n"));
    }

    @Test
    void domainWithoutSpfIsNone() throws Exception {
        SenderAuthentication results = accepted("someone@nospf.example", message("someone@nospf.example"));
        assertEquals(SpfResult.NONE, results.spf().result());
        assertEquals(DmarcResult.NONE, results.dmarc().result());
        assertTrue(authenticationResults().contains("\tdmarc=none header.from=nospf.example\r\n"),
                authenticationResults());
    }

    @Test
    void spfWhoseDnsTimesOutIsTemperrorAndDmarcUndecidableIsDeferred() throws Exception {
        Reply reply = mx.send("someone@dnsdown.example", message("someone@dnsdown.example"), TestMailboxes.PUBLISHED);
        assertReply(reply, 451, "4.4.3");
        assertEquals(0, mx.handler.calls());
    }

    @Test
    void nullSenderIsCheckedAgainstTheHeloName() throws Exception {
        try (SmtpWire wire = SmtpWire.plain(mx.server.port())) {
            wire.expect(220);
            wire.command("EHLO mail.legacy.example").expect(250);
            wire.command("MAIL FROM:<>").expect(250);
            wire.command("RCPT TO:<" + TestMailboxes.PUBLISHED + ">").expect(250);
            wire.command("DATA").expect(354);
            wire.send(message("mailer-daemon@legacy.example") + ".\r\n").expect(250);
        }
        SenderAuthentication results = single().authentication();
        assertEquals(SpfResult.PASS, results.spf().result());
        assertEquals(SpfIdentity.HELO, results.spf().identity());
        assertEquals(DmarcResult.PASS, results.dmarc().result(), "mail.legacy.example aligns with legacy.example (relaxed)");
        assertTrue(authenticationResults().contains("\tspf=pass smtp.helo=mail.legacy.example;\r\n"));
    }

    @Test
    void relaxedAlignmentLetsASubdomainEnvelopePassDmarc() throws Exception {
        SenderAuthentication results = accepted("bounces@mail.legacy.example", message("bob@legacy.example"));
        assertEquals(SpfResult.PASS, results.spf().result());
        assertEquals(DmarcResult.PASS, results.dmarc().result());
    }

    @Test
    void dkimSignatureByTheAuthorDomainPasses() throws Exception {
        String signed = DkimTestKey.get().sign(message("carol@strict.example"), "strict.example", "sel");
        SenderAuthentication results = accepted("carol@strict.example", signed);
        assertEquals(SpfResult.NONE, results.spf().result());
        assertEquals(1, results.dkim().size());
        DkimCheck dkim = results.dkim().get(0);
        assertEquals(DkimResult.PASS, dkim.result());
        assertEquals("strict.example", dkim.domain());
        assertEquals("sel", dkim.selector());
        assertEquals(8, dkim.signatureStart().length());
        assertEquals(DmarcResult.PASS, results.dmarc().result());
        assertTrue(authenticationResults().contains("\tdkim=pass header.d=strict.example header.s=sel header.b="),
                authenticationResults());
        assertTrue(RecordingInboundHandler.text(single()).contains("\r\nDKIM-Signature: "), "the signature is kept");
    }

    /**
     * Gmail signs its raw UTF-8 subjects and display names (RFC 6532, relaxed canonicalisation over
     * the octets, RFC 8616 §4): the signature passes over them as sent.
     */
    @Test
    void dkimSignatureOverUtf8HeaderTextPasses() throws Exception {
        String utf8 = "From: Carol Müller <carol@strict.example>\r\nTo: Zoë <alex@gw.example>\r\n"
                + "Subject: Grüße ☕\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\n\r\nHallo Alex\r\n";
        String octets = new String(utf8.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.ISO_8859_1); // SmtpWire sends one octet per char
        SenderAuthentication results = accepted("carol@strict.example",
                DkimTestKey.get().sign(octets, "strict.example", "sel"));
        assertEquals(DkimResult.PASS, results.dkim().get(0).result());
        assertEquals(DmarcResult.PASS, results.dmarc().result());
    }

    @Test
    void dkimSignatureOverATamperedBodyFails() throws Exception {
        String signed = DkimTestKey.get().sign(message("dave@relaxed.example"), "relaxed.example", "sel");
        String tampered = signed.replace("Hello Alex", "Hello Alex, send money");
        SenderAuthentication results = accepted("dave@relaxed.example", tampered);
        assertEquals(1, results.dkim().size());
        assertEquals(DkimResult.FAIL, results.dkim().get(0).result());
        assertEquals(DmarcResult.FAIL, results.dmarc().result());
        assertEquals(DmarcDisposition.DELIVER, results.dmarc().disposition(), "relaxed.example publishes p=none");
        assertTrue(authenticationResults().contains("\tdkim=fail header.d=relaxed.example header.s=sel"));
        assertTrue(authenticationResults().contains("\tdmarc=fail (p=none dis=deliver) header.from=relaxed.example"));
    }

    @Test
    void tamperedDkimFromAPRejectDomainIsRefusedWith550_571() throws Exception {
        String signed = DkimTestKey.get().sign(message("carol@strict.example"), "strict.example", "sel");
        Reply reply = mx.send("carol@strict.example", signed.replace("Hello Alex", "Hello Alex, pay this invoice"),
                TestMailboxes.PUBLISHED);
        assertReply(reply, 550, "5.7.1");
        assertTrue(reply.text().contains("strict.example"), reply.text());
        assertEquals(0, mx.handler.calls());
    }

    @Test
    void signatureByAnotherDomainDoesNotAlign() throws Exception {
        String signed = DkimTestKey.get().sign(message("carol@strict.example"), "relaxed.example", "sel");
        Reply reply = mx.send("carol@strict.example", signed, TestMailboxes.PUBLISHED);
        assertReply(reply, 550, "5.7.1");
        assertEquals(0, mx.handler.calls());
    }

    @Test
    void dmarcRejectRefusesSpoofedAuthorWith550_571() throws Exception {
        Reply reply = mx.send("attacker@fail.example", message("ceo@reject.example"), TestMailboxes.PUBLISHED);
        assertReply(reply, 550, "5.7.1");
        assertTrue(reply.text().contains("reject.example"), reply.text());
        assertEquals(0, mx.handler.calls());
    }

    @Test
    void dmarcRejectAlsoCoversAuthorsSpoofingAPassingEnvelope() throws Exception {
        // SPF passes for spam.example, but the From: claims legacy.example, which publishes p=reject.
        Reply reply = mx.send(TestMailboxes.BLOCKED.replace("mallory", "mallet"), message("bob@legacy.example"),
                TestMailboxes.PUBLISHED);
        assertReply(reply, 550, "5.7.1");
        assertEquals(0, mx.handler.calls());
    }

    @Test
    void dmarcQuarantineIsAcceptedAndFlagged() throws Exception {
        SenderAuthentication results = accepted("someone@quarantine.example", message("someone@quarantine.example"));
        assertEquals(DmarcResult.FAIL, results.dmarc().result());
        assertEquals(DmarcDisposition.QUARANTINE, results.dmarc().disposition());
        assertTrue(results.quarantine());
        assertTrue(authenticationResults().contains("\tdmarc=fail (p=quarantine dis=quarantine) header.from=quarantine.example"));
    }

    @Test
    void subdomainWithoutItsOwnRecordGetsTheParentsSubdomainPolicy() throws Exception {
        SenderAuthentication results = accepted("news@news.reject.example", message("news@news.reject.example"));
        assertEquals(DmarcResult.FAIL, results.dmarc().result());
        assertEquals(DmarcAction.QUARANTINE, results.dmarc().policy());
        assertTrue(results.quarantine());
    }

    @Test
    void rejectAtLessThanFullPercentIsQuarantinedInstead() throws Exception {
        SenderAuthentication results = accepted("someone@sampled.example", message("someone@sampled.example"));
        assertEquals(DmarcAction.REJECT, results.dmarc().policy());
        assertEquals(DmarcDisposition.QUARANTINE, results.dmarc().disposition());
    }

    @Test
    void forgedAuthenticationResultsClaimingThisHostAreRemovedOthersKept() throws Exception {
        String forged = "Authentication-Results: mx.gw.example; spf=pass smtp.mailfrom=ceo@reject.example;\r\n"
                + "\tdmarc=pass header.from=reject.example\r\n"
                + "Authentication-Results: (comment) \"MX.GW.EXAMPLE.\"; dkim=pass\r\n"
                + "Authentication-Results: relay.legacy.example; spf=pass smtp.mailfrom=bob@legacy.example\r\n";
        accepted("bob@legacy.example", forged + message("bob@legacy.example"));
        String text = RecordingInboundHandler.text(single());
        assertEquals(2, count(text, "Authentication-Results:"), text);
        assertTrue(text.contains("Authentication-Results: relay.legacy.example; spf=pass"), text);
        assertFalse(text.contains("ceo@reject.example"), text);
        assertFalse(text.contains("(comment)"), text);
    }

    private static SenderAuthentication accepted(String mailFrom, String message) throws Exception {
        Reply reply = mx.send(mailFrom, message, TestMailboxes.PUBLISHED);
        assertEquals(250, reply.code(), reply.text());
        return single().authentication();
    }

    private static InboundMessage single() {
        List<InboundMessage> committed = mx.handler.committed();
        assertEquals(1, committed.size(), committed.toString());
        return committed.get(0);
    }

    /** The (first) Authentication-Results field of the delivered message, folds and CRLF included. */
    private static String authenticationResults() {
        String text = RecordingInboundHandler.text(single());
        int start = text.indexOf("Authentication-Results: mx.gw.example;");
        assertTrue(start >= 0, text);
        int end = start;
        do {
            end = text.indexOf("\r\n", end) + 2;
        } while (text.charAt(end) == '\t' || text.charAt(end) == ' ');
        return text.substring(start, end);
    }

    private static String message(String from) {
        return "From: <" + from + ">\r\nTo: alex@gw.example\r\nSubject: a test\r\n"
                + "Date: Thu, 26 Nov 2026 10:00:00 +0000\r\n\r\nHello Alex\r\nsee you\r\n";
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            count++;
        }
        return count;
    }
}
