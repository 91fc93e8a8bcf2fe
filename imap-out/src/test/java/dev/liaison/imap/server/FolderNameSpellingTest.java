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
 * New folder names (CREATE, RENAME) must be canonical modified UTF-7 (RFC 3501 §5.1.3: printable
 * ASCII stands for itself; Dovecot refuses others as "not valid mUTF-7"), and a name starting with
 * {@code #} names a namespace this server does not have: both {@code NO [CANNOT]}, nothing made.
 * James made {@code abcd} of {@code &AGEAYgBjAGQ-}, {@code evil} of {@code #private.evil}, and
 * refused {@code #shared} without a code. Real sockets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FolderNameSpellingTest {

    private static final String HASH_WORDS = "NO [CANNOT] CREATE Folder names cannot start with # (the only namespace is the"
            + " personal one, without a prefix); choose another name";

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
    void aNonCanonicalModifiedUtf7NameIsRefusedWithItsCanonicalSpelling() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(imap.newUser("spelling"));
            String answer = RawImap.last(c.command("CREATE \"&AGEAYgBjAGQ-\""));
            assertTrue(answer.matches("a\\d+ NO \\[CANNOT\\] .*modified UTF-7.* write this one abcd"), answer);
            assertTrue(RawImap.last(c.command("CREATE &AOk-&AOk-")).contains("NO [CANNOT]"), "two runs for one");
            assertTrue(RawImap.last(c.command("RENAME Archive \"&AGE-\"")).contains("NO [CANNOT]"));
            assertTrue(RawImap.last(c.command("CREATE \"Caf&AOk-\"")).contains("OK"), "a canonical name is taken");
            assertTrue(RawImap.last(c.command("CREATE \"Tom &- Jerry\"")).contains("OK"));
            List<String> listed = c.command("LIST \"\" \"*\"");
            assertFalse(listed.stream().anyMatch(l -> l.endsWith("abcd") || l.endsWith("\"a\"")), listed.toString());
            assertTrue(listed.stream().anyMatch(l -> l.endsWith("\"Archive\"") || l.endsWith(" Archive")), listed.toString());
        }
    }

    @Test
    void aNameStartingWithHashIsRefusedInTheSameWordsWhateverItNames() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(imap.newUser("hash"));
            for (String name : List.of("#private.evil", "\"#shared\"", "#user.alice.x", "#user.nobody.x", "#x")) {
                String answer = RawImap.last(c.command("CREATE " + name));
                assertEquals(HASH_WORDS, answer.substring(answer.indexOf(' ') + 1), name);
            }
            String renamed = RawImap.last(c.command("RENAME Archive #private.evil"));
            assertTrue(renamed.contains("NO [CANNOT] RENAME Folder names cannot start with #"), renamed);
            List<String> listed = c.command("LIST \"\" \"*\"");
            assertFalse(listed.stream().anyMatch(l -> l.contains("evil")), listed.toString());
        }
    }
}
