package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No name, pattern, namespace, UID or spelling lets one user reach another's folders. Bob's
 * secret is a folder name and a subject that must never appear in anything Alice receives.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrivacyTest {

    private static final String SECRET = "zanzibar";
    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
        imap.users.put("carol", TestImap.PASSWORD);
        for (int i = 0; i < 3; i++) {
            DeliveryHelper.deliver(imap, "bob", "INBOX", MailClient.simple(SECRET + " plan " + i, SECRET + " body"));
        }
        DeliveryHelper.deliver(imap, "bob", "Zanzibar-" + SECRET, MailClient.simple(SECRET + " filed", "x"));
        DeliveryHelper.deliver(imap, "alice", "INBOX", MailClient.simple("alice's own", "hello"));
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    private RawImap alice() throws Exception {
        return as("alice");
    }

    private RawImap as(String user) throws Exception {
        RawImap c = RawImap.tls(imap.imapsPort());
        assertTrue(RawImap.last(c.login(user)).contains("OK"));
        return c;
    }

    private static void assertNoSecret(List<String> answer) {
        String all = String.join("\n", answer).toLowerCase();
        assertFalse(all.contains(SECRET), "leaked: " + answer);
        assertFalse(all.contains("bob"), "mentions bob: " + answer);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\" \"*\"", "\"\" \"%\"", "\"\" \"#user.*\"", "\"#user\" \"*\"", "\"#user.bob\" \"*\"",
        "\"\" \"#private.*\"", "\"#private.bob\" \"*\"", "\"\" \"bob.*\"", "\"\" \"~bob*\"", "\"\" \"*Zanzibar*\"",
        "\"\" \"../bob/*\"", "\"#shared\" \"*\"", "\"\" \"#public.*\"", "\"\" (\"*\" \"#user.*\")",
        "(SUBSCRIBED) \"\" \"*\"", "\"\" \"*\" RETURN (STATUS (MESSAGES) SPECIAL-USE)"})
    void listNeverShowsAnotherUsersFolders(String arguments) throws Exception {
        try (RawImap c = alice()) {
            assertNoSecret(c.command("LIST " + arguments));
            assertNoSecret(c.command("LSUB " + arguments.replace("(SUBSCRIBED) ", "").replaceAll(" RETURN.*", "")));
            assertTrue(c.isOpen());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"#user.bob.INBOX", "#user.bob", "#user/bob/INBOX", "#private.bob.INBOX", "bob.INBOX",
        "bob", "#private.Zanzibar-" + SECRET, "Zanzibar-" + SECRET, "ZANZIBAR-" + SECRET, "../bob/INBOX",
        "INBOX/../../bob", "#users.bob.INBOX", "~bob/INBOX", "#shared.bob.INBOX", "\"#user.bob.INBOX\""})
    void noSpellingOfAnotherUsersFolderCanBeOpenedOrCounted(String name) throws Exception {
        try (RawImap c = alice()) {
            String quoted = name.startsWith("\"") ? name : "\"" + name + "\"";
            for (String command : List.of("SELECT ", "EXAMINE ", "STATUS ", "DELETE ", "SUBSCRIBE ")) {
                List<String> answer = c.command(command + quoted + (command.equals("STATUS ") ? " (MESSAGES UIDNEXT)" : ""));
                assertNoSecret(answer);
                if (!command.equals("SUBSCRIBE ")) {
                    assertFalse(RawImap.last(answer).contains(" OK"), command + name + ": " + answer);
                }
            }
            List<String> append = c.command("APPEND " + quoted + " {5+}\r\nhello");
            assertFalse(RawImap.last(append).contains(" OK"), append.toString());
        }
        assertBobUntouched();
    }

    @Test
    void uidsOfAnotherUsersMessagesFetchNothing() throws Exception {
        try (RawImap c = alice()) {
            c.command("SELECT INBOX");
            assertNoSecret(c.command("UID FETCH 1:* (BODY.PEEK[] FLAGS)"));
            assertNoSecret(c.command("FETCH 1:* (BODY.PEEK[])"));
            assertNoSecret(c.command("UID FETCH 2,3,4 (BODY.PEEK[])"));
            assertNoSecret(c.command("UID SEARCH TEXT " + SECRET));
            assertEquals("* SEARCH", c.command("SEARCH TEXT " + SECRET).get(0));
            assertNoSecret(c.command("UID STORE 2:10 +FLAGS (\\Deleted)"));
            c.command("EXPUNGE");
        }
        assertBobUntouched();
    }

    @Test
    void copyMoveCreateAndRenameCannotReachAnotherUser() throws Exception {
        DeliveryHelper.deliver(imap, "carol", "INBOX", MailClient.simple("carol's", "x"));
        try (RawImap c = as("carol")) {
            c.command("SELECT INBOX");
            for (String target : List.of("\"#user.bob.INBOX\"", "\"#user.bob\"", "\"#user.bob.Zanzibar-" + SECRET + "\"",
                    "\"#shared.bob\"", "\"#public.bob\"")) {
                assertFalse(RawImap.last(c.command("COPY 1 " + target)).contains(" OK"));
                assertFalse(RawImap.last(c.command("MOVE 1 " + target)).contains(" OK"));
                assertFalse(RawImap.last(c.command("CREATE " + target.replace("INBOX", "New"))).contains(" OK"));
                assertFalse(RawImap.last(c.command("RENAME Archive " + target.replace("INBOX", "Taken"))).contains(" OK"));
            }
            List<String> acl = c.command("SETACL INBOX bob lrswipkxte");
            assertTrue(RawImap.last(acl).contains("BAD"), acl.toString());
            assertTrue(RawImap.last(c.command("GETACL INBOX")).contains("BAD"));
        }
        assertBobUntouched();
    }

    @Test
    void namespaceOffersOnlyThePersonalNamespace() throws Exception {
        try (RawImap c = alice()) {
            assertEquals("* NAMESPACE ((\"\" \".\")) NIL NIL", c.command("NAMESPACE").get(0));
        }
    }

    @Test
    void anotherSpellingOfTheLoginIsTheSameUserAndNotAnotherOne() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            assertTrue(RawImap.last(c.login("ALICE")).contains("OK"));
            assertTrue(c.command("STATUS INBOX (MESSAGES)").get(0).contains("MESSAGES 1"));
            assertNoSecret(c.command("LIST \"\" \"*\""));
        }
    }

    @Test
    void authenticatingAsOneselfButAuthorizingAsAnotherIsRefused() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            String plain = Base64.getEncoder().encodeToString(("bob\0alice\0" + TestImap.PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
            List<String> answer = c.command("AUTHENTICATE PLAIN " + plain);
            assertFalse(RawImap.last(answer).contains(" OK"), answer.toString());
            assertFalse(RawImap.last(c.command("SELECT INBOX")).contains(" OK"));
        }
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            String plain = Base64.getEncoder().encodeToString(("alice\0alice\0" + TestImap.PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
            assertTrue(RawImap.last(c.command("AUTHENTICATE PLAIN " + plain)).contains(" OK"));
        }
    }

    private void assertBobUntouched() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("bob");
            assertTrue(c.command("STATUS INBOX (MESSAGES)").get(0).contains("MESSAGES 3"));
            String list = String.join("\n", c.command("LIST \"\" \"*\""));
            assertFalse(list.contains("Taken") || list.contains("New"), list);
            c.command("SELECT INBOX");
            String flags = String.join("\n", c.command("FETCH 1:* (FLAGS)"));
            assertFalse(flags.contains("\\Deleted"), flags);
        }
    }
}
