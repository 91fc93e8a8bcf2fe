package dev.liaison.smtp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.liaison.smtp.authentication.DmarcResult;
import dev.liaison.smtp.authentication.SpfResult;
import dev.liaison.smtp.inbound.InboundMessage;
import dev.liaison.smtp.inbound.RefusedMessageException;
import dev.liaison.smtp.testing.JakartaMailClient;
import dev.liaison.smtp.testing.RecordingInboundHandler;
import dev.liaison.smtp.testing.RunningInbound;
import dev.liaison.smtp.testing.TestMailboxes;
import jakarta.mail.Message;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real SMTP client library (Angus Mail) delivering to the inbound MX as a sending mail server
 * would: no AUTH, over plain TCP and over STARTTLS verified against the test certificate.
 */
class InboundJakartaMailTest {

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
    void messageDeliveredWithoutTlsReachesTheHandlerOnceWithEnvelopeAndResults() throws Exception {
        JakartaMailClient client = JakartaMailClient.mx(mx.server.port(), false, TestMailboxes.BOB);
        client.deliver(client.newMessage("Bob <bob@legacy.example>", TestMailboxes.PUBLISHED, "Grüße", "Hallo Alex"));

        InboundMessage message = single();
        assertEquals("<" + TestMailboxes.BOB + ">", message.sender().toString());
        assertEquals(List.of(TestMailboxes.PUBLISHED), message.recipients().stream().map(Object::toString).toList());
        assertEquals("127.0.0.1", message.client().getHostAddress());
        assertEquals("mta.legacy.example", message.heloName());
        assertEquals(SpfResult.PASS, message.authentication().spf().result());
        assertEquals(DmarcResult.PASS, message.authentication().dmarc().result());
        MimeMessage received = parse(message);
        assertEquals("Grüße", received.getSubject());
        assertEquals("Hallo Alex", ((String) received.getContent()).strip());
        String[] results = received.getHeader("Authentication-Results");
        assertEquals(1, results.length);
        assertTrue(results[0].startsWith("mx.gw.example;"), results[0]);
        assertTrue(received.getHeader("Received")[0].contains("by mx.gw.example with ESMTP id " + message.id()));
    }

    @Test
    void messageDeliveredOverStartTlsIsMarkedTls() throws Exception {
        JakartaMailClient client = JakartaMailClient.mx(mx.server.port(), true, TestMailboxes.BOB);
        client.deliver(client.newMessage("bob@legacy.example", TestMailboxes.BOB_ALIAS, "over TLS", "body"));
        InboundMessage message = single();
        assertTrue(message.tls());
        assertTrue(parse(message).getHeader("Received")[0].contains("with ESMTPS"));
    }

    @Test
    void unknownRecipientFailsAloneWhileTheOthersAreDelivered() throws Exception {
        JakartaMailClient client = JakartaMailClient.mx(mx.server.port(), false, TestMailboxes.BOB);
        MimeMessage mail = client.newMessage("bob@legacy.example", TestMailboxes.PUBLISHED, "partial", "body");
        mail.addRecipient(Message.RecipientType.CC, new InternetAddress("nobody@gw.example"));
        SendFailedException failed = assertThrows(SendFailedException.class, () -> client.deliver(mail));
        SMTPAddressFailedException refused = assertInstanceOf(SMTPAddressFailedException.class, failed.getNextException());
        assertEquals(550, refused.getReturnCode());
        assertTrue(refused.getMessage().contains("5.1.1"), refused.getMessage());
        assertEquals(List.of(TestMailboxes.PUBLISHED), single().recipients().stream().map(Object::toString).toList());
    }

    @Test
    void relayAttemptIsRefusedAndNothingIsDelivered() throws Exception {
        JakartaMailClient client = JakartaMailClient.mx(mx.server.port(), false, TestMailboxes.BOB);
        MimeMessage mail = client.newMessage("bob@legacy.example", "victim@elsewhere.example", "relay?", "body");
        SendFailedException failed = assertThrows(SendFailedException.class, () -> client.deliver(mail));
        SMTPAddressFailedException refused = assertInstanceOf(SMTPAddressFailedException.class, failed.getNextException());
        assertEquals(550, refused.getReturnCode());
        assertTrue(refused.getMessage().contains("5.7.1"), refused.getMessage());
        assertEquals(0, mx.handler.calls());
    }

    @Test
    void handlerFailureIs451AndTheRetryIsDeliveredExactlyOnce() throws Exception {
        mx.handler.failNext(1, new java.sql.SQLException("database went away"));
        JakartaMailClient client = JakartaMailClient.mx(mx.server.port(), false, TestMailboxes.BOB);
        MimeMessage mail = client.newMessage("bob@legacy.example", TestMailboxes.PUBLISHED, "retried", "once");
        SMTPSendFailedException failed = assertThrows(SMTPSendFailedException.class, () -> client.deliver(mail));
        assertEquals(451, failed.getReturnCode());
        assertTrue(failed.getMessage().contains("4.3.0"), failed.getMessage());
        assertEquals(List.of(), mx.handler.committed());

        client.deliver(mail);
        assertEquals("retried", parse(single()).getSubject());
        assertEquals(2, mx.handler.calls());
    }

    @Test
    void handlerRefusalIsItsOwn5xx() throws Exception {
        mx.handler.failNext(1, new RefusedMessageException(550, "5.7.1", "the recipient blocked this sender"));
        JakartaMailClient client = JakartaMailClient.mx(mx.server.port(), false, TestMailboxes.BOB);
        SMTPSendFailedException failed = assertThrows(SMTPSendFailedException.class,
                () -> client.deliver(client.newMessage("bob@legacy.example", TestMailboxes.PUBLISHED, "no", "no")));
        assertEquals(550, failed.getReturnCode());
        assertTrue(failed.getMessage().contains("5.7.1 the recipient blocked this sender"), failed.getMessage());
        assertEquals(List.of(), mx.handler.committed());
    }

    @Test
    void dmarcRejectIsA550ForTheSendingLibrary() throws Exception {
        JakartaMailClient client = JakartaMailClient.mx(mx.server.port(), true, "attacker@fail.example");
        SMTPSendFailedException failed = assertThrows(SMTPSendFailedException.class,
                () -> client.deliver(client.newMessage("ceo@reject.example", TestMailboxes.PUBLISHED, "wire money", "now")));
        assertEquals(550, failed.getReturnCode());
        assertEquals(0, mx.handler.calls());
    }

    private static InboundMessage single() {
        List<InboundMessage> committed = mx.handler.committed();
        assertEquals(1, committed.size(), committed.toString());
        return committed.get(0);
    }

    private static MimeMessage parse(InboundMessage message) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(message.message().toByteArray()));
    }

    static String text(InboundMessage message) {
        return RecordingInboundHandler.text(message);
    }
}
