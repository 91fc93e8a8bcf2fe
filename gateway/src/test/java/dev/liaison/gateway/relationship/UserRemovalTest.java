package dev.liaison.gateway.relationship;

import dev.liaison.gateway.Liaison;
import dev.liaison.gateway.submission.SocketLines;
import dev.liaison.gateway.transport.TestClock;
import dev.liaison.mapping.database.TestPostgres;
import dev.liaison.mapping.relationship.RelationshipState;
import dev.liaison.mapping.user.Login;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.liaison.gateway.relationship.GatewayPair.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code liaison user remove} on a running gateway, with real clients: alex, connected with blair on
 * another gateway, is removed; casey, alex's neighbour, is not. Blair's gateway learns that the
 * relationship ended, plain email to alex's old address is refused as to an address that never
 * existed, alex's open IMAP session ends and alex's open submission connection sends nothing even
 * though the login was given to a new user meanwhile, and that new user finds nothing of the old one.
 */
class UserRemovalTest {

    private static final Duration DELIVERY = Duration.ofSeconds(45);

    @TempDir
    static Path dir;
    private static final TestClock clock = new TestClock();
    private static GatewayPair pair;

    @BeforeAll
    static void start() throws Exception {
        pair = new GatewayPair(TestPostgres.available().get(0), dir, clock);
        pair.alex.admin.addUser(Login.of("alex"), "Alex", "alex-pw".toCharArray());
        pair.alex.admin.addUser(Login.of("casey"), "Casey", "casey-pw".toCharArray());
        pair.blair.admin.addUser(Login.of("blair"), "Blair", "blair-pw".toCharArray());
    }

    @AfterAll
    static void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void aRemovedUserIsGoneForPeersMailServersSessionsAndTheNextUserOfTheLogin() throws Exception {
        GatewayPair.Established link = pair.connect();
        String published = pair.alex.admin.createAlias(Login.of("alex"), "alex", true).address().toString();
        String caseys = pair.alex.admin.createAlias(Login.of("casey"), "casey", true).address().toString();
        send(pair.blair, "blair", link.blairAlias(), "before the removal");
        await(DELIVERY, () -> subjects("alex", "alex-pw").contains("before the removal"), "blair's message to reach alex");
        String never = "alex.neverissued@" + pair.alex.domain;
        List<String> before = rcpt(published, never, caseys);
        assertTrue(before.get(0).startsWith("250"), "the MX takes alex's published address: " + before);

        try (Socket s = pair.alex.trustingSocketFactory().createSocket("127.0.0.1", pair.alex.gateway.imapsPort());
             Socket submission = pair.alex.trustingSocketFactory().createSocket("127.0.0.1",
                     pair.alex.gateway.submissionsPort())) {
            SocketLines imap = new SocketLines(s);
            imap.read(); // greeting
            assertTrue(imap.command("a1 LOGIN alex alex-pw").contains("a1 OK"));
            assertTrue(imap.command("a2 SELECT INBOX").contains("a2 OK"));
            SocketLines smtp = authenticated(submission, "alex", "alex-pw");

            assertEquals(0, admin("user", "disable", "alex"));
            pair.alex.gateway.database().inTransaction(c -> { // as if minutes ago: removal waits for that
                try (var disabled = c.createStatement()) {
                    return disabled.executeUpdate("UPDATE mapping.users SET updated_at = now() - interval '5 minutes'"
                            + " WHERE login = 'alex'");
                }
            });
            assertEquals(0, admin("user", "remove", "alex", "--yes"));
            // the login given again at once, before the old session's next check
            pair.alex.admin.addUser(Login.of("alex"), "Alex Two", "new-pw".toCharArray());
            // past the check interval, and past the real time the command queued the end notice at
            clock.advance(Duration.ofMinutes(2));
            await(DELIVERY, () -> pair.blair.state(link.blairRelationship()) == RelationshipState.ENDED,
                    "blair's gateway to learn that the relationship ended");

            imap.send("a3 NOOP");
            assertEquals("* BYE This account is no longer active; ask your administrator", imap.read(),
                    "the removed user's session is not the new user's");
            assertNull(imap.read(), "the connection ends");

            // the old submission connection, kept open, writes to the new alex's own alias: not as the new alex
            String newAlias = pair.alex.admin.createAlias(Login.of("alex")).address().toString();
            String refused = message(smtp, newAlias, "from the old connection");
            assertTrue(refused.startsWith("550 5.7.1") && refused.contains("disabled or gone"), refused);
        }

        List<String> after = rcpt(published, never, caseys);
        assertEquals(after.get(1).replace(never, published), after.get(0),
                "alex's old address is refused exactly as one never issued");
        assertTrue(after.get(0).startsWith("550 5.1.1"), after.get(0));
        assertTrue(after.get(2).startsWith("250"), "casey's address still takes mail: " + after);

        assertThrows(AuthenticationFailedException.class, () -> MailClients.imap(pair.alex, "alex", "alex-pw").close(),
                "the old password opens nothing");
        assertEquals(List.of(), subjects("alex", "new-pw"), "the new alex finds none of the old mail");
        assertEquals(1, pair.alex.admin.aliasesOf(Login.of("alex")).size(), "nor the old aliases: only the one made above");
        assertEquals(1, pair.alex.admin.aliasesOf(Login.of("casey")).size(), "casey keeps theirs");
    }

