package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the IMAP service reports to {@link ImapEvents}, driven over real sockets: a connection
 * opened and closed, and every answered command by its name, bad ones included.
 */
class ImapEventsTest {

    private final List<String> events = new CopyOnWriteArrayList<>();

    @Test
    void connectionsAndAnsweredCommandsAreReportedByName() throws Exception {
        try (TestImap imap = TestImap.observed(TestPostgres.EMBEDDED, new Recorder())) {
            try (RawImap client = RawImap.tls(imap.imapsPort())) {
                assertTrue(RawImap.last(client.login("alice")).contains("OK"));
                assertTrue(RawImap.last(client.command("SELECT INBOX")).contains("OK"));
                assertTrue(RawImap.last(client.command("NOOP")).contains("OK"));
                assertTrue(RawImap.last(client.command("LOGOUT")).contains("OK"));
            }
            await(() -> events.contains("closed"));
        }
        assertEquals(List.of("opened", "LOGIN", "SELECT", "NOOP", "LOGOUT", "closed"), events);
    }

    @Test
    void refusedCommandsAreCountedAndNamesNeverComeFromTheClient() throws Exception {
        try (TestImap imap = TestImap.observed(TestPostgres.EMBEDDED, new Recorder())) {
            try (RawImap client = RawImap.tls(imap.imapsPort())) {
                assertTrue(RawImap.last(client.command("LOGIN alice \"wrong\"")).contains("NO"));
                client.command("XSECRETCOMMAND hello");
            }
            await(() -> events.contains("closed"));
        }
        assertTrue(events.contains("LOGIN"), events.toString());
        assertFalse(events.stream().anyMatch(e -> e.contains("XSECRET") || e.contains("hello")), events.toString());
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private final class Recorder implements ImapEvents {
        @Override
        public void connectionOpened() {
            events.add("opened");
        }

        @Override
        public void connectionClosed() {
            events.add("closed");
        }

        @Override
        public void commandAnswered(String command, long nanos) {
            events.add(command);
        }
    }
}
