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
 * A UID set selects only the messages whose UIDs are in it (RFC 9051 §6.4.9), also when it lies
 * below the folder's first UID. Each test uses a user of its own whose folder T holds UIDs 3, 4, 5.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UidSetTest {

    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    private RawImap selectedWithUidsThreeToFive() throws Exception {
        RawImap c = imap.selectedAfterExpunging("uids", "T", 5, "1:2");
        assertEquals(List.of("* 1 FETCH (UID 3)", "* 2 FETCH (UID 4)", "* 3 FETCH (UID 5)"), fetched(c, "1:*"));
        return c;
    }

    private static List<String> fetched(RawImap c, String set) throws Exception {
        List<String> answer = c.command("UID FETCH " + set + (set.contains("(") ? "" : " (UID)"));
        assertTrue(RawImap.last(answer).contains("OK"), set + ": " + answer);
        return answer.subList(0, answer.size() - 1);
    }

    @Test
    void uidFetchOfASetBelowTheFirstUidFindsNothing() throws Exception {
        try (RawImap c = selectedWithUidsThreeToFive()) {
            for (String set : List.of("1", "1:2", "2:1", "1,2", "2")) {
                assertEquals(List.of(), fetched(c, set), set);
            }
            assertEquals(List.of("* 2 FETCH (UID 4)"), fetched(c, "1:2,4"));
            assertEquals(List.of("* 1 FETCH (UID 3)"), fetched(c, "1:3"));
            assertEquals(List.of("* 3 FETCH (UID 5)"), fetched(c, "5:9"));
            assertEquals(List.of(), fetched(c, "6:9"));
            assertEquals(List.of("* 3 FETCH (UID 5)"), fetched(c, "9:*"), "* is the highest UID");
        }
    }

    @Test
    void uidStoreCopyMoveAndExpungeOfASetBelowTheFirstUidTouchNothing() throws Exception {
        try (RawImap c = selectedWithUidsThreeToFive()) {
            c.command("STORE 1:3 +FLAGS.SILENT (\\Deleted)");
            List<String> store = c.command("UID STORE 1:2 +FLAGS (\\Flagged)");
            assertEquals(1, store.size(), store.toString());
            assertTrue(RawImap.last(c.command("UID COPY 1:2 Archive")).contains("OK"));
            assertTrue(RawImap.last(c.command("UID MOVE 1:2 Archive")).contains("OK"));
            List<String> expunge = c.command("UID EXPUNGE 1:2");
            assertEquals(1, expunge.size(), expunge.toString());
            assertEquals("* STATUS \"Archive\" (MESSAGES 0)", c.command("STATUS Archive (MESSAGES)").get(0));
            assertEquals(List.of("* 1 FETCH (FLAGS (\\Deleted \\Recent) UID 3)",
                    "* 2 FETCH (FLAGS (\\Deleted \\Recent) UID 4)", "* 3 FETCH (FLAGS (\\Deleted \\Recent) UID 5)"),
                    fetched(c, "1:* (FLAGS)"), "flags unchanged, nothing moved or expunged");
        }
    }

    @Test
    void uidFetchWithVanishedReportsExpungedUidsBelowTheFirst() throws Exception {
        try (RawImap c = selectedWithUidsThreeToFive()) {
            c.command("ENABLE QRESYNC");
            List<String> answer = c.command("UID FETCH 1:2,9 (FLAGS) (CHANGEDSINCE 1 VANISHED)");
            assertEquals(List.of("* VANISHED (EARLIER) 1:2"), answer.subList(0, answer.size() - 1), answer.toString());
            assertTrue(RawImap.last(answer).contains("OK"), answer.toString());
        }
    }

    @Test
    void uidFetchInAnEmptyFolderFindsNothing() throws Exception {
        try (RawImap c = selectedWithUidsThreeToFive()) {
            c.command("STORE 1:* +FLAGS.SILENT (\\Deleted)");
            c.command("EXPUNGE");
            assertEquals(List.of(), fetched(c, "1:2"));
            assertEquals(List.of(), fetched(c, "1:*"));
        }
    }

    @Test
    void uidStoreCopyMoveAndExpungeInAnEmptyFolderTouchNothingAndAnswerOk() throws Exception {
        try (RawImap c = selectedWithUidsThreeToFive()) {
            c.command("STORE 1:* +FLAGS.SILENT (\\Deleted)");
            c.command("EXPUNGE");
            for (String command : List.of("UID STORE 1:* +FLAGS (\\Seen)", "UID STORE 5 +FLAGS (\\Seen)",
                    "UID COPY 1:* Archive", "UID MOVE 1:* Archive", "UID EXPUNGE 1:*", "UID EXPUNGE 4:9")) {
                List<String> answer = c.command(command);
                assertEquals(1, answer.size(), command + ": " + answer);
                assertTrue(RawImap.last(answer).contains("OK"), command + ": " + answer);
            }
            assertTrue(RawImap.last(c.command("UID COPY 1:* NoSuchFolder")).contains("NO [TRYCREATE]"));
            assertEquals("* STATUS \"Archive\" (MESSAGES 0)", c.command("STATUS Archive (MESSAGES)").get(0));
            for (String command : List.of("STORE 1:* +FLAGS (\\Seen)", "COPY 1 Archive", "FETCH * (UID)")) {
                assertTrue(RawImap.last(c.command(command)).contains("BAD"), command + ": RFC 9051 §9 asks for BAD");
            }
        }
    }

    @Test
    void uidStoreCopyAndMoveOfUidsAboveTheLastTouchNothingAndAnswerOk() throws Exception {
        try (RawImap c = selectedWithUidsThreeToFive()) {
            for (String command : List.of("UID STORE 6 +FLAGS (\\Flagged)", "UID STORE 7:9 +FLAGS (\\Flagged)",
                    "UID COPY 6:9 Archive", "UID MOVE 6 Archive", "UID EXPUNGE 6:9")) {
                List<String> answer = c.command(command);
                assertEquals(1, answer.size(), command + ": " + answer);
                assertTrue(RawImap.last(answer).contains("OK"), command + ": " + answer);
            }
            assertEquals("* STATUS \"Archive\" (MESSAGES 0)", c.command("STATUS Archive (MESSAGES)").get(0));
            assertEquals(List.of("* 1 FETCH (FLAGS (\\Recent) UID 3)", "* 2 FETCH (FLAGS (\\Recent) UID 4)",
                    "* 3 FETCH (FLAGS (\\Recent) UID 5)"), fetched(c, "1:* (FLAGS)"), "nothing changed");
        }
    }
}
