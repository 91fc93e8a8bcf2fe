package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImapLoginTest {

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
    void cleartextPortAdvertisesStartTlsAndLoginDisabledAndRefusesLogin() throws Exception {
        try (RawImap c = RawImap.plain(imap.imapPort())) {
            String caps = String.join("\n", c.command("CAPABILITY"));
            assertTrue(caps.contains("STARTTLS"), caps);
            assertTrue(caps.contains("LOGINDISABLED"), caps);
            List<String> login = c.login("alice");
            assertFalse(RawImap.last(login).contains("OK"), login.toString());
        }
    }

    @Test
    void loginWorksAfterStartTls() throws Exception {
        try (RawImap c = RawImap.plain(imap.imapPort())) {
            c.startTls();
            String caps = String.join("\n", c.command("CAPABILITY"));
            assertFalse(caps.contains("LOGINDISABLED"), caps);
            assertTrue(RawImap.last(c.login("alice")).contains("OK"));
        }
    }

    @Test
    void implicitTlsAdvertisesTheRequiredCapabilities() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            assertTrue(RawImap.last(c.login("alice")).contains("OK"));
            String caps = String.join("\n", c.command("CAPABILITY")).toUpperCase(java.util.Locale.ROOT);
            for (String cap : List.of("IMAP4rev1", "IDLE", "UIDPLUS", "MOVE", "SPECIAL-USE", "CONDSTORE", "NAMESPACE",
                    "ID", "ENABLE", "UNSELECT", "LITERAL+", "APPENDLIMIT")) {
                assertTrue(caps.contains(" " + cap.toUpperCase(java.util.Locale.ROOT)), cap + " missing from " + caps);
            }
            assertTrue(caps.contains(" ESEARCH"), caps);
            // James's $ is resolved when a command is decoded, not run, and keeps sequence numbers and
            // UIDs as saved (SearchProcessor): a client must not be told to pipeline on it
            assertFalse(caps.contains(" SEARCHRES"), caps);
        }
    }

    @Test
    void firstLoginCreatesDefaultFoldersWithSpecialUse() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("bob");
            String list = String.join("\n", c.command("LIST \"\" \"*\""));
            for (String expected : List.of("INBOX", "\\Sent) \".\" \"Sent\"", "\\Drafts) \".\" \"Drafts\"",
                    "\\Trash) \".\" \"Trash\"", "\\Junk) \".\" \"Junk\"", "\\Archive) \".\" \"Archive\"")) {
                assertTrue(list.contains(expected), expected + " missing from " + list);
            }
            String lsub = String.join("\n", c.command("LSUB \"\" \"*\""));
            assertTrue(lsub.contains("Sent"), lsub);
        }
    }

    @Test
    void wrongPasswordIsRefused() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            List<String> answer = c.command("LOGIN alice wrong");
            assertTrue(RawImap.last(answer).contains("NO"), answer.toString());
        }
    }

    /**
     * A LOGOUT pipelined behind another command waits for it and then runs on a worker thread;
     * its BYE and OK must still arrive before the connection ends (they once raced James's close).
     */
    @Test
    void aPipelinedLogoutIsAnsweredBeforeTheConnectionEnds() throws Exception {
        for (int i = 0; i < 100; i++) {
            try (RawImap c = RawImap.tls(imap.imapsPort())) {
                c.login("alice");
                c.send("p1 SELECT INBOX\r\np2 LOGOUT\r\n");
                List<String> answer = c.until("p2");
                assertTrue(answer.stream().anyMatch(l -> l.startsWith("* BYE")), "run " + i + ": " + answer);
                assertTrue(RawImap.last(answer).startsWith("p2 OK"), "run " + i + ": " + answer);
                String after = c.line();
                assertTrue(after == null, "run " + i + ": the connection should end after LOGOUT, got " + after);
            }
        }
    }
}
