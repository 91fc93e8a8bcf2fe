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

    private static long uidValidity(RawImap c, String folder) throws Exception {
        String status = c.command("STATUS " + folder + " (UIDVALIDITY)").get(0);
        assertTrue(status.startsWith("* STATUS "), status);
        return Long.parseLong(status.replaceAll(".*UIDVALIDITY (\\d+)\\).*", "$1"));
    }
}
