package dev.liaison.imap.server;

import dev.liaison.imap.events.PostgresEventBus;
import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A selected session learns of new messages at its next NOOP, CHECK or IDLE (RFC 3501 §6.1.2,
 * §6.4.1, §7.3.1; RFC 2177), whether they came through {@code MailboxDelivery}, another session's
 * APPEND or another server process — also when the change notification is late or lost. Each test
 * uses users of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NewMessagesTest {

    private static final Pattern EXISTS = Pattern.compile("^\\* (\\d+) EXISTS$");
    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    private String newUser() {
        String user = imap.newUser("watcher");
        return user;
    }

    private void deliver(String user, String subject) {
        DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple(subject, "x"));
    }

    /** The count of the last {@code * n EXISTS} in {@code answer}, if any. */
    static OptionalLong exists(List<String> answer) {
        OptionalLong count = OptionalLong.empty();
        for (String line : answer) {
            Matcher m = EXISTS.matcher(line);
            if (m.matches()) {
                count = OptionalLong.of(Long.parseLong(m.group(1)));
            }
        }
        return count;
    }

    private static RawImap selected(int port, String user) throws Exception {
        RawImap c = RawImap.tls(port);
        c.login(user);
        assertTrue(RawImap.last(c.command("SELECT INBOX")).contains("OK"));
        return c;
    }

    @Test
    void noopReportsAMessageDeliveredThroughMailboxDelivery() throws Exception {
        String user = newUser();
        deliver(user, "before");
        try (RawImap a = selected(imap.imapsPort(), user)) {
            for (int n = 2; n <= 6; n++) {
                deliver(user, "delivered " + n);
                List<String> noop = a.command("NOOP");
                assertEquals(OptionalLong.of(n), exists(noop), "NOOP right after delivery " + n + ": " + noop);
                assertTrue(RawImap.last(noop).contains("OK"));
            }
            List<String> fetch = a.command("FETCH 6 (UID)");
            assertTrue(fetch.get(0).startsWith("* 6 FETCH (UID 6)"), fetch.toString());
        }
    }

    @Test
    void noopReportsAMessageAppendedByAnotherSession() throws Exception {
        String user = newUser();
        try (RawImap a = selected(imap.imapsPort(), user); RawImap b = RawImap.tls(imap.imapsPort())) {
            b.login(user);
            for (int n = 1; n <= 3; n++) {
                String message = MailClient.simple("appended " + n, "x");
                List<String> append = b.command("APPEND INBOX {" + message.length() + "+}\r\n" + message);
                assertTrue(RawImap.last(append).contains("OK"), append.toString());
                assertEquals(OptionalLong.of(n), exists(a.command("NOOP")), "after APPEND " + n);
            }
        }
    }

    @Test
    void checkAndIdleReportMessagesDeliveredMeanwhile() throws Exception {
        String user = newUser();
        try (RawImap a = selected(imap.imapsPort(), user)) {
            deliver(user, "for check");
            assertEquals(OptionalLong.of(1), exists(a.command("CHECK")));
            deliver(user, "for idle");
            String tag = a.nextTag();
            a.send(tag + " IDLE\r\n");
            String first = a.line();
            String second = first.startsWith("+") ? a.line() : first;
            assertEquals("* 2 EXISTS", second, "IDLE starts by reporting what arrived since the last command");
            a.send("DONE\r\n");
            assertTrue(RawImap.last(a.until(tag)).contains("OK"));
        }
    }

    @Test
    void noopReportsADeliveryOfAnotherServerProcess() throws Exception {
        String user = newUser();
        try (TestImap other = TestImap.sharing(imap.database);
             RawImap a = selected(imap.imapsPort(), user); RawImap b = RawImap.tls(other.imapsPort())) {
            other.users.put(user, TestImap.PASSWORD);
            b.login(user);
            String message = MailClient.simple("through the other server", "x");
            List<String> append = b.command("APPEND INBOX {" + message.length() + "+}\r\n" + message);
            assertTrue(RawImap.last(append).contains("OK"), append.toString());
            assertEquals(OptionalLong.of(1), exists(a.command("NOOP")));
        }
    }

    @Test
    void noopReportsADeliveryWhoseNotificationWasLost() throws Exception {
        // a server of its own: the connection killed below must be its listener and nobody else's
        try (TestImap alone = TestImap.start(TestPostgres.EMBEDDED); RawImap a = selected(alone.imapsPort(), "alice")) {
            // the event listener's connection breaks: it reconnects after a second, and what was
            // notified meanwhile is gone
            try (Connection c = alone.database.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                         + " WHERE datname = current_database() AND query = 'LISTEN " + PostgresEventBus.CHANNEL + "'")) {
                assertTrue(rs.next() && rs.getInt(1) == 1, "listening connections: " + rs.getInt(1));
            }
            DeliveryHelper.deliver(alone, "alice", "INBOX", MailClient.simple("while nobody listened", "x"));
            assertEquals(OptionalLong.of(1), exists(a.command("NOOP")));
        }
    }

    /**
     * Deliveries land while the session is busy with commands whose unsolicited-response step
     * takes a while (another session keeps changing a flag, so each step reads flags from the
     * store). James's "new messages" flag is read at the start of that step and cleared at its
     * end, so a delivery landing in between used to go unannounced until the next one. Every
     * NOOP must leave the client knowing at least the messages committed before it was sent.
     */
    @Test
    void everyNoopCountsAllMessagesCommittedBeforeItWhileOtherSessionsAreBusy() throws Exception {
        String user = newUser();
        deliver(user, "first");
        int deliveries = 150;
        AtomicInteger committed = new AtomicInteger(1);
        AtomicBoolean done = new AtomicBoolean();
        try (RawImap a = selected(imap.imapsPort(), user); RawImap flipper = selected(imap.imapsPort(), user)) {
            Thread flags = new Thread(() -> flip(flipper, done));
            Thread delivering = new Thread(() -> {
                for (int n = 2; n <= deliveries + 1; n++) {
                    deliver(user, "busy " + n);
                    committed.set(n);
                    LockSupport.parkNanos(3_000_000);
                }
                done.set(true);
            });
            flags.start();
            delivering.start();
            long told = 1;
            for (int i = 0; !done.get(); i++) {
                int before = committed.get();
                boolean noop = i % 3 == 2;
                told = exists(a.command(noop ? "NOOP" : "FETCH 1 (FLAGS)")).orElse(told);
                if (noop) {
                    assertTrue(told >= before, "after NOOP " + i + " the client knows " + told + " of " + before
                            + " messages committed before it");
                }
            }
            delivering.join();
            flags.join();
            told = exists(a.command("NOOP")).orElse(told);
            assertEquals(deliveries + 1, told);
        }
    }

    /**
     * A client that fetches each new message's Subject as soon as IDLE announces it, as the relay
     * benchmark's watcher does, while messages arrive and another session keeps changing a flag
     * (each change is pushed to the idler after a read of flags from the store). A push still
     * being written when DONE came used to land inside the next FETCH's answer, between its line
     * and its literal: the client read the push as the message's header and lost track of the
     * stream for good. Every line must be well-formed, and every message seen exactly once.
     */
    @Test
    void idlingClientFetchingEachNewMessageReadsAWellFormedStreamWithEveryMessage() throws Exception {
        String user = newUser();
        deliver(user, "busy 1");
        int last = 151;
        AtomicBoolean done = new AtomicBoolean();
        List<Integer> seen = new ArrayList<>();
        try (RawImap a = selected(imap.imapsPort(), user); RawImap flipper = selected(imap.imapsPort(), user)) {
            Thread flags = new Thread(() -> flip(flipper, done));
            Thread delivering = new Thread(() -> {
                for (int n = 2; n <= last; n++) {
                    deliver(user, "busy " + n);
                    LockSupport.parkNanos(2_000_000);
                }
            });
            flags.start();
            delivering.start();
            long exists = 1;
            long fetched = 1;
            try {
                while (fetched < last) {
                    String idle = a.nextTag();
                    a.send(idle + " IDLE\r\n");
                    for (String line = a.line(); !line.startsWith("+ "); line = a.line()) {
                        exists = Math.max(exists, wellFormed(line, seen));
                    }
                    while (exists <= fetched) {
                        exists = Math.max(exists, wellFormed(a.line(), seen));
                    }
                    a.send("DONE\r\n");
                    exists = Math.max(exists, answer(a, idle, seen));
                    long to = exists;
                    String fetch = a.nextTag();
                    a.send(fetch + " FETCH " + (fetched + 1) + ":" + to + " (BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\n");
                    exists = Math.max(exists, answer(a, fetch, seen));
                    fetched = to;
                }
            } finally {
                done.set(true);
                delivering.join();
                flags.join();
            }
        }
        assertEquals(IntStream.rangeClosed(2, last).boxed().toList(), seen);
    }

    private static final Pattern SUBJECT_FETCH = Pattern.compile(
            "\\* (\\d+) FETCH \\(BODY\\[HEADER\\.FIELDS \\(SUBJECT\\)] \\{\\d+}\r\nSubject: busy (\\d+)\r\n\r\n\\)");
    private static final Pattern UNSOLICITED = Pattern.compile("\\* \\d+ FETCH \\(FLAGS \\([^()]*\\)\\)|\\* \\d+ RECENT"
            + "|\\* FLAGS \\(.*\\)|\\* OK .*|\\+ .*|a\\d+ OK .*");

    /** Reads up to the answer tagged {@code tag}, each line checked as it comes; the highest EXISTS count seen. */
    private static long answer(RawImap a, String tag, List<Integer> seen) throws Exception {
        long exists = 0;
        for (String line = a.line(); !line.startsWith(tag + " "); line = a.line()) {
            exists = Math.max(exists, wellFormed(line, seen));
        }
        return exists;
    }

    /** The count an EXISTS line gives (else 0); fails on anything but the answers this exchange may bring. */
    private static long wellFormed(String line, List<Integer> seen) {
        Matcher exists = EXISTS.matcher(line);
        if (exists.matches()) {
            return Long.parseLong(exists.group(1));
        }
        Matcher fetch = SUBJECT_FETCH.matcher(line);
        if (fetch.matches()) {
            assertEquals(fetch.group(1), fetch.group(2), "message number and Subject differ: " + line);
            seen.add(Integer.parseInt(fetch.group(2)));
            return 0;
        }
        assertTrue(UNSOLICITED.matcher(line).matches(), "not a well-formed answer: " + line);
        return 0;
    }

    private static void flip(RawImap c, AtomicBoolean done) {
        try {
            for (int i = 0; !done.get(); i++) {
                c.command("STORE 1 " + (i % 2 == 0 ? "+" : "-") + "FLAGS.SILENT (\\Flagged)");
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
