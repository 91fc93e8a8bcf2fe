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

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The RFC 5530 response codes mail clients act on, as Dovecot sends them: a wrong password is
 * {@code [AUTHENTICATIONFAILED]} (ask the user again), a folder that is not there
 * {@code [NONEXISTENT]}, a name that is taken {@code [ALREADYEXISTS]}, a message over the limit
 * {@code [TOOBIG]}, a password before STARTTLS {@code [PRIVACYREQUIRED]}, a right password asking to
 * act as another user {@code [AUTHORIZATIONFAILED]}. None of these refusals is a server error in the log.
 * No code of an extension the server does not announce (MAILBOXID without OBJECTID).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResponseCodeTest {

    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    /** RFC 8474: MAILBOXID comes with OBJECTID, which this server does not announce (James sent it anyway). */
    @Test
    void selectAndExamineSendNoMailboxIdWhileObjectIdIsNotAnnounced() throws Exception {
        String user = imap.newUser("codes");
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(user);
            List<String> capability = c.command("CAPABILITY");
            assertTrue(capability.get(0).startsWith("* CAPABILITY ") && !capability.get(0).contains("OBJECTID"),
                    capability.toString());
            for (String command : List.of("SELECT INBOX", "EXAMINE INBOX", "SELECT Sent")) {
                List<String> answer = c.command(command);
                assertTrue(RawImap.last(answer).contains(" OK "), answer.toString());
                assertTrue(answer.stream().noneMatch(l -> l.contains("MAILBOXID")), command + ": " + answer);
            }
            // nor are the extension's items answered: they gave out the folder row key all the same
            c.command("APPEND INBOX {" + "Subject: s\r\n\r\nbody\r\n".length() + "+}\r\nSubject: s\r\n\r\nbody\r\n");
            c.command("SELECT INBOX");
            for (String command : List.of("STATUS INBOX (MESSAGES MAILBOXID)", "FETCH 1 (EMAILID)",
                    "UID FETCH 1:* (FLAGS THREADID)")) {
                List<String> answer = c.command(command);
                assertTrue(RawImap.last(answer).contains(" BAD ") && RawImap.last(answer).contains("OBJECTID"),
                        command + ": " + answer);
                assertEquals(1, answer.size(), command + " answers nothing else: " + answer);
            }
            assertTrue(RawImap.last(c.command("STATUS INBOX (MESSAGES)")).contains(" OK "));
        }
    }

    @Test
    void aWrongPasswordOrUnknownUserIsAuthenticationFailed() throws Exception {
        String user = imap.newUser("codes");
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            assertEquals(List.of("a1 NO [AUTHENTICATIONFAILED] LOGIN failed. Invalid login/password."),
                    c.command("LOGIN " + user + " wrong-password"));
            String plain = Base64.getEncoder().encodeToString(("\0nobody-here\0" + TestImap.PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
            assertEquals(List.of("a2 NO [AUTHENTICATIONFAILED] AUTHENTICATE failed. Authentication failed."),
                    c.command("AUTHENTICATE PLAIN " + plain));
            assertTrue(RawImap.last(c.login(user)).startsWith("a3 OK"), "the same connection logs in");
        }
    }

    @Test
    void aPasswordBeforeStartTlsIsPrivacyRequired() throws Exception {
        String user = imap.newUser("codes");
        try (RawImap c = RawImap.plain(imap.imapPort())) {
            assertEquals(List.of("a1 NO [PRIVACYREQUIRED] LOGIN failed. Plain login / authentication are disabled."),
                    c.login(user));
            String plain = Base64.getEncoder().encodeToString(("\0" + user + "\0" + TestImap.PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
            assertEquals(List.of("a2 NO [PRIVACYREQUIRED] AUTHENTICATE failed. Plain login / authentication are disabled."),
                    c.command("AUTHENTICATE PLAIN " + plain));
            c.startTls();
            assertTrue(RawImap.last(c.login(user)).matches("a\\d+ OK .*"), "after STARTTLS the same login is taken");
        }
    }

    @Test
    void authenticatingAsOneselfToActAsAnotherIsAuthorizationFailed() throws Exception {
        String user = imap.newUser("codes");
        String other = imap.newUser("codes");
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            String asOther = Base64.getEncoder().encodeToString((other + "\0" + user + "\0" + TestImap.PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
            assertEquals(List.of("a1 NO [AUTHORIZATIONFAILED] AUTHENTICATE Delegation is forbidden."),
                    c.command("AUTHENTICATE PLAIN " + asOther));
            String wrongPassword = Base64.getEncoder().encodeToString((other + "\0" + user + "\0wrong")
                    .getBytes(StandardCharsets.UTF_8));
            assertEquals(List.of("a2 NO [AUTHENTICATIONFAILED] AUTHENTICATE failed. Authentication failed."),
                    c.command("AUTHENTICATE PLAIN " + wrongPassword), "the password is checked first");
            assertTrue(RawImap.last(c.command("SELECT INBOX")).matches("a3 NO .*"), "not logged in as either");
        }
    }

    @Test
    void aFolderThatDoesNotExistIsNonexistentForEveryCommandThatNamesIt() throws Exception {
        List<ILoggingEvent> errors = errorsDuring(() -> {
            try (RawImap c = loggedIn()) {
                for (String command : List.of("SELECT Nowhere", "EXAMINE Nowhere", "STATUS Nowhere (MESSAGES)",
                        "DELETE Nowhere", "RENAME Nowhere Somewhere", "SELECT \"Sent.Nowhere\"")) {
                    String answer = RawImap.last(c.command(command));
                    assertTrue(answer.matches("a\\d+ NO \\[NONEXISTENT] .*"), command + ": " + answer);
                }
                assertTrue(RawImap.last(c.command("SELECT INBOX")).contains("OK"), "SELECT of a folder that exists");
            }
        });
        assertEquals(List.of(), errors, "a client's question is no server error");
    }

    @Test
    void aNameThatIsTakenIsAlreadyExists() throws Exception {
        List<ILoggingEvent> errors = errorsDuring(() -> {
            try (RawImap c = loggedIn()) {
                assertTrue(RawImap.last(c.command("CREATE Projects")).contains("OK"));
                for (String command : List.of("CREATE Projects", "CREATE Sent", "CREATE INBOX", "RENAME Projects Sent",
                        "RENAME Drafts Projects")) {
                    String answer = RawImap.last(c.command(command));
                    assertTrue(answer.matches("a\\d+ NO \\[ALREADYEXISTS] .*"), command + ": " + answer);
                }
                assertTrue(RawImap.last(c.command("STATUS Drafts (MESSAGES)")).contains("OK"), "Drafts is still there");
            }
        });
        assertEquals(List.of(), errors);
    }

    @Test
    void aRefusalThatCarriesJamesCodeIsNotGivenASecond() throws Exception {
        String user = imap.newUser("codes");
        DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("copied", "x"));
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            assertTrue(RawImap.last(c.login(user)).contains("OK"));
            assertEquals(List.of("a2 NO [TRYCREATE] APPEND failed. No such mailbox."),
                    c.command("APPEND Nowhere {5+}\r\nhello"));
            assertTrue(RawImap.last(c.command("SELECT INBOX")).contains("OK"));
            assertEquals(List.of("a4 NO [TRYCREATE] COPY failed. No such mailbox."), c.command("COPY 1 Nowhere"));
            assertEquals(List.of("a5 NO [TRYCREATE] MOVE failed. No such mailbox."), c.command("MOVE 1 Nowhere"));
        }
    }

    @Test
    void anotherUsersFolderNameGetsNoCodeWhetherItExistsOrNot() throws Exception {
        DeliveryHelper.deliver(imap, "bob", "INBOX", MailClient.simple("bob's", "x")); // bob's INBOX exists
        try (RawImap c = loggedIn()) {
            for (String command : List.of("SELECT", "EXAMINE", "DELETE", "SUBSCRIBE")) {
                for (String name : List.of("\"#user.bob.INBOX\"", "\"#user.bob.Nowhere\"")) {
                    String answer = RawImap.last(c.command(command + " " + name));
                    assertTrue(answer.matches("a\\d+ NO " + command + " failed\\. No such mailbox\\."), command + " " + name
                            + ": " + answer);
                }
            }
        }
    }

    @Test
    void aMessageOverTheLimitIsTooBig() throws Exception {
        try (RawImap c = loggedIn()) {
            List<String> answer = c.command("APPEND INBOX {" + (Limits.MESSAGE_OCTETS + 1) + "}");
            assertEquals(1, answer.size(), "no continuation may be offered: " + answer);
            assertTrue(answer.get(0).matches("a\\d+ NO \\[TOOBIG] .*exceeds the limit.*"), answer.toString());
            assertTrue(RawImap.last(c.command("NOOP")).contains("OK"), "the connection goes on");
        }
        try (RawImap c = loggedIn()) {
            c.send("big APPEND INBOX {" + (Limits.MESSAGE_OCTETS + 1) + "+}\r\n");
            String answer = RawImap.last(c.until("big"));
            assertTrue(answer.matches("big BAD \\[TOOBIG] .*exceeds the limit.*"), answer);
            assertEquals(null, c.line(), "a literal on its way is not read: the connection ends");
        }
    }

    private RawImap loggedIn() throws java.io.IOException {
        RawImap c = RawImap.tls(imap.imapsPort());
        assertTrue(RawImap.last(c.login(imap.newUser("codes"))).contains("OK"));
        return c;
    }

    @FunctionalInterface
    interface Session {
        void run() throws Exception;
    }

    /** The ERROR lines any logger wrote while {@code session} ran. */
    static List<ILoggingEvent> errorsDuring(Session session) throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        try {
            session.run();
        } finally {
            root.detachAppender(captured);
        }
        return captured.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
    }
}
