package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 9051 §2.3.1.1 (RFC 3501 likewise): a name deleted and created again, or taken by the new
 * folder of INBOX's messages a RENAME INBOX makes, MUST get a greater UIDVALIDITY than before.
 * James's random values went up and down. INBOX itself keeps its own across that rename.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UidValidityTest {

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
    void aFolderCreatedAgainGetsAGreaterUidValidity() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(imap.newUser("uv"));
            List<Long> given = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                assertTrue(RawImap.last(c.command("CREATE Again")).contains("OK"));
                given.add(uidValidity(c, "Again"));
                assertTrue(RawImap.last(c.command("DELETE Again")).contains("OK"));
            }
            long inbox = uidValidity(c, "INBOX");
            assertTrue(RawImap.last(c.command("RENAME INBOX Before")).contains("OK"));
            given.add(uidValidity(c, "Before"));
            for (int i = 1; i < given.size(); i++) {
                assertTrue(given.get(i) > given.get(i - 1), "each greater than the one before: " + given);
            }
            assertTrue(given.get(given.size() - 1) > inbox, "the folder RENAME INBOX makes is a new folder");
            assertEquals(inbox, uidValidity(c, "INBOX"), "INBOX keeps its own: it is not made again, its UIDs go on");
            assertTrue(given.get(0) > 0 && given.get(given.size() - 1) < (1L << 32), "a nz-number of 32 bits: " + given);
        }
    }

    /**
     * After a restored backup (docs/operations.md, "Restoring an older backup") the administrator
     * renews the UIDVALIDITY of every folder: a client that reconnects sees a greater value, for every
     * folder of the user and for no one else's, and the messages keep their UIDs.
     */
    @Test
    void aRenewalGivesEveryFolderOfTheOwnerAGreaterUidValidityThatAClientSees() throws Exception {
        String user = imap.newUser("renew");
        String other = imap.newUser("renewother");
        DeliveryHelper.deliver(imap, user, "INBOX", MailClient.simple("kept", "x"));
        long inbox;
        long projects;
        long others;
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(user);
            assertTrue(RawImap.last(c.command("CREATE Projects")).contains("OK"));
            inbox = uidValidity(c, "INBOX");
            projects = uidValidity(c, "Projects");
        }
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(other);
            others = uidValidity(c, "INBOX");
        }

        var renewed = imap.database.inTransaction(c ->
                new dev.liaison.imap.store.UidValidityRenewal().renew(c, java.util.Optional.of(user)));
        assertEquals(1, renewed.owners());
        assertTrue(renewed.folders() >= 2, "INBOX, Projects and the default folders: " + renewed);

        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(user);
            List<String> select = c.command("SELECT INBOX");
            long selected = Long.parseLong(String.join("\n", select).replaceAll("(?s).*\\[UIDVALIDITY (\\d+)\\].*", "$1"));
            assertTrue(selected > inbox, "SELECT answers the new, greater value: " + select);
            assertTrue(uidValidity(c, "Projects") > projects, "every folder of the user");
            assertTrue(uidValidity(c, "Projects") != selected, "each folder its own value");
            assertTrue(String.join("\n", c.command("UID FETCH 1 (UID)")).contains("UID 1"), "the message keeps its UID");
        }
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login(other);
            assertEquals(others, uidValidity(c, "INBOX"), "another user's folders are untouched");
        }
    }

    private static long uidValidity(RawImap c, String folder) throws Exception {
        String status = c.command("STATUS " + folder + " (UIDVALIDITY)").get(0);
        assertTrue(status.startsWith("* STATUS "), status);
        return Long.parseLong(status.replaceAll(".*UIDVALIDITY (\\d+)\\).*", "$1"));
    }
}
