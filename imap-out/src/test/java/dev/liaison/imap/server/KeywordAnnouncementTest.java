package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A keyword is announced in {@code * FLAGS} and {@code * OK [PERMANENTFLAGS …]} before the first
 * FETCH that shows it, however it came into the folder (RFC 3501 §7.2.6, RFC 9051 §7.3.5; Dovecot),
 * and no FLAGS takes back a keyword the client was told of ({@link AnnouncedKeywords}). Two
 * sessions of one user on one folder, as several devices are.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeywordAnnouncementTest {
    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    /** A user whose folder K holds one message with keyword $Old. */
    private String userWithAKeyword() throws Exception {
        String user = imap.newUser("kw");
        DeliveryHelper.deliver(imap, user, "K", MailClient.simple("one", "x"));
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(user);
            c.command("SELECT K");
            assertTrue(RawImap.last(c.command("STORE 1 +FLAGS ($Old)")).contains("OK"));
        }
        return user;
    }

    private static void append(RawImap other, String keyword) throws Exception {
        String message = MailClient.simple("with " + keyword, "x");
        String tag = other.nextTag();
        other.send(tag + " APPEND K (" + keyword + ") {" + message.length() + "+}\r\n" + message + "\r\n");
        assertTrue(RawImap.last(other.until(tag)).contains("OK"));
    }

    /**
     * The line that shows {@code keyword} first in a FETCH comes after a FLAGS and a PERMANENTFLAGS
     * naming it and every keyword in {@code alsoNamed}.
     */
    private static void assertAnnouncedBeforeFetch(List<String> answer, String keyword, String... alsoNamed) {
        int fetch = first(answer, l -> l.contains(" FETCH ") && l.contains(keyword));
        int flags = first(answer, l -> l.startsWith("* FLAGS ") && l.contains(keyword));
        int permanent = first(answer, l -> l.startsWith("* OK [PERMANENTFLAGS ") && l.contains(keyword) && l.contains("\\*"));
        assertTrue(fetch >= 0, "no FETCH shows " + keyword + ": " + answer);
        assertTrue(flags >= 0 && flags < fetch, "no FLAGS naming " + keyword + " before the FETCH: " + answer);
        assertTrue(permanent >= 0 && permanent < fetch, "no PERMANENTFLAGS naming " + keyword + " before the FETCH: " + answer);
        for (String also : alsoNamed) {
            assertTrue(answer.get(flags).contains(also) && answer.get(permanent).contains(also),
                    "FLAGS and PERMANENTFLAGS must still name " + also + ": " + answer);
        }
    }

    private static int first(List<String> lines, java.util.function.Predicate<String> test) {
        for (int i = 0; i < lines.size(); i++) {
            if (test.test(lines.get(i))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aKeywordAnotherSessionAppendedIsAnnouncedBeforeAFetchShowsIt() throws Exception {
        String user = userWithAKeyword();
        try (RawImap a = RawImap.tls(imap.imapsPort()); RawImap b = RawImap.tls(imap.imapsPort())) {
            a.login(user);
            b.login(user);
            a.command("SELECT K");
            append(b, "$NewKeyword");
            List<String> seen = new java.util.ArrayList<>(a.command("NOOP"));
            seen.addAll(a.command("FETCH 1:* (FLAGS)"));
            assertAnnouncedBeforeFetch(seen, "$NewKeyword", "$Old");

            // James's own FLAGS for a later keyword left out the appended one, which a client reads as gone
            b.command("SELECT K");
            b.command("STORE 1 +FLAGS ($Other)");
            assertAnnouncedBeforeFetch(a.command("NOOP"), "$Other", "$Old", "$NewKeyword");
        }
    }

    @Test
    void aKeywordIsAnnouncedWhenALaterChangeWithoutANewKeywordCameBeforeTheClientAsked() throws Exception {
        String user = userWithAKeyword();
        try (RawImap a = RawImap.tls(imap.imapsPort()); RawImap b = RawImap.tls(imap.imapsPort())) {
            a.login(user);
            b.login(user);
            a.command("SELECT K");
            b.command("SELECT K");
            b.command("STORE 1 +FLAGS ($Later)");
            b.command("STORE 1 +FLAGS (\\Seen)"); // James's marker for $Later was cleared by this one
            assertAnnouncedBeforeFetch(a.command("NOOP"), "$Later", "$Old");
        }
    }

    /** No FLAGS or PERMANENTFLAGS line in {@code answer}: the client was told all of it before. */
    private static void assertSilent(List<String> answer) {
        assertTrue(answer.stream().noneMatch(l -> l.startsWith("* FLAGS") || l.startsWith("* OK [PERMANENTFLAGS")),
                "nothing changed in the folder's keywords: " + answer);
    }

    @Test
    void whatTheClientWasToldIsNotRepeated() throws Exception {
        String user = userWithAKeyword();
        try (RawImap a = RawImap.tls(imap.imapsPort()); RawImap b = RawImap.tls(imap.imapsPort())) {
            a.login(user);
            b.login(user);
            assertTrue(a.command("SELECT K").stream().anyMatch(l -> l.startsWith("* FLAGS") && l.contains("$Old")));
            assertSilent(a.command("NOOP"));
            assertTrue(a.command("EXAMINE K").stream().anyMatch(l -> l.startsWith("* FLAGS") && l.contains("$Old")));
            assertSilent(a.command("FETCH 1 (FLAGS)"));
            assertTrue(a.command("SELECT K").stream().anyMatch(l -> l.startsWith("* FLAGS") && l.contains("$Old")),
                    "SELECT always says FLAGS");
            assertSilent(a.command("NOOP"));

            // announced before a FETCH showed it; James learns of it with the next change and told it again
            append(b, "$Appended");
            assertAnnouncedBeforeFetch(a.command("FETCH 1:* (FLAGS)"), "$Appended", "$Old");
            b.command("SELECT K");
            b.command("STORE 2 +FLAGS (\\Seen)");
            List<String> noop = a.command("NOOP");
            assertTrue(noop.stream().anyMatch(l -> l.startsWith("* 2 FETCH") && l.contains("\\Seen")), noop.toString());
            assertSilent(noop);
        }
    }

    @Test
    void underExamineTheKeywordIsAnnouncedAsNotStorable() throws Exception {
        String user = userWithAKeyword();
        try (RawImap a = RawImap.tls(imap.imapsPort()); RawImap b = RawImap.tls(imap.imapsPort())) {
            a.login(user);
            b.login(user);
            a.command("EXAMINE K");
            append(b, "$ReadOnly");
            List<String> seen = new java.util.ArrayList<>(a.command("NOOP"));
            seen.addAll(a.command("FETCH 1:* (FLAGS)"));
            int fetch = first(seen, l -> l.contains(" FETCH ") && l.contains("$ReadOnly"));
            int flags = first(seen, l -> l.startsWith("* FLAGS ") && l.contains("$ReadOnly") && l.contains("$Old"));
            assertTrue(fetch >= 0 && flags >= 0 && flags < fetch, "no FLAGS naming $ReadOnly before the FETCH: " + seen);
            assertTrue(seen.get(flags + 1).startsWith("* OK [PERMANENTFLAGS ()]"), "a read-only selection stores no flag: " + seen);
            assertTrue(seen.stream().noneMatch(l -> l.contains("PERMANENTFLAGS (\\")), seen.toString());
        }
    }

    @Test
    void anIdlePushAnnouncesTheKeywordItShows() throws Exception {
        String user = userWithAKeyword();
        try (RawImap a = RawImap.tls(imap.imapsPort()); RawImap b = RawImap.tls(imap.imapsPort())) {
            a.login(user);
            b.login(user);
            a.command("SELECT K");
            b.command("SELECT K");
            String idle = a.nextTag();
            a.send(idle + " IDLE\r\n");
            assertTrue(a.line().startsWith("+"));
            b.command("STORE 1 +FLAGS ($Pushed)");
            List<String> pushed = new java.util.ArrayList<>();
            while (pushed.stream().noneMatch(l -> l.contains(" FETCH "))) {
                pushed.add(a.line());
            }
            a.send("DONE\r\n");
            pushed.addAll(a.until(idle));
            assertAnnouncedBeforeFetch(pushed, "$Pushed", "$Old");
        }
    }
}
