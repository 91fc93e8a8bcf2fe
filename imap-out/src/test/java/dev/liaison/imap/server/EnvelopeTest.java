package dev.liaison.imap.server;

import dev.liaison.mapping.database.TestPostgres;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ENVELOPE (RFC 3501 §7.4.2) carries each address's display name as the header's phrase means
 * it: quoted names without their header quoting, encoded-word names decodable to the same text.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnvelopeTest {

    /** From header → the display name a client must show. */
    private static final Map<String, String> NAMES = new LinkedHashMap<>();

    static {
        NAMES.put("\"John Q. Public\" <jqp@example.net>", "John Q. Public");
        NAMES.put("\"Doe, John\" <jd@example.net>", "Doe, John");
        NAMES.put("\"Quote \\\"Q\\\" Me\" <q@example.net>", "Quote \"Q\" Me");
        NAMES.put("=?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <jm@example.de>", "Jörg Müller");
        NAMES.put("=?ISO-8859-1?Q?Andr=E9?= Pirard <ap@example.be>", "André Pirard");
        NAMES.put("Plain Name <pn@example.net>", "Plain Name");
    }

    /** Addresses written the legacy way, a comment after a bare address (RFC 5322 §3.4). */
    private static final String COMMENTED = "From: jdoe@example.net (John Doe)\r\n"
            + "To: ann@example.org (Ann \\(the boss\\)), Bob <bob@example.org> (not a name), cy@example.org\r\n"
            + "Cc: jm@example.de (=?UTF-8?Q?J=C3=B6rg_M=C3=BCller?=)\r\n"
            + "Subject: comments\r\nDate: Tue, 3 Jun 2025 11:05:30 +0200\r\n\r\nbody\r\n";

    private TestImap imap;

    @BeforeAll
    void start() throws Exception {
        imap = TestImap.start(TestPostgres.EMBEDDED);
        imap.users.put("enveloped", TestImap.PASSWORD);
        for (String from : NAMES.keySet()) {
            DeliveryHelper.deliver(imap, "enveloped", "INBOX", "From: " + from + "\r\nTo: alice@example.org\r\n"
                    + "Subject: names\r\nDate: Tue, 3 Jun 2025 11:05:30 +0200\r\n\r\nbody\r\n");
        }
        DeliveryHelper.deliver(imap, "enveloped", "INBOX", COMMENTED);
    }

    @AfterAll
    void stop() {
        imap.close();
    }

    @Test
    void jakartaMailSeesEachFromDisplayNameAsWritten() throws Exception {
        try (Store store = MailClient.connect(imap.imapsPort(), "enveloped")) {
            Folder inbox = MailClient.open(store, "INBOX", Folder.READ_ONLY);
            int n = 1;
            for (Map.Entry<String, String> e : NAMES.entrySet()) {
                Message m = inbox.getMessage(n++);
                InternetAddress from = (InternetAddress) m.getFrom()[0];
                assertEquals(e.getValue(), from.getPersonal(), "From: " + e.getKey());
                String address = e.getKey().substring(e.getKey().indexOf('<') + 1, e.getKey().indexOf('>'));
                assertEquals(address, from.getAddress(), "From: " + e.getKey());
            }
        }
    }

    @Test
    void envelopeNamesAreImapStringsWithoutHeaderQuoting() throws Exception {
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("enveloped");
            c.command("EXAMINE INBOX");
            List<String> answer = c.command("FETCH 1:3 (ENVELOPE)");
            assertTrue(answer.get(0).contains("((\"John Q. Public\" NIL \"jqp\" \"example.net\"))"), answer.get(0));
            assertTrue(answer.get(1).contains("((\"Doe, John\" NIL \"jd\" \"example.net\"))"), answer.get(1));
            assertTrue(answer.get(2).contains("((\"Quote \\\"Q\\\" Me\" NIL \"q\" \"example.net\"))"), answer.get(2));
        }
    }

    @Test
    void aCommentAfterABareAddressIsItsEnvelopeName() throws Exception {
        int n = NAMES.size() + 1;
        try (RawImap c = RawImap.tls(imap.imapsPort())) {
            c.login("enveloped");
            c.command("EXAMINE INBOX");
            String envelope = c.command("FETCH " + n + " (ENVELOPE)").get(0);
            assertTrue(envelope.contains("((\"John Doe\" NIL \"jdoe\" \"example.net\"))"), envelope);
            assertTrue(envelope.contains("((\"Ann (the boss)\" NIL \"ann\" \"example.org\")"
                    + "(\"Bob\" NIL \"bob\" \"example.org\")(NIL NIL \"cy\" \"example.org\"))"), envelope);
            String uidEnvelope = c.command("UID FETCH 1:* (ENVELOPE)").get(n - 1);
            assertTrue(uidEnvelope.contains("((\"John Doe\" NIL \"jdoe\" \"example.net\"))"), uidEnvelope);
            String header = c.command("FETCH " + n + " (BODY.PEEK[HEADER.FIELDS (FROM)])").get(0);
            assertTrue(header.contains("From: jdoe@example.net (John Doe)\r\n"), "the header stays as written: " + header);
        }
        try (Store store = MailClient.connect(imap.imapsPort(), "enveloped")) {
            Message m = MailClient.open(store, "INBOX", Folder.READ_ONLY).getMessage(n);
            assertEquals("John Doe", ((InternetAddress) m.getFrom()[0]).getPersonal());
            assertEquals("Jörg Müller", ((InternetAddress) m.getRecipients(Message.RecipientType.CC)[0]).getPersonal());
            assertEquals(null, ((InternetAddress) m.getRecipients(Message.RecipientType.TO)[2]).getPersonal());
        }
    }
}
