package dev.liaison.gateway.submission;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.user.Login;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An IMAP LOGIN the user database cannot check (the database refuses every connection) is no
 * failed login: the client hears {@code NO [UNAVAILABLE]} (RFC 5530), the attempt is not counted
 * (three counted failures end the connection) and no fail2ban line is written, so a mail client
 * retrying a saved password during an outage is not banned. Whole gateway, real database made to
 * refuse connections, real socket.
 */
class ImapLoginDatabaseOutageTest {

    private static final String UNAVAILABLE = " NO [UNAVAILABLE] LOGIN failed. Logins cannot be checked now;"
            + " try again in a moment";

    @Test
    void aLoginDuringADatabaseOutageIsUnavailableNotAFailedLogin(@TempDir Path dataDir) throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        try (TestGateway gw = new TestGateway(TestPostgres.EMBEDDED, dataDir);
             Socket s = gw.trustingSocketFactory().createSocket("127.0.0.1", gw.gateway.imapsPort())) {
            gw.admin.addUser(Login.of("saved"), "Saved", "saved-pw".toCharArray());
            s.setSoTimeout(60_000); // a deadline, not a measurement
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            assertTrue(in.readLine().startsWith("* OK"));
            captured.start();
            root.addAppender(captured);
            gw.allowDatabaseConnections(false);
            try {
                for (int i = 1; i <= 3; i++) { // a third counted failure would end the connection
                    out.write(("a" + i + " LOGIN saved saved-pw\r\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    assertEquals("a" + i + UNAVAILABLE, in.readLine());
                }
            } finally {
                gw.allowDatabaseConnections(true);
            }
            out.write("a4 LOGIN saved saved-pw\r\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertTrue(in.readLine().startsWith("a4 OK"), "the same connection logs in once the database is back");
        } finally {
            root.detachAppender(captured);
        }
        assertEquals(0, captured.list.stream()
                .filter(e -> e.getFormattedMessage().startsWith("authentication failed")).count(), "no fail2ban line");
        assertEquals(3, captured.list.stream()
                .filter(e -> e.getFormattedMessage().startsWith("IMAP login could not be checked")).count());
    }
}
