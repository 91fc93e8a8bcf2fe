package dev.liaison.imap.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Commands pipelined after STARTTLS in one packet (plaintext injection, CVE-2011-0411 class): the
 * client hears why in a {@code * BYE}, the connection is closed, no injected command runs, and the
 * log gets one short WARN line without a stack trace (James wrote two WARN entries with full
 * traces, 66 lines per connection). Real sockets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InjectedCommandsTest {

    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    @Test
    void commandsAfterStartTlsInOnePacketAreAnsweredByeAndLoggedInOneLine() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        try (RawImap c = RawImap.plain(imap.imapPort())) {
            c.send("a STARTTLS\r\nb LOGIN x y\r\n");
            assertEquals("* BYE Commands sent after STARTTLS before its answer are not accepted (RFC 3501 6.2.1);"
                    + " closing", c.line());
            assertNull(c.line(), "and closed");
        } finally {
            root.detachAppender(captured);
        }
        List<ILoggingEvent> warnings = captured.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .toList();
        assertEquals(1, warnings.size(), "one line: " + warnings);
        assertEquals("IMAP connection from 127.0.0.1 closed: commands sent after STARTTLS before its answer",
                warnings.get(0).getFormattedMessage());
        assertNull(warnings.get(0).getThrowableProxy(), "no stack trace");
        try (RawImap c = RawImap.plain(imap.imapPort())) {
            c.startTls();
            assertTrue(RawImap.last(c.login("alice")).contains("OK"), "STARTTLS on its own still works");
        }
    }
}
