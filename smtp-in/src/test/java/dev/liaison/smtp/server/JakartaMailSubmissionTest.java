package dev.liaison.smtp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.liaison.smtp.submission.Submission;
import dev.liaison.smtp.testing.JakartaMailClient;
import dev.liaison.smtp.testing.RunningServer;
import dev.liaison.smtp.testing.TestDirectory;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
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

/** A real mail client library against both listeners, with TLS verified against the test certificate. */
class JakartaMailSubmissionTest {

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
        smtp.directory.setUnavailable(false);
    }

    @Test
    void messageSentOverStartTlsIsCommittedWithTraceAndWithoutBcc() throws Exception {
        JakartaMailClient client = JakartaMailClient.starttls(smtp.server.submissionPort(), "alex", TestDirectory.ALEX_PASSWORD);
        MimeMessage message = client.newMessage("alex@gw.example", TestDirectory.ALEX_ALIAS, "Läufer", "Hallo Blair\nbis bald");
        message.setRecipients(Message.RecipientType.BCC, TestDirectory.ALEX_SECOND_ALIAS);
        client.send(message);

        Submission submission = single();
        assertEquals("alex", submission.user().id());
        assertEquals(List.of(TestDirectory.ALEX_ALIAS, TestDirectory.ALEX_SECOND_ALIAS),
                submission.recipients().stream().map(Object::toString).toList());
        MimeMessage received = parse(submission);
        assertEquals("Läufer", received.getSubject());
        assertEquals("Hallo Blair\r\nbis bald", ((String) received.getContent()).stripTrailing());
        assertEquals(null, received.getHeader("Bcc"));
        String[] trace = received.getHeader("Received");
        assertEquals(1, trace.length);
        assertTrue(trace[0].contains("by submit.gw.example with ESMTPSA id " + submission.id()), trace[0]);
        assertEquals(1, received.getHeader("Message-ID").length);
    }

    @Test
    void messageSentOverImplicitTlsIsCommitted() throws Exception {
        JakartaMailClient client = JakartaMailClient.implicitTls(smtp.server.submissionsPort(), "alex", TestDirectory.ALEX_PASSWORD);
        client.send(client.newMessage("alex@gw.example", TestDirectory.ALEX_SECOND_ALIAS, "over 465", "body"));
        assertEquals("over 465", parse(single()).getSubject());
    }

    @Test
    void severalMessagesOverOneConnectionAreEachCommittedOnce() throws Exception {
        JakartaMailClient client = JakartaMailClient.implicitTls(smtp.server.submissionsPort(), "alex", TestDirectory.ALEX_PASSWORD);
        client.sendAll(List.of(
                client.newMessage("alex@gw.example", TestDirectory.ALEX_ALIAS, "one", "1"),
                client.newMessage("alex@gw.example", TestDirectory.ALEX_ALIAS, "two", "2"),
                client.newMessage("alex@gw.example", TestDirectory.ALEX_ALIAS, "three", "3")));
        List<String> subjects = smtp.handler.committed().stream().map(s -> {
            try {
                return parse(s).getSubject();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
        assertEquals(List.of("one", "two", "three"), subjects);
    }

    @Test
    void wrongPasswordFailsAuthenticationAndSendsNothing() throws Exception {
        JakartaMailClient client = JakartaMailClient.starttls(smtp.server.submissionPort(), "blair", "not-the-password");
        assertThrows(AuthenticationFailedException.class,
                () -> client.send(client.newMessage("blair@gw.example", TestDirectory.BLAIR_ALIAS, "x", "y")));
        assertEquals(0, smtp.handler.committed().size());
    }

    @Test
    void recipientOfAnotherUserIsRefusedWith550() throws Exception {
        JakartaMailClient client = JakartaMailClient.starttls(smtp.server.submissionPort(), "alex", TestDirectory.ALEX_PASSWORD);
        SendFailedException failed = assertThrows(SendFailedException.class,
                () -> client.send(client.newMessage("alex@gw.example", TestDirectory.BLAIR_ALIAS, "x", "y")));
        SMTPAddressFailedException refusal = assertInstanceOf(SMTPAddressFailedException.class, failed.getNextException());
        assertEquals(550, refusal.getReturnCode());
        assertTrue(refusal.getMessage().contains("5.7.1"), refusal.getMessage());
        assertEquals(0, smtp.handler.committed().size());
    }

    @Test
    void handlerFailureIsAnswered451AndNeverAcknowledged() throws Exception {
        smtp.handler.failWith(new java.sql.SQLException("connection refused (simulated)"));
        JakartaMailClient client = JakartaMailClient.starttls(smtp.server.submissionPort(), "alex", TestDirectory.ALEX_PASSWORD);
        SMTPSendFailedException failed = assertThrows(SMTPSendFailedException.class,
                () -> client.send(client.newMessage("alex@gw.example", TestDirectory.ALEX_ALIAS, "x", "y")));
        assertEquals(451, failed.getReturnCode());
        assertTrue(failed.getMessage().contains("4.3.0"), failed.getMessage());
        assertEquals(0, smtp.handler.committed().size());
    }

    @Test
    void handlerRefusalIsAnsweredWithItsPermanentCodeAndNothingIsCommitted() throws Exception {
        smtp.handler.failWith(new dev.liaison.smtp.submission.RefusedSubmissionException(552, "5.3.4",
                "Message too big for this recipient (simulated)"));
        JakartaMailClient client = JakartaMailClient.starttls(smtp.server.submissionPort(), "alex", TestDirectory.ALEX_PASSWORD);
        SMTPSendFailedException failed = assertThrows(SMTPSendFailedException.class,
                () -> client.send(client.newMessage("alex@gw.example", TestDirectory.ALEX_ALIAS, "x", "y")));
        assertEquals(552, failed.getReturnCode());
        assertTrue(failed.getMessage().contains("5.3.4 Message too big"), failed.getMessage());
        assertEquals(0, smtp.handler.committed().size());
    }

    @Test
    void handlerRuntimeFailureIsAlso451AndTheNextMessageSucceeds() throws Exception {
        smtp.handler.failWith(new IllegalStateException("bug (simulated)"));
        JakartaMailClient client = JakartaMailClient.implicitTls(smtp.server.submissionsPort(), "alex", TestDirectory.ALEX_PASSWORD);
        SMTPSendFailedException failed = assertThrows(SMTPSendFailedException.class,
                () -> client.send(client.newMessage("alex@gw.example", TestDirectory.ALEX_ALIAS, "x", "y")));
        assertEquals(451, failed.getReturnCode());
        smtp.handler.clear();
        client.send(client.newMessage("alex@gw.example", TestDirectory.ALEX_ALIAS, "retry", "y"));
        assertEquals("retry", parse(single()).getSubject());
    }

    @Test
    void recipientPolicyFailureIsAnswered451() throws Exception {
        try (var wire = smtp.authenticatedAlex()) {
            smtp.directory.setUnavailable(true);
            wire.command("MAIL FROM:<alex@gw.example>").expect(250);
            BadInputTest.assertReply(wire.command("RCPT TO:<" + TestDirectory.ALEX_ALIAS + ">"), 451, "4.3.0");
            BadInputTest.assertReply(wire.command("DATA"), 503, "5.5.0");
        }
        assertEquals(0, smtp.handler.committed().size());
    }

    @Test
    void authenticatorFailureIsAnswered454() throws Exception {
        smtp.directory.setUnavailable(true);
        try (var wire = smtp.implicitTls()) {
            wire.expect(220);
            wire.command("EHLO client.example").expect(250);
            BadInputTest.assertReply(wire.command("AUTH PLAIN " + dev.liaison.smtp.testing.SmtpWire.plainAuth("alex",
                    TestDirectory.ALEX_PASSWORD)), 454, "4.7.0");
        }
    }

    private static Submission single() {
        List<Submission> committed = smtp.handler.committed();
        assertEquals(1, committed.size(), committed.toString());
        return committed.get(0);
    }

    private static MimeMessage parse(Submission submission) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(submission.message().toByteArray()));
    }
}
