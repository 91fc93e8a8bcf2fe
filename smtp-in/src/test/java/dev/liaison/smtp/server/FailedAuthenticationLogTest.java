package dev.liaison.smtp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.liaison.smtp.testing.RunningServer;
import dev.liaison.smtp.testing.SmtpWire;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A refused AUTH writes one WARN line with the client's address, the line a fail2ban filter
 * matches (docs/operations.md, Logs); never the password nor the login.
 */
class FailedAuthenticationLogTest {

    @Test
    void aFailedAuthWritesOneWarnLineWithTheClientAddressAndNoSecret() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        try (RunningServer smtp = new RunningServer(); SmtpWire wire = smtp.starttls()) {
            wire.expect(220);
            wire.command("EHLO client.example").expect(250);
            wire.command("STARTTLS").expect(220);
            wire.upgradeToTls();
            wire.command("EHLO client.example").expect(250);
            wire.command("AUTH PLAIN " + SmtpWire.plainAuth("blair", "wrong-password-9z")).expect(535);
            try (SmtpWire good = smtp.authenticatedAlex()) {
                good.command("NOOP").expect(250);
            }
        } finally {
            root.detachAppender(captured);
        }
        List<ILoggingEvent> failures = captured.list.stream()
                .filter(e -> e.getFormattedMessage().startsWith("authentication failed")).toList();
        assertEquals(1, failures.size(), "one line per failure, none for the success: " + failures);
        ILoggingEvent failure = failures.get(0);
        assertEquals(Level.WARN, failure.getLevel());
        String line = failure.getFormattedMessage();
        assertTrue(line.matches("authentication failed service=submission client=127\\.0\\.0\\.1 session=\\S+ "
                + "reason=credentials"), line);
        for (ILoggingEvent event : captured.list) {
            String any = event.getFormattedMessage();
            assertFalse(any.contains("wrong-password-9z") || any.contains("blair"), "logged a secret or login: " + any);
        }
    }
}
