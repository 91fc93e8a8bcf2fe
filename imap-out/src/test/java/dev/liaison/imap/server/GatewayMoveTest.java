package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code MailboxDelivery.move}, what the gateway calls when an accepted request's other messages
 * leave Requests: a MOVE in all but the command. Sessions on this and another server process see
 * the messages leave and arrive once the caller commits; they keep their flags and get new UIDs
 * and MODSEQs; a \Deleted message and one the user copied to the target stay.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayMoveTest {

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
    void sessionsOnEveryProcessSeeTheMovedMessagesLeaveAndArriveWithTheirFlags() throws Exception {
        String user = imap.newUser("screened");
        for (String subject : List.of("from pat 1", "from pat 2", "from quinn", "from pat 3")) {
            DeliveryHelper.deliver(imap, user, "Requests", MailClient.simple(subject, "x"));
        }
        try (TestImap other = TestImap.sharing(imap.database);
             RawImap requests = RawImap.tls(imap.imapsPort()); RawImap inbox = RawImap.tls(other.imapsPort());
             RawImap status = RawImap.tls(imap.imapsPort())) {
            other.users.put(user, TestImap.PASSWORD);
            requests.login(user);
            inbox.login(user);
            status.login(user);
            ok(requests.command("SELECT Requests"));
            ok(requests.command("UID STORE 2 +FLAGS (\\Flagged \\Seen)"));
            ok(requests.command("UID STORE 4 +FLAGS (\\Deleted)")); // deleted, not expunged yet
            ok(requests.command("UID COPY 1 INBOX")); // the user's own copy
            ok(inbox.command("SELECT INBOX (CONDSTORE)"));
            long requestsModSeq = number(status.command("STATUS Requests (HIGHESTMODSEQ)"), "HIGHESTMODSEQ");
            long inboxModSeq = number(status.command("STATUS INBOX (HIGHESTMODSEQ)"), "HIGHESTMODSEQ");

            Predicate<byte[]> fromPat = header -> new String(header, StandardCharsets.UTF_8).contains("Subject: from pat");
            int moved = imap.database.inTransaction(c -> ImapService.delivery().move(c, user, "Requests", "INBOX", "",
                    fromPat));

            assertEquals(1, moved, "pat 2 only: pat 1 has a copy there, pat 3 is \\Deleted, quinn is another");
            idleUntil(requests, "* 2 EXPUNGE");
            idleUntil(inbox, "* 2 EXISTS");
            List<String> fetched = inbox.command("FETCH 2 (UID FLAGS MODSEQ BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
            ok(fetched);
            String line = fetched.get(0);
            assertTrue(line.contains("UID 2 ") && line.contains("\\Flagged") && line.contains("\\Seen")
                    && line.contains("from pat 2"), "moved with its flags, a new UID: " + fetched);
            assertTrue(number(fetched, "MODSEQ") > inboxModSeq, "a new MODSEQ: " + fetched);
            assertTrue(number(status.command("STATUS Requests (HIGHESTMODSEQ)"), "HIGHESTMODSEQ") > requestsModSeq);
            List<String> left = requests.command("UID SEARCH ALL");
            ok(left);
            assertTrue(left.contains("* SEARCH 1 3 4"), "pat 1, quinn and pat 3 stay: " + left);
        }
    }

    @Test
    void aFolderThatDoesNotExistMovesNothingAndAMissingTargetIsCreated() throws Exception {
        String user = imap.newUser("screened");
        assertEquals(0, (int) imap.database.inTransaction(c -> ImapService.delivery().move(c, user, "Requests", "INBOX",
                "", header -> true)));
        DeliveryHelper.deliver(imap, user, "Requests", MailClient.simple("a request", "x"));
        assertEquals(1, (int) imap.database.inTransaction(c -> ImapService.delivery().move(c, user, "Requests",
                "Screened", "", header -> true)));
        try (RawImap session = RawImap.tls(imap.imapsPort())) {
            session.login(user);
            List<String> answer = session.command("STATUS Screened (MESSAGES)");
            ok(answer);
            assertTrue(answer.get(0).contains("MESSAGES 1"), answer.toString());
        }
    }

    /**
     * Only the header sections that mention the given address, in any case, are read for the
     * caller's exact check: an accepted request's few messages among thousands of others in
     * Requests, where every header was read and parsed while both folder rows were held.
     */
    @Test
    void onlyHeadersMentioningTheAddressAreReadForTheCallersCheck() throws Exception {
        String user = imap.newUser("screened");
        List<String> froms = List.of("quinn <q@example.net>", "Pat <pat.k7@alex.example>", "rae <r@example.net>",
                "\"Pat\" <PAT.K7@Alex.Example>", "sam <s@example.net>");
        for (int i = 0; i < froms.size(); i++) {
            DeliveryHelper.deliver(imap, user, "Requests", MailClient.simple("request " + i, "x")
                    .replace("From: Carol <carol@example.net>", "From: " + froms.get(i)));
        }
        List<String> read = new ArrayList<>();
        Predicate<byte[]> fromPat = header -> {
            String text = new String(header, StandardCharsets.UTF_8);
            read.add(text.substring(text.indexOf("From: "), text.indexOf("\r\n", text.indexOf("From: "))));
            return text.toLowerCase(java.util.Locale.ROOT).contains("<pat.k7@alex.example>");
        };
        int moved = imap.database.inTransaction(c -> ImapService.delivery().move(c, user, "Requests", "INBOX",
                "pat.k7@alex.example", fromPat));
        assertEquals(2, moved);
        assertEquals(List.of("From: " + froms.get(1), "From: " + froms.get(3)), read,
                "only pat's two headers were read");
    }

    private static void ok(List<String> answer) {
        assertTrue(RawImap.last(answer).contains(" OK"), answer.toString());
    }

    /** IDLE until {@code expected} is pushed, then DONE. */
    private static void idleUntil(RawImap session, String expected) throws Exception {
        String tag = session.nextTag();
        session.send(tag + " IDLE\r\n");
        List<String> pushed = new ArrayList<>();
        while (!pushed.contains(expected)) {
            String line = session.line();
            assertTrue(line != null, "closed during IDLE: " + pushed);
            pushed.add(line);
        }
        session.send("DONE\r\n");
        ok(session.until(tag));
    }

    /** The number after {@code word} in the first untagged line naming it. */
    private static long number(List<String> lines, String word) {
        for (String line : lines) {
            int at = line.indexOf(word + " ");
            if (line.startsWith("* ") && at >= 0) {
                return Long.parseLong(line.substring(at + word.length() + 1).replaceFirst("^\\(", "").split("[ )]")[0]);
            }
        }
        throw new AssertionError("no " + word + " in " + lines);
    }
}