    /**
     * An invitation of dale's is still out when dale is removed; blair accepts it afterwards and is
     * told, as the acceptor of an ended invitation is, that the relationship has ended (one end
     * notice from the alias the acceptance gave), instead of being left connected to nobody. The
     * invitation's address answers once: what it kept goes with the answer.
     */
    @Test
    void whoeverAcceptsARemovedUsersInvitationLaterIsToldTheRelationshipHasEnded() throws Exception {
        pair.alex.admin.addUser(Login.of("dale"), "Dale", "dale-pw".toCharArray());
        Invitations.Issued issued = pair.alex.gateway.database().inTransaction(c -> pair.alex.relay().invitations()
                .create(c, Login.of("dale"), "Dale", Invitations.DEFAULT_LIFETIME));
        assertEquals(0, admin("user", "disable", "dale"));
        pair.alex.gateway.database().inTransaction(c -> {
            try (var disabled = c.createStatement()) {
                return disabled.executeUpdate("UPDATE mapping.users SET updated_at = now() - interval '5 minutes'"
                        + " WHERE login = 'dale'");
            }
        });
        assertEquals(0, admin("user", "remove", "dale", "--yes"));
        assertEquals(1L, pair.alex.value("SELECT count(*) FROM relay.retired_invitations WHERE relationship_id = ?",
                issued.relationshipId()), "the invitation's address is kept, ownerless");

        Invitations.Accepted accepted = pair.blair.gateway.database().inTransaction(c ->
                pair.blair.relay().invitations().accept(c, Login.of("blair"), "Blair", issued.token()));
        await(DELIVERY, () -> pair.blair.state(accepted.relationshipId()) == RelationshipState.ENDED,
                "blair's gateway to learn that the relationship has ended");
        String alias = accepted.alias().address().toString();
        await(DELIVERY, () -> endNotices(alias) == 1, "blair to be told once, from the alias the acceptance gave");
        assertEquals(0L, pair.alex.value("SELECT count(*) FROM relay.retired_invitations WHERE relationship_id = ?",
                issued.relationshipId()), "answered once: its address resolves no more");
    }

    private static long endNotices(String alias) {
        try {
            return MailClients.raw(pair.blair, "INBOX").stream().map(m -> new String(m, StandardCharsets.UTF_8))
                    .filter(m -> m.contains("\r\nSubject: Relationship ended: ") && m.contains("<" + alias + ">\r\n"))
                    .count();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A submission connection (implicit TLS) past AUTH PLAIN. */
    private static SocketLines authenticated(Socket s, String login, String password) throws IOException {
        SocketLines smtp = new SocketLines(s);
        assertTrue(smtp.read().startsWith("220"));
        smtp.send("EHLO client.test");
        while (!smtp.read().startsWith("250 ")) {
            // the extensions
        }
        smtp.send("AUTH PLAIN " + java.util.Base64.getEncoder().encodeToString(
                ("\0" + login + "\0" + password).getBytes(StandardCharsets.UTF_8)));
        assertTrue(smtp.read().startsWith("235"));
        return smtp;
    }

    /** One message on a submission connection; the reply to its final dot (or to the first refused command). */
    private static String message(SocketLines smtp, String to, String subject) throws IOException {
        smtp.send("MAIL FROM:<" + to + ">");
        String reply = smtp.read();
        if (!reply.startsWith("250")) {
            return reply;
        }
        smtp.send("RCPT TO:<" + to + ">");
        reply = smtp.read();
        if (!reply.startsWith("250")) {
            return reply;
        }
        smtp.send("DATA");
        assertTrue(smtp.read().startsWith("354"));
        smtp.send("From: <" + to + ">\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nMessage-ID: <" + System.nanoTime()
                + "@client.test>\r\nDate: Fri, 27 Nov 2026 12:00:00 +0000\r\n\r\nbody\r\n.");
        return smtp.read();
    }

    /** What the MX answered to RCPT TO for each address, in one transaction from a stranger. */
    private static List<String> rcpt(String... addresses) throws IOException {
        try (Socket s = new Socket("127.0.0.1", pair.alex.gateway.inboundPort())) {
            SocketLines smtp = new SocketLines(s);
            assertTrue(smtp.read().startsWith("220"));
            smtp.send("EHLO mail.plain.example");
            while (!smtp.read().startsWith("250 ")) {
                // the extensions
            }
            smtp.send("MAIL FROM:<dana@plain.example>");
            assertTrue(smtp.read().startsWith("250"));
            List<String> replies = new ArrayList<>();
            for (String address : addresses) {
                smtp.send("RCPT TO:<" + address + ">");
                replies.add(smtp.read());
            }
            smtp.send("QUIT");
            return replies;
        }
    }

    /** {@code liaison …} as the administrator runs it beside the running gateway, on its database. */
    private static int admin(String... command) {
        GatewayPair.Node node = pair.alex;
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of("--data-dir=" + node.dataDir, "--domain=" + node.domain, "--database.url=" + node.db.url(),
                "--database.user=" + node.db.user(), "--database.password=" + node.db.password(),
                "--http.public-url=https://localhost:" + node.httpPort));
        return Liaison.run(args.toArray(String[]::new));
    }

    private static List<String> subjects(String login, String password) {
        try (Store store = MailClients.imap(pair.alex, login, password)) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            List<String> subjects = new ArrayList<>();
            for (Message m : inbox.getMessages()) {
                subjects.add(m.getSubject());
            }
            inbox.close(false);
            return subjects;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(GatewayPair.Node node, String login, String to, String subject) throws Exception {
        MimeMessage m = new MimeMessage(MailClients.smtp(node));
        m.setFrom(new InternetAddress(login + "@" + node.domain));
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject(subject);
        m.setText("Body of " + subject + "\r\n");
        m.saveChanges();
        MailClients.send(node, login, login + "-pw", m);
    }
}
