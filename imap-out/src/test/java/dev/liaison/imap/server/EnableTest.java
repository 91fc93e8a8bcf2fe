package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ENABLE is answered by the server the client talks to, also when other servers were built in the
 * same process (the demo runs two gateways in one JVM; James kept one list for the whole JVM).
 */
class EnableTest {

    @Test
    void enableQresyncInASelectedFolderWorksOnTheSecondServerOfAProcess() throws Exception {
        TestImap first = TestImap.start(TestPostgres.EMBEDDED);
        first.close(); // its store's database is closed: nothing may reach it any more
        try (TestImap second = TestImap.start(TestPostgres.EMBEDDED)) {
            DeliveryHelper.deliver(second, "alice", "INBOX", MailClient.simple("one", "x"));
            try (RawImap c = RawImap.tls(second.imapsPort())) {
                c.login("alice");
                c.command("SELECT INBOX");
                List<String> enabled = c.command("ENABLE QRESYNC");
                assertTrue(enabled.contains("* ENABLED QRESYNC") && RawImap.last(enabled).contains("OK"), enabled.toString());
                List<String> fetched = c.command("UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)");
                assertTrue(RawImap.last(fetched).contains("OK"), "QRESYNC is on for this session: " + fetched);
            }
        }
    }
}
