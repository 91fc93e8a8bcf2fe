package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** APPEND's date-time (RFC 3501 §9, RFC 9051 §9): date-day-fixed is (SP DIGIT) / 2DIGIT. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AppendDateTest {

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
    void aSpacePaddedDayIsAcceptedAndKeptAsTheInternalDate() throws Exception {
        String message = "Subject: dated\r\n\r\nbody\r\n";
        try (RawImap c = RawImap.plain(imap.imapPort())) {
            c.startTls();
            c.login("alice");
            for (String date : List.of(" 7-Feb-1994 21:52:25 -0800", "07-Feb-1994 21:52:25 -0800")) {
                String tag = c.nextTag();
                c.send(tag + " APPEND Drafts (\\Seen) \"" + date + "\" {" + message.length() + "}\r\n");
                String go = c.line();
                assertTrue(go.startsWith("+"), date + ": " + go);
                c.send(message + "\r\n");
                List<String> answer = c.until(tag);
                assertTrue(RawImap.last(answer).startsWith(tag + " OK"), date + ": " + answer);
            }
            c.command("SELECT Drafts");
            List<String> dates = c.command("FETCH 1:* (INTERNALDATE)");
            assertEquals("* 1 FETCH (INTERNALDATE \"08-Feb-1994 05:52:25 +0000\")", dates.get(0));
            assertEquals("* 2 FETCH (INTERNALDATE \"08-Feb-1994 05:52:25 +0000\")", dates.get(1));
        }
    }
}
