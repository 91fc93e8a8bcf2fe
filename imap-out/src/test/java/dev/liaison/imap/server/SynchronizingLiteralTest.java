package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every synchronizing literal ({@code {n}}, RFC 9051 §4.3) gets its continuation request before the
 * client sends it: the second of a command's literals, and one James's parser reads as plain text
 * (a HEADER.FIELDS name). Each test plays a client that waits for {@code +} before every literal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SynchronizingLiteralTest {

    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
        DeliveryHelper.deliver(imap, "bob", "INBOX",
                "Date: Mon, 1 Jan 2024 00:00:00 +0000\r\nSubject: named\r\nX-Tag: t\r\n\r\nbody\r\n");
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    /** Sends {@code parts} as a client that waits for {@code +} after each but the last; the answer. */
    private static List<String> synchronizing(RawImap c, String... parts) throws Exception {
        String tag = c.nextTag();
        c.send(tag + " " + parts[0]);
        for (int i = 1; i < parts.length; i++) {
            String continuation = c.line();
            assertTrue(continuation.startsWith("+ "), "continuation before part " + i + ": " + continuation);
            c.send(parts[i]);
        }
        return c.until(tag);
    }

    @Test
    void aLoginWithTwoSynchronizingLiteralsGetsBothContinuations() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            List<String> login = synchronizing(c, "LOGIN {3}\r\n", "bob {" + TestImap.PASSWORD.length() + "}\r\n",
                    TestImap.PASSWORD + "\r\n");
            assertEquals(1, login.size(), login.toString());
            assertTrue(login.get(0).matches("a\\d+ OK .*"), login.toString());
            assertTrue(RawImap.last(c.command("NOOP")).contains("OK NOOP"));
        }
    }

    @Test
    void aSynchronizingLiteralFieldNameGetsItsContinuation() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("bob");
            c.command("EXAMINE INBOX");
            List<String> fetch = synchronizing(c, "FETCH 1 (BODY.PEEK[HEADER.FIELDS ({4}\r\n", "Date)])\r\n");
            assertEquals("* 1 FETCH (BODY[HEADER.FIELDS (Date)] {40}\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\n)",
                    fetch.get(0));
            assertTrue(RawImap.last(fetch).contains("OK"), fetch.toString());
            List<String> two = synchronizing(c, "UID FETCH 1 (BODY.PEEK[HEADER.FIELDS ({7}\r\n", "Subject {5}\r\n",
                    "X-Tag)])\r\n");
            assertEquals("* 1 FETCH (UID 1 BODY[HEADER.FIELDS (Subject X-Tag)] {28}\r\nSubject: named\r\nX-Tag: t\r\n\r\n)",
                    two.get(0));
            assertTrue(RawImap.last(c.command("NOOP")).contains("OK NOOP"));
        }
    }

    @Test
    void theSameCommandTwiceGetsItsContinuationEachTime() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("bob");
            c.command("EXAMINE INBOX");
            for (int i = 0; i < 2; i++) {
                List<String> fetch = synchronizing(c, "FETCH 1 (BODY.PEEK[HEADER.FIELDS ({5}\r\n", "X-Tag)])\r\n");
                assertEquals("* 1 FETCH (BODY[HEADER.FIELDS (X-Tag)] {12}\r\nX-Tag: t\r\n\r\n)", fetch.get(0));
            }
        }
    }

    @Test
    void aLiteralFieldNameLongerThanALineIsBadWithoutAContinuation() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("bob");
            c.command("EXAMINE INBOX");
            List<String> answer = c.command("FETCH 1 (BODY.PEEK[HEADER.FIELDS ({" + (Limits.LINE_OCTETS + 1) + "}");
            assertEquals(1, answer.size(), "no continuation: " + answer);
            assertTrue(RawImap.last(answer).matches("a\\d+ BAD .*"), answer.toString());
            assertTrue(RawImap.last(c.command("NOOP")).contains("OK NOOP"));
        }
    }

    @Test
    void aLiteralWhoseContentEndsLikeAnAnnouncementGetsNoContinuation() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            String tag = c.nextTag();
            c.send(tag + " LOGIN {8}\r\n");
            assertTrue(c.line().startsWith("+ "));
            c.send("ab {5}\r\n"); // the literal's 8 octets
            Thread.sleep(300); // arrive in a read of their own
            c.send(" \"x\"\r\n");
            List<String> answer = c.until(tag);
            assertEquals(1, answer.size(), "no continuation: " + answer);
            assertTrue(answer.get(0).startsWith(tag + " NO"), answer.toString());
            assertTrue(RawImap.last(c.command("NOOP")).contains("OK NOOP"));
        }
    }

    @Test
    void aZeroPaddedSizeGetsItsContinuation() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            List<String> login = synchronizing(c, "LOGIN {00000000003}\r\n",
                    String.format("bob {%012d}\r\n", TestImap.PASSWORD.length()), TestImap.PASSWORD + "\r\n");
            assertTrue(RawImap.last(login).matches("a\\d+ OK .*"), login.toString());
        }
    }
}
