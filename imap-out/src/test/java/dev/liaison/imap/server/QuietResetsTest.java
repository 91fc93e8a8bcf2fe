package dev.liaison.imap.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.Socket;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A client that resets its connection is its own business: no WARN or ERROR an operator would have to read. */
class QuietResetsTest {

    @Test
    void aResetConnectionLeavesNothingAboveDebugInTheLogAndTheServerCarriesOn() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        try (TestImap imap = TestImap.start(TestPostgres.EMBEDDED)) {
            for (int i = 0; i < 3; i++) {
                try (Socket socket = new Socket("127.0.0.1", imap.imapPort())) {
                    while (socket.getInputStream().read() != '\n') {
                        // the whole greeting: the server now waits for a command
                    }
                    socket.setSoLinger(true, 0); // close with RST
                }
            }
            Thread.sleep(200); // the resets reach the server's event loop
            try (RawImap c = RawImap.tls(imap.imapsPort())) {
                c.login("alice");
                assertTrue(RawImap.last(c.command("NOOP")).contains("OK"));
            }
        } finally {
            root.detachAppender(captured);
        }
        List<String> loud = captured.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
        assertTrue(loud.isEmpty(), "a reset is the client's business, not an operator's: " + loud);
    }
}
