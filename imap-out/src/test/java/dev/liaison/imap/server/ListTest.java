package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LIST with a final {@code %} returns the levels of hierarchy it matches also where no folder is,
 * as \Noselect (RFC 3501 §6.3.8; \NonExistent with LIST-EXTENDED options, RFC 5258 §3), so that
 * a client can reach the folders below. LIST-EXTENDED's list of patterns lists what any pattern
 * matches, each folder once, and its REMOTE option is accepted and changes nothing here (RFC 5258
 * §3, §3.1). Each test uses a user of its own; "." is the delimiter.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListTest {

    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    /** A session of a new user who made {@code made} and then deleted {@code deleted}. */
    private RawImap after(List<String> made, List<String> deleted) throws Exception {
        RawImap c = RawImap.tls(imap.imapsPort());
        c.login(imap.newUser("lister"));
        for (String folder : made) {
            assertTrue(RawImap.last(c.command("CREATE " + folder)).contains("OK"), folder);
        }
        for (String folder : deleted) {
            assertTrue(RawImap.last(c.command("DELETE " + folder)).contains("OK"), folder);
        }
        return c;
    }

    private static List<String> listed(RawImap c, String arguments) throws Exception {
        List<String> answer = c.command("LIST " + arguments);
        assertTrue(RawImap.last(answer).contains("OK LIST"), answer.toString());
        return answer.subList(0, answer.size() - 1);
    }

    @Test
    void aDeletedParentOfAFolderIsListedAsNoselect() throws Exception {
        try (RawImap c = after(List.of("a.b", "c.d"), List.of("a"))) {
            List<String> top = listed(c, "\"\" \"%\"");
            assertTrue(top.contains("* LIST (\\Noselect \\HasChildren) \".\" \"a\""), top.toString());
            assertTrue(top.contains("* LIST (\\HasChildren) \".\" \"c\""), top.toString());
            assertEquals(1, top.stream().filter(l -> l.endsWith(" \"a\"")).count(), top.toString());
            assertEquals(List.of("* LIST (\\HasNoChildren) \".\" \"a.b\""), listed(c, "\"\" \"a.%\""));
            assertEquals(List.of("* LIST (\\HasNoChildren) \".\" \"a.b\""), listed(c, "a. %"));
            assertEquals(List.of(), listed(c, "\"\" \"b%\""));
            assertTrue(RawImap.last(c.command("SELECT a")).contains("NO"));
        }
    }

    @Test
    void everyLevelWithoutAFolderIsListedWhereThePatternMatchesIt() throws Exception {
        try (RawImap c = after(List.of("x.y.z"), List.of("x.y", "x"))) {
            assertTrue(listed(c, "\"\" %").contains("* LIST (\\Noselect \\HasChildren) \".\" \"x\""));
            assertEquals(List.of("* LIST (\\Noselect \\HasChildren) \".\" \"x.y\""), listed(c, "\"\" \"x.%\""));
            assertEquals(List.of("* LIST (\\Noselect \\HasChildren) \".\" \"x.y\""), listed(c, "\"\" \"%.%\""));
            assertEquals(List.of("* LIST (\\HasNoChildren) \".\" \"x.y.z\""), listed(c, "\"\" \"x.y.%\""));
            List<String> all = listed(c, "\"\" *");
            assertTrue(all.contains("* LIST (\\HasNoChildren) \".\" \"x.y.z\""), all.toString());
        }
    }

    @Test
    void withListExtendedOptionsTheLevelIsNonExistent() throws Exception {
        try (RawImap c = after(List.of("p.q"), List.of("p"))) {
            List<String> top = listed(c, "\"\" % RETURN (CHILDREN)");
            assertTrue(top.contains("* LIST (\\HasChildren \\NonExistent) \".\" \"p\""), top.toString());
            List<String> subscribed = listed(c, "(SUBSCRIBED) \"\" %");
            assertFalse(subscribed.stream().anyMatch(l -> l.endsWith(" \"p\"")), subscribed.toString());
        }
    }

    @Test
    void aSubscribedLevelWithoutAFolderSaysSoWhenAsked() throws Exception {
        try (RawImap c = after(List.of("s.t", "u.v"), List.of())) {
            assertTrue(RawImap.last(c.command("SUBSCRIBE s")).contains("OK"));
            assertTrue(RawImap.last(c.command("DELETE s")).contains("OK"));
            assertTrue(RawImap.last(c.command("DELETE u")).contains("OK"));
            List<String> top = listed(c, "\"\" % RETURN (SUBSCRIBED)");
            assertTrue(top.contains("* LIST (\\HasChildren \\Subscribed \\NonExistent) \".\" \"s\""), top.toString());
            assertTrue(top.contains("* LIST (\\HasChildren \\NonExistent) \".\" \"u\""), top.toString());
        }
    }

    @Test
    void aParentThatExistsIsListedOnce() throws Exception {
        try (RawImap c = after(List.of("m.n"), List.of())) {
            List<String> top = listed(c, "\"\" %");
            assertEquals(List.of("* LIST (\\HasChildren) \".\" \"m\""),
                    top.stream().filter(l -> l.endsWith(" \"m\"")).toList(), top.toString());
        }
    }

    /** The names of the folders {@code lines} list, in their order. */
    private static List<String> names(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("* LIST "))
                .map(l -> l.substring(l.lastIndexOf(' ') + 1).replace("\"", "")).toList();
    }

    private static List<String> sorted(List<String> names) {
        return names.stream().sorted().toList();
    }

    @Test
    void aPatternListListsWhatAnyPatternMatches() throws Exception {
        try (RawImap c = after(List.of("k1", "k2", "m1", "n1"), List.of())) {
            assertEquals(List.of("k1", "k2", "m1"), sorted(names(listed(c, "\"\" (\"k%\" \"m1\")"))));
        }
    }

    @Test
    void aFolderTwoPatternsMatchIsListedOnce() throws Exception {
        try (RawImap c = after(List.of("k1", "k2", "m1", "n1"), List.of())) {
            assertEquals(List.of("k1", "k2", "m1", "n1"), sorted(names(listed(c, "\"\" (\"k*\" \"*1\")"))));
        }
    }

    @Test
    void aPatternListTakesAtomsAndLiterals() throws Exception {
        try (RawImap c = after(List.of("k1", "k2", "m1", "n1"), List.of())) {
            assertEquals(List.of("k1", "m1", "n1"), sorted(names(listed(c, "\"\" (k1 {2+}\r\nm1 n%)"))));
        }
    }

    @Test
    void withAPatternListStatusIsAnsweredOncePerFolder() throws Exception {
        try (RawImap c = after(List.of("k1", "k2", "m1"), List.of())) {
            List<String> statuses = listed(c, "\"\" (\"k*\" \"*1\") RETURN (STATUS (MESSAGES))").stream()
                    .filter(l -> l.startsWith("* STATUS ")).sorted().toList();
            assertEquals(List.of("* STATUS \"k1\" (MESSAGES 0)", "* STATUS \"k2\" (MESSAGES 0)",
                    "* STATUS \"m1\" (MESSAGES 0)"), statuses);
        }
    }

    @Test
    void withAPatternListEachPatternListsItsLevelsWithoutAFolderAsNonExistent() throws Exception {
        try (RawImap c = after(List.of("a.b", "c.d"), List.of("a", "c"))) {
            assertEquals(List.of("* LIST (\\HasChildren \\NonExistent) \".\" \"a\"",
                    "* LIST (\\HasChildren \\NonExistent) \".\" \"c\""), listed(c, "\"\" (\"a%\" \"c%\")"));
        }
    }

    @Test
    void withAPatternListSubscribedFoldersSaySo() throws Exception {
        try (RawImap c = after(List.of("k1", "m1"), List.of())) {
            assertTrue(RawImap.last(c.command("SUBSCRIBE m1")).contains("OK"));
            assertEquals(List.of("* LIST (\\HasNoChildren \\Subscribed) \".\" \"m1\""),
                    listed(c, "(SUBSCRIBED) \"\" (\"k%\" \"m%\")"));
        }
    }

    @Test
    void withAPatternListSpecialUseSelectsFromEachPattern() throws Exception {
        try (RawImap c = after(List.of("Sentinel", "Drafty"), List.of())) {
            assertEquals(List.of("Drafts", "Sent"), sorted(names(listed(c, "(SPECIAL-USE) \"\" (\"Se*\" \"Dr*\")"))));
        }
    }

    @Test
    void morePatternsThanTheLimitAreRefused() throws Exception {
        try (RawImap c = after(List.of("k1"), List.of())) {
            String patterns = String.join(" ", java.util.Collections.nCopies(Limits.LIST_PATTERNS + 1, "k1"));
            String answer = RawImap.last(c.command("LIST \"\" (" + patterns + ")"));
            assertTrue(answer.matches("a\\d+ NO \\[LIMIT] .*"), answer);
        }
    }

    @Test
    void anEmptyPatternListIsBad() throws Exception {
        try (RawImap c = after(List.of("k1"), List.of())) {
            assertTrue(RawImap.last(c.command("LIST \"\" ()")).matches("a\\d+ BAD .*"));
        }
    }

    /**
     * A tab (or any octet no atom may hold) where a pattern should be: James's reader skips only
     * spaces, so it read an empty pattern there again and again, holding a thread and filling the
     * heap; it is BAD, and the session goes on.
     */
    @Test
    void anOctetNoPatternMayStartWithIsBadAndTheSessionGoesOn() throws Exception {
        try (RawImap c = after(List.of("k1"), List.of())) {
            for (String list : List.of("(\t)", "(k1\t)", "(\"k1\" \t \"m1\")")) {
                String answer = RawImap.last(c.command("LIST \"\" " + list));
                assertTrue(answer.matches("a\\d+ BAD .*"), list + ": " + answer);
            }
            assertTrue(c.command("LIST \"\" k1").contains("* LIST (\\HasNoChildren) \".\" \"k1\""));
        }
    }

    @Test
    void anUnclosedPatternListIsBadAndTheSessionGoesOn() throws Exception {
        try (RawImap c = after(List.of("k1"), List.of())) {
            List<String> answer = c.command("LIST \"\" (\"k1\" \"m1\"");
            answer.addAll(c.command("LIST \"\" k1"));
            assertEquals(List.of("BAD", "* LIST (\\HasNoChildren) \".\" \"k1\"", "OK"),
                    answer.stream().map(l -> l.matches("a\\d+ .*") ? l.split(" ")[1] : l).toList());
        }
    }

    @Test
    void theRemoteOptionListsWhatALocalListDoes() throws Exception {
        try (RawImap c = after(List.of("k1", "k1.k2"), List.of())) {
            assertEquals(listed(c, "\"\" *"), listed(c, "(REMOTE) \"\" *"));
        }
    }

    @Test
    void theRemoteOptionWithSubscribedListsTheSubscriptions() throws Exception {
        try (RawImap c = after(List.of("k1", "m1"), List.of())) {
            assertTrue(RawImap.last(c.command("SUBSCRIBE k1")).contains("OK"));
            assertEquals(listed(c, "(SUBSCRIBED) \"\" *"), listed(c, "(REMOTE SUBSCRIBED) \"\" *"));
        }
    }

    @Test
    void theRemoteOptionWithAPatternListListsWhatTheListDoes() throws Exception {
        try (RawImap c = after(List.of("k1", "m1", "n1"), List.of())) {
            assertEquals(listed(c, "\"\" (k1 m1)"), listed(c, "(REMOTE) \"\" (k1 m1)"));
        }
    }

    @Test
    void withTheRemoteOptionALevelWithoutAFolderIsNonExistent() throws Exception {
        try (RawImap c = after(List.of("p.q"), List.of("p"))) {
            assertTrue(listed(c, "(REMOTE) \"\" %").contains("* LIST (\\HasChildren \\NonExistent) \".\" \"p\""));
        }
    }
}
