package dev.liaison.smtp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.liaison.smtp.testing.RunningServer;
import dev.liaison.smtp.testing.SmtpWire;
import dev.liaison.smtp.testing.TestDirectory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** STYLE §8: with every logger at TRACE, a session's password, login and body never reach the log. */
class SecretsAreNotLoggedTest {

    @Test
    void passwordsLoginsAndBodiesStayOutOfTheLogEvenAtTrace() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger liaison = (Logger) LoggerFactory.getLogger("dev.liaison");
        Logger james = (Logger) LoggerFactory.getLogger("org.apache.james");
        Level rootLevel = root.getLevel();
        Level jamesLevel = james.getLevel();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        root.setLevel(Level.TRACE);
        liaison.setLevel(Level.TRACE);
        james.setLevel(Level.TRACE);
        String body = "the-secret-body-text-7f3a";
        try (RunningServer smtp = new RunningServer()) {
            // 535 makes authenticated() fail; the attempt is what we want in the log.
            assertThrows(AssertionError.class, () -> smtp.authenticated("blair", "wrong-password-9z").close());
            try (SmtpWire wire = smtp.authenticatedAlex()) {
                wire.command("MAIL FROM:<alex@gw.example>").expect(250);
                wire.command("RCPT TO:<" + TestDirectory.ALEX_ALIAS + ">").expect(250);
                wire.command("DATA").expect(354);
                wire.send("Subject: " + body + "\r\n\r\n" + body + "\r\n.\r\n").expect(250);
            }
            assertEquals(1, smtp.handler.committed().size());
        } finally {
            root.detachAppender(captured);
            root.setLevel(rootLevel);
            liaison.setLevel(null);
            james.setLevel(jamesLevel);
        }
        for (ILoggingEvent event : captured.list) {
            String line = event.getFormattedMessage() + " " + event.getMDCPropertyMap()
                    + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage());
            for (String secret : new String[] {TestDirectory.ALEX_PASSWORD, "wrong-password-9z", body,
                SmtpWire.plainAuth("alex", TestDirectory.ALEX_PASSWORD), SmtpWire.plainAuth("blair", "wrong-password-9z")}) {
                assertFalse(line.contains(secret), "logged a secret: " + line);
            }
        }
        assertFalse(captured.list.isEmpty(), "the capture must have seen the session's log lines");
    }

    @Test
    void aClientResettingItsConnectionLeavesNoErrorInTheLog() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        try (RunningServer smtp = new RunningServer()) {
            for (int i = 0; i < 3; i++) {
                try (java.net.Socket socket = new java.net.Socket("127.0.0.1", smtp.port())) {
                    while (socket.getInputStream().read() != '\n') {
                        // the whole greeting: the server now waits for a command
                    }
                    socket.setSoLinger(true, 0); // close with RST
                }
            }
            try (SmtpWire wire = smtp.authenticatedAlex()) {
                wire.command("NOOP").expect(250); // the server carries on
            }
        } finally {
            root.detachAppender(captured);
        }
        List<String> errors = captured.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertTrue(errors.isEmpty(), "a reset is the client's business, not an operator's: " + errors);
    }
}
