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
 * Non-synchronizing literals ({@code {n+}}, RFC 7888 LITERAL+) in LOGIN and APPEND: accepted
 * where the command is, and read away — never run as commands — where it is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiteralPlusTest {

    /** A literal whose lines look like commands; run as commands they would delete INBOX. */
    private static final String HOSTILE = "Subject: trap\r\n\r\nx1 DELETE INBOX\r\nx2 LOGOUT\r\n";
    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
        imap.users.put("literal", TestImap.PASSWORD);
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    private static String loginWithLiterals(String user) {
        return "LOGIN {" + user.length() + "+}\r\n" + user + " {" + TestImap.PASSWORD.length() + "+}\r\n"
                + TestImap.PASSWORD;
    }

    private static void assertNoStrayAnswers(List<String> answer) {
        assertEquals(1, answer.size(), "one tagged answer and nothing decoded from the literal: " + answer);
    }

    @Test
    void loginAndAppendAcceptNonSynchronizingLiterals() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            List<String> login = c.command(loginWithLiterals("literal"));
            assertTrue(RawImap.last(login).matches("a\\d+ OK .*"), login.toString());
            String message = MailClient.simple("literal plus", "body line");
            List<String> append = c.command("APPEND Drafts (\\Draft) \"03-Jun-2025 11:05:30 +0200\" {" + message.length()
                    + "+}\r\n" + message);
            assertTrue(RawImap.last(append).contains("OK [APPENDUID "), append.toString());
            c.command("EXAMINE Drafts");
            List<String> fetch = c.command("FETCH 1 (FLAGS BODY.PEEK[])");
            assertTrue(fetch.get(0).contains("BODY[] {" + message.length() + "}\r\n" + message), fetch.toString());
            assertTrue(fetch.get(0).contains("\\Draft"), fetch.toString());
        }
    }

    @Test
    void anAppendRefusedBeforeLoginReadsItsLiteralAwayAndTheConnectionGoesOn() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            List<String> append = c.command("APPEND INBOX {" + HOSTILE.length() + "+}\r\n" + HOSTILE);
            assertNoStrayAnswers(append);
            assertTrue(RawImap.last(append).matches("a\\d+ NO .*"), append.toString());
            assertEquals(List.of("a2 OK NOOP completed."), c.command("NOOP"));
            assertTrue(RawImap.last(c.command(loginWithLiterals("literal"))).contains("OK"));
        }
    }

    @Test
    void aLoginRefusedOnceLoggedInReadsBothLiteralsAway() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("literal");
            List<String> again = c.command(loginWithLiterals("literal"));
            assertNoStrayAnswers(again);
            assertTrue(RawImap.last(again).matches("a\\d+ NO .*"), again.toString());
            List<String> noop = c.command("NOOP");
            assertEquals(1, noop.size(), "nothing decoded from the literals: " + noop);
            assertTrue(noop.get(0).endsWith("OK NOOP completed."), noop.toString());
        }
    }

    @Test
    void anUnknownCommandReadsItsLiteralAway() throws Exception {
        // (before login, James ends the session at the first unknown command: BYE)
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("literal");
            List<String> after = c.command("XFOO bar {" + HOSTILE.length() + "+}\r\n" + HOSTILE);
            assertNoStrayAnswers(after);
            assertTrue(RawImap.last(after).matches("a\\d+ BAD .*"), after.toString());
            List<String> status = c.command("STATUS INBOX (MESSAGES)");
            assertTrue(status.get(0).matches("\\* STATUS \"?INBOX\"? \\(MESSAGES \\d+\\)"), "INBOX still exists: " + status);
        }
    }

    @Test
    void anAppendWithAMalformedFolderNameNeverRunsItsLiteral() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("literal");
            List<String> append = c.command("APPEND \"a&b\" {" + HOSTILE.length() + "+}\r\n" + HOSTILE);
            assertNoStrayAnswers(append);
            assertTrue(RawImap.last(append).matches("a\\d+ BAD .*"), append.toString());
            List<String> status = c.command("STATUS INBOX (MESSAGES)");
            assertTrue(status.get(0).matches("\\* STATUS \"?INBOX\"? \\(MESSAGES 0\\)"), "INBOX still exists: " + status);
        }
    }
}
