package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A response names a message by sequence number only once the client knows it exists (RFC 9051
 * §7.4.1, RFC 3501 §5.2): a FETCH, STORE or SEARCH that reaches a message another session
 * appended, before any NOOP, is answered after the {@code * n EXISTS} that announces it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnannouncedMessagesTest {
    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    /** A user with nine messages in folder A2, selected by the first session. */
    private String userWithNineMessages() {
        String user = imap.newUser("seq");
        for (int i = 1; i <= 9; i++) {
            DeliveryHelper.deliver(imap, user, "A2", MailClient.simple("m" + i, "x"));
        }
        return user;
    }

    private static void append(RawImap other, String subject) throws Exception {
        String message = MailClient.simple(subject, "x");
        String tag = other.nextTag();
        other.send(tag + " APPEND A2 {" + message.length() + "+}\r\n" + message + "\r\n");
        assertTrue(RawImap.last(other.until(tag)).contains("OK"));
    }

    /** Whether {@code answer} announces message {@code n} before the first line that starts with {@code prefix}. */
    private static void assertAnnouncedBefore(List<String> answer, int n, String prefix) {
        int exists = answer.indexOf("* " + n + " EXISTS");
        int use = -1;
        for (int i = 0; i < answer.size() && use < 0; i++) {
            use = answer.get(i).startsWith(prefix) ? i : -1;
        }
        assertTrue(use >= 0, "no " + prefix + ": " + answer);
        assertTrue(exists >= 0 && exists < use, "EXISTS must come first: " + answer);
    }

    @Test
    void fetchStoreAndSearchAnnounceAMessageBeforeNamingIt() throws Exception {
        String user = userWithNineMessages();
        try (RawImap a = RawImap.tls(imap.imapsPort()); RawImap b = RawImap.tls(imap.imapsPort())) {
            a.login(user);
            b.login(user);
            assertTrue(a.command("SELECT A2").contains("* 9 EXISTS"));
            append(b, "tenth");
            assertAnnouncedBefore(a.command("FETCH 10 (UID)"), 10, "* 10 FETCH");
            append(b, "eleventh");
            assertAnnouncedBefore(a.command("STORE 11 +FLAGS (\\Flagged)"), 11, "* 11 FETCH");
            append(b, "twelfth");
            assertAnnouncedBefore(a.command("UID FETCH 12 (FLAGS)"), 12, "* 12 FETCH");
            append(b, "thirteenth");
            assertAnnouncedBefore(a.command("SEARCH ALL"), 13, "* SEARCH");
        }
    }
}
